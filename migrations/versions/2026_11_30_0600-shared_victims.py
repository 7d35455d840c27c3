"""Cases: ``victim_shared``, set on the cases whose victim has another case.

Victims are counted by ``victim_key`` (the same NIK in the same year is one victim). Only the
cases whose key is shared need that de-duplication; every other case is a victim of its own
and is simply counted. Marking the shared ones lets statistics count the others with a plain
count (no sort of every key) and de-duplicate only the few, found through a partial index.

Revision ID: 0012_shared_victims
Revises: 0011_plain_cells
Create Date: 2026-11-30 06:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_shared_victims"
down_revision: str | None = "0011_plain_cells"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "victim_case",
        sa.Column("victim_shared", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    op.create_index(
        "ix_victim_case_shared",
        "victim_case",
        ["registered_region_code", "identified_year", "victim_key"],
        postgresql_where=sa.text("victim_shared"),
        sqlite_where=sa.text("victim_shared = 1"),
    )
    op.execute(
        "UPDATE victim_case SET victim_shared = true WHERE victim_key IN "
        "(SELECT victim_key FROM victim_case GROUP BY victim_key HAVING count(*) > 1)"
    )


def downgrade() -> None:
    op.drop_index("ix_victim_case_shared", table_name="victim_case")
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("victim_shared")
