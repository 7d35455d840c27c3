"""Imports of case records: the uploaded file in parts, its progress, its refused rows.

The file lives in the database (encrypted parts), so that any API process may take it and
any worker process on any machine may read it.

Revision ID: 0026_imports
Revises: 0025_report_chain
Create Date: 2026-12-15 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_imports"
down_revision: str | None = "0025_report_chain"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(sa.dialects.postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "case_import",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column(
            "format",
            sa.Enum("csv", "xlsx", "ndjson", name="importformat", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("filename", sa.String(length=200), nullable=True),
        sa.Column("size_bytes", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "queued",
                "running",
                "done",
                "failed",
                name="importstate",
                native_enum=False,
                length=10,
            ),
            nullable=False,
        ),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=40), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=True),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("problem", sa.Text(), nullable=True),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_case_import_service_centre_id_service_centre"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_import")),
    )
    op.create_index(op.f("ix_case_import_service_centre_id"), "case_import", ["service_centre_id"])
    op.create_table(
        "case_import_part",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("key_id", sa.String(length=50), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["case_import.id"],
            name=op.f("fk_case_import_part_import_id_case_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "seq", name=op.f("pk_case_import_part")),
    )
    op.create_table(
        "case_import_refusal",
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=True),
        sa.Column("errors", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["case_import.id"],
            name=op.f("fk_case_import_refusal_import_id_case_import"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("import_id", "row_number", name=op.f("pk_case_import_refusal")),
    )


def downgrade() -> None:
    op.drop_table("case_import_refusal")
    op.drop_table("case_import_part")
    op.drop_index(op.f("ix_case_import_service_centre_id"), table_name="case_import")
    op.drop_table("case_import")
