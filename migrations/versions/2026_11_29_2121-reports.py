"""Reports: versions (immutable figures), transitions on the chain, sub-task-force narratives.

Revision ID: 0008_reports
Revises: 0007_jobs
Create Date: 2026-11-29 21:21:03.607162
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_reports"
down_revision: str | None = "0007_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("annual", "five_year", name="reportkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft",
                "submitted",
                "discussed",
                "consolidated",
                "forwarded",
                "received",
                "returned",
                name="reportstate",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("job_id", sa.Integer(), nullable=True),
        sa.Column("frozen_version", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["job.id"], name=op.f("fk_report_job_id_job")),
        sa.ForeignKeyConstraint(
            ["task_force_id"], ["task_force.id"], name=op.f("fk_report_task_force_id_task_force")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report")),
        sa.UniqueConstraint(
            "task_force_id", "kind", "year", name=op.f("uq_report_task_force_id_kind_year")
        ),
    )
    op.create_table(
        "report_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column(
            "figures", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_version_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_version")),
        sa.UniqueConstraint("report_id", "number", name=op.f("uq_report_version_report_id_number")),
    )
    op.create_table(
        "sub_task_force_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("sub_task_force_id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("annual", "five_year", name="reportkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("activities", sa.Text(), nullable=False),
        sa.Column("obstacles", sa.Text(), nullable=False),
        sa.Column("recommendations", sa.Text(), nullable=False),
        sa.Column(
            "state",
            sa.Enum("draft", "submitted", name="narrativestate", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sub_task_force_id"],
            ["sub_task_force.id"],
            name=op.f("fk_sub_task_force_report_sub_task_force_id_sub_task_force"),
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_sub_task_force_report_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sub_task_force_report")),
        sa.UniqueConstraint(
            "sub_task_force_id",
            "kind",
            "year",
            name=op.f("uq_sub_task_force_report_sub_task_force_id_kind_year"),
        ),
    )
    with op.batch_alter_table("sub_task_force_report", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sub_task_force_report_task_force_id"), ["task_force_id"], unique=False
        )

    op.create_table(
        "report_transition",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_state", sa.String(length=16), nullable=False),
        sa.Column("to_state", sa.String(length=16), nullable=False),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("acting_member_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["acting_member_id"],
            ["membership.id"],
            name=op.f("fk_report_transition_acting_member_id_membership"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_token_id"],
            ["api_token.id"],
            name=op.f("fk_report_transition_actor_token_id_api_token"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_report_transition_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_transition_report_id_report")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_transition")),
    )
    with op.batch_alter_table("report_transition", schema=None) as batch_op:
        batch_op.create_index("ix_report_transition_report", ["report_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("report_transition", schema=None) as batch_op:
        batch_op.drop_index("ix_report_transition_report")

    op.drop_table("report_transition")
    with op.batch_alter_table("sub_task_force_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sub_task_force_report_task_force_id"))

    op.drop_table("sub_task_force_report")
    op.drop_table("report_version")
    op.drop_table("report")
