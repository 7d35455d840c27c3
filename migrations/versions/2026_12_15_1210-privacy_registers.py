"""Personal data lifecycle: data subject requests, the breach register, retention runs.

Revision ID: 0029b_privacy_registers
Revises: 0029_personal_data
Create Date: 2026-12-15 12:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0029b_privacy_registers"
down_revision: str | None = "0029_personal_data"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "data_subject_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("keep_counts", sa.Boolean(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("handled_by", sa.String(length=200), nullable=True),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution", sa.String(length=1000), nullable=True),
        sa.Column("cases_affected", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_data_subject_request_service_centre_id_service_centre"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_data_subject_request_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name=op.f("fk_data_subject_request_case_id_victim_case"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_subject_request")),
    )
    op.create_index("ix_data_subject_request_open", "data_subject_request", ["state", "due_at"])
    op.create_index(
        op.f("ix_data_subject_request_service_centre_id"),
        "data_subject_request",
        ["service_centre_id"],
    )
    op.create_table(
        "data_breach",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("discovered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notify_due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=True),
        sa.Column("period_from", sa.Date(), nullable=False),
        sa.Column("period_to", sa.Date(), nullable=False),
        sa.Column("fields", JSON, nullable=False),
        sa.Column("affected_cases", sa.Integer(), nullable=False),
        sa.Column("authority_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("subjects_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_data_breach_service_centre_id_service_centre"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_breach")),
    )
    op.create_table(
        "retention_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("schedule", JSON, nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("report", JSON, nullable=True),
        sa.Column("erased", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_run")),
    )


def downgrade() -> None:
    op.drop_table("retention_run")
    op.drop_table("data_breach")
    op.drop_index(
        op.f("ix_data_subject_request_service_centre_id"), table_name="data_subject_request"
    )
    op.drop_index("ix_data_subject_request_open", table_name="data_subject_request")
    op.drop_table("data_subject_request")
