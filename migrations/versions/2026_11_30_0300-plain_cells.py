"""Cases: a partial index of the cases without a NIK, ordered like a report's finest cell.

A case without a NIK is a victim of its own, so a report counts those cases per cell (year,
age group, sex, region) with their services and exploitation types from the bit sets. This
index holds exactly those columns in that order: the count reads the index alone, in order,
with no sort and none of the wide case rows.

The index of ``nik_index`` becomes partial (the cases with a NIK) and adds the year, which
the likely-duplicates lookup also asks for; as a full index it held every NULL and SQLite's
planner took it for the way into the cases without a NIK.

Revision ID: 0011_plain_cells
Revises: 0010_public
Create Date: 2026-11-30 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_plain_cells"
down_revision: str | None = "0010_public"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PLAIN_CASES = "nik_index IS NULL"
NIK_CASES = "nik_index IS NOT NULL"


def upgrade() -> None:
    op.drop_index("ix_victim_case_nik_index", table_name="victim_case")
    op.create_index(
        "ix_victim_case_nik",
        "victim_case",
        ["nik_index", "identified_year"],
        postgresql_where=sa.text(NIK_CASES),
        sqlite_where=sa.text(NIK_CASES),
    )
    op.create_index(
        "ix_victim_case_plain_cells",
        "victim_case",
        [
            "identified_year",
            "age_group",
            "sex",
            "registered_region_code",
            "exploitation_mask",
            "service_mask",
        ],
        postgresql_where=sa.text(PLAIN_CASES),
        sqlite_where=sa.text(PLAIN_CASES),
    )


def downgrade() -> None:
    op.drop_index("ix_victim_case_plain_cells", table_name="victim_case")
    op.drop_index("ix_victim_case_nik", table_name="victim_case")
    op.create_index("ix_victim_case_nik_index", "victim_case", ["nik_index"])
