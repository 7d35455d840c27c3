"""Cases: a record key each, and the key sums of the statistics cells.

Cell key perturbation (``docs/disclosure-control.md``) needs a random key per case, kept for
life, and per statistics cell the sum of the keys of its cases that are a victim of their
own (``single_key``), beside the counts it already keeps. Existing cases get their random
keys here; the cells' sums are counted from them. The report counts every case that is a
victim of its own from one partial index carrying the key (so it reads no table row), and
de-duplicates only the few shared ones: the NIK cases' index it read for that goes.

A publication names the version it publishes and keeps its perturbed tables as published
(``version``, ``figures``); existing ones are taken to publish the report's forwarded
version, their tables computed when first read.

Revision ID: 0016_record_keys
Revises: 0015_centre_id
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016_record_keys"
down_revision: str | None = "0015_centre_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# record keys are uniform below 4096 (``disclosure.ptable.RECORD_KEY_SPACE``)
NIK_CASES = "nik_index IS NOT NULL"
PLAIN_CASES = "nik_index IS NULL"
NIK_CELLS = [
    "identified_year",
    "registered_region_code",
    "age_group",
    "sex",
    "victim_key",
    "exploitation_mask",
    "service_mask",
]
PLAIN_CELLS = [
    "identified_year",
    "age_group",
    "sex",
    "registered_region_code",
    "exploitation_mask",
    "service_mask",
]


def _indexes(with_keys: bool) -> None:
    """Up: the cases that are a victim of their own (no other case of their victim) are
    counted from one partial index with their record keys, and the NIK cases' index the
    report read to de-duplicate them all goes (only the few shared ones need it, and they
    have theirs). Down: the two indexes as they were."""
    op.drop_index("ix_victim_case_plain_cells", table_name="victim_case")
    if with_keys:
        op.drop_index("ix_victim_case_nik_cells", table_name="victim_case")
        op.create_index(
            "ix_victim_case_plain_cells",
            "victim_case",
            [*PLAIN_CELLS, "record_key"],
            postgresql_where=sa.text("NOT victim_shared"),
            sqlite_where=sa.text("victim_shared = 0"),
        )
        return
    op.create_index(
        "ix_victim_case_nik_cells",
        "victim_case",
        NIK_CELLS,
        postgresql_where=sa.text(NIK_CASES),
        sqlite_where=sa.text(NIK_CASES),
    )
    op.create_index(
        "ix_victim_case_plain_cells",
        "victim_case",
        PLAIN_CELLS,
        postgresql_where=sa.text(PLAIN_CASES),
        sqlite_where=sa.text(PLAIN_CASES),
    )


def upgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(sa.Column("record_key", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("victim_case_cell") as batch:
        batch.add_column(
            sa.Column("single_key", sa.BigInteger(), nullable=False, server_default="0")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("UPDATE victim_case SET record_key = floor(random() * 4096)::int")
    else:
        op.execute("UPDATE victim_case SET record_key = abs(random()) % 4096")
    op.execute(
        "UPDATE victim_case_cell SET single_key = coalesce(("
        "SELECT sum(c.record_key) FROM victim_case c"
        " WHERE c.registered_region_code = victim_case_cell.region_code"
        " AND c.identified_year = victim_case_cell.year"
        " AND c.age_group = victim_case_cell.age_group AND c.sex = victim_case_cell.sex"
        " AND NOT c.victim_shared), 0)"
    )
    _indexes(with_keys=True)
    with op.batch_alter_table("report_publication") as batch:
        batch.add_column(sa.Column("version", sa.Integer(), nullable=True))
        batch.add_column(
            sa.Column(
                "figures", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
            )
        )
    op.execute(
        "UPDATE report_publication SET version = (SELECT r.frozen_version FROM report r"
        " WHERE r.id = report_publication.report_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("report_publication") as batch:
        batch.drop_column("figures")
        batch.drop_column("version")
    _indexes(with_keys=False)
    with op.batch_alter_table("victim_case_cell") as batch:
        batch.drop_column("single_key")
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("record_key")
