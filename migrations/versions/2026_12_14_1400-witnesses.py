"""Cases: their witnesses (saksi, protected persons of §5.1.2), encrypted.

Kept as the victim's personal fields are: a key id and the ciphertext, bound to the case
by associated data. Existing cases have none (both null).

Revision ID: 0021_witnesses
Revises: 0020_transit
Create Date: 2026-12-14 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0021_witnesses"
down_revision: str | None = "0020_transit"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(sa.Column("witnesses_key_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("witnesses_ciphertext", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("witnesses_ciphertext")
        batch.drop_column("witnesses_key_id")
