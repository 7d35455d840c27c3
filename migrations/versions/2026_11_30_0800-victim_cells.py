"""Cases: ``victim_case_cell``, the cases per finest cell of the victim statistics.

Statistics read every case of their scope to count them per cell; their cost grew with the
cases. The counts per (region, year, age group, sex) are now kept by every write of cases,
in its transaction, and statistics sum cells instead. Filled here from the cases there are.

Revision ID: 0013_victim_cells
Revises: 0012_shared_victims
Create Date: 2026-11-30 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_victim_cells"
down_revision: str | None = "0012_shared_victims"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "victim_case_cell",
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("age_group", sa.String(length=8), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("single", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["region_code"], ["region.code"]),
        sa.PrimaryKeyConstraint("region_code", "year", "age_group", "sex"),
    )
    op.execute(
        "INSERT INTO victim_case_cell (region_code, year, age_group, sex, records, single) "
        "SELECT registered_region_code, identified_year, age_group, sex, count(*), "
        "sum(CASE WHEN victim_shared THEN 0 ELSE 1 END) FROM victim_case "
        "GROUP BY registered_region_code, identified_year, age_group, sex"
    )


def downgrade() -> None:
    op.drop_table("victim_case_cell")
