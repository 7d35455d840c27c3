"""Cases: exploitation types and services as bit sets, and a partial index of NIK cases.

The report counts Table 1, the regions, the services and the exploitation types in one scan
of ``victim_case`` (``exploitation_mask``, ``service_mask``: bit ``i`` is the ``i``-th member
of the enum, see ``cases.models.mask``); only cases with a NIK need de-duplicating, which
reads ``ix_victim_case_nik_cells`` alone. Existing rows get their bits from their child rows.

Revision ID: 0009_case_cells
Revises: 0008_reports
Create Date: 2026-11-29 22:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_case_cells"
down_revision: str | None = "0008_reports"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The enums' members in declared order, frozen here as the migration wrote them.
EXPLOITATION_TYPES = (
    "forced_labour",
    "sexual_exploitation",
    "domestic_servitude",
    "forced_marriage",
    "organ_removal",
    "forced_criminality",
    "other",
)
SERVICE_TYPES = (
    "complaint",
    "health_rehabilitation",
    "social_rehabilitation",
    "legal_aid",
    "repatriation",
    "reintegration",
)
NIK_CASES = "nik_index IS NOT NULL"


def upgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(
            sa.Column("exploitation_mask", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("service_mask", sa.Integer(), server_default="0", nullable=False)
        )
    for column, table, field, members in (
        ("exploitation_mask", "victim_case_exploitation", "exploitation_type", EXPLOITATION_TYPES),
        ("service_mask", "victim_case_service", "service_type", SERVICE_TYPES),
    ):
        case_rows = sa.table("victim_case", sa.column("id"), sa.column(column, sa.Integer))
        child = sa.table(table, sa.column("case_id"), sa.column(field))
        for i, member in enumerate(members):
            having = sa.select(child.c.case_id).where(child.c[field] == member)
            op.execute(
                case_rows.update()
                .where(case_rows.c.id.in_(having))
                .values({column: case_rows.c[column].op("|")(1 << i)})
            )
    op.create_index(
        "ix_victim_case_nik_cells",
        "victim_case",
        [
            "identified_year",
            "registered_region_code",
            "age_group",
            "sex",
            "victim_key",
            "exploitation_mask",
            "service_mask",
        ],
        unique=False,
        postgresql_where=sa.text(NIK_CASES),
        sqlite_where=sa.text(NIK_CASES),
    )


def downgrade() -> None:
    op.drop_index("ix_victim_case_nik_cells", table_name="victim_case")
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("service_mask")
        batch.drop_column("exploitation_mask")
