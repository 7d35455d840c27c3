"""Erasures: an outbox of the data keys still to delete from the key store.

An erasure commits in the main database and deletes its cases' keys from the key store
after that commit; a crash in between left the keys until a sweep of the whole key store.
Each erasure now also writes its case ids here, in its own transaction, and a job deletes
their keys and then the rows. Nothing existing is moved: the table starts empty.

Revision ID: 0034_key_deletion
Revises: 0033_key_store
Create Date: 2026-12-17 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0034_key_deletion"
down_revision: str | None = "0033_key_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "key_deletion",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_key_deletion"),
    )


def downgrade() -> None:
    op.drop_table("key_deletion")
