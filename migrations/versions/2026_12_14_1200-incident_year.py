"""Cases: the incident's day or year (Table 1 "Tahun Kejadian") and the cells by it.

A case records when the trafficking took place, where the centre knows it (``incident_on``,
``incident_year``), beside its identification date; existing cases have neither.
``incident_basis_year`` is the year the case counts in on the incident basis: the incident
year, or the identification year where that is unknown, so for existing cases their
identification year. ``victim_case_incident_cell`` keeps the cells of the statistics by that
year as ``victim_case_cell`` keeps them by the identification year: for existing cases the
same cells, copied. The report's partial index is keyed by it, as its Table 1 now is.

Revision ID: 0019_incident_year
Revises: 0019_public_pages
Create Date: 2026-12-14 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_incident_year"
down_revision: str | None = "0019_public_pages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _indexes(year: str) -> None:
    """The report's partial index of the cases that are a victim of their own, keyed by
    ``year`` first (0016_record_keys made it)."""
    op.drop_index("ix_victim_case_plain_cells", table_name="victim_case")
    op.create_index(
        "ix_victim_case_plain_cells",
        "victim_case",
        [
            year,
            "age_group",
            "sex",
            "registered_region_code",
            "exploitation_mask",
            "service_mask",
            "record_key",
        ],
        postgresql_where=sa.text("NOT victim_shared"),
        sqlite_where=sa.text("victim_shared = 0"),
    )


def upgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(sa.Column("incident_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("incident_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("incident_basis_year", sa.Integer(), nullable=True))
    op.execute("UPDATE victim_case SET incident_basis_year = identified_year")
    with op.batch_alter_table("victim_case") as batch:
        batch.alter_column("incident_basis_year", existing_type=sa.Integer(), nullable=False)
    _indexes("incident_basis_year")
    op.create_table(
        "victim_case_incident_cell",
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("age_group", sa.String(length=8), nullable=False),
        sa.Column("sex", sa.String(length=8), nullable=False),
        sa.Column("records", sa.Integer(), nullable=False),
        sa.Column("single", sa.Integer(), nullable=False),
        sa.Column("single_key", sa.BigInteger(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name="fk_victim_case_incident_cell_region_code_region",
        ),
        sa.PrimaryKeyConstraint(
            "region_code", "year", "age_group", "sex", name="pk_victim_case_incident_cell"
        ),
    )
    op.execute(
        "INSERT INTO victim_case_incident_cell"
        " (region_code, year, age_group, sex, records, single, single_key)"
        " SELECT region_code, year, age_group, sex, records, single, single_key"
        " FROM victim_case_cell"
    )


def downgrade() -> None:
    op.drop_table("victim_case_incident_cell")
    _indexes("identified_year")
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("incident_basis_year")
        batch.drop_column("incident_year")
        batch.drop_column("incident_on")
