"""The key store: one wrapped data key per case, apart from the main database.

Revision ID: keys_0001
Revises:
Create Date: 2026-12-16 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "keys_0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "data_key",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_data_key")),
    )
    op.create_index(op.f("ix_data_key_created_at"), "data_key", ["created_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_data_key_created_at"), table_name="data_key")
    op.drop_table("data_key")
