"""Coordination meetings (3.1, 3.2), their follow-up actions, and monitoring and evaluation
visits with the checklist instrument (3.3.1, Lampiran VI).

Revision ID: 0005_meetings
Revises: 0004_action_plans
Create Date: 2026-11-29 20:37:34.015063
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005_meetings"
down_revision: str | None = "0004_action_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "monitoring_visit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum("monitoring", "evaluation", name="visitkind", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("monitor_task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "subject_kind",
            sa.Enum(
                "sub_task_force",
                "task_force",
                "service_centre",
                name="subjectkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("subject_sub_task_force_id", sa.Integer(), nullable=True),
        sa.Column("subject_task_force_id", sa.Integer(), nullable=True),
        sa.Column("subject_service_centre_id", sa.Integer(), nullable=True),
        sa.Column("subject_region_code", sa.String(length=8), nullable=False),
        sa.Column("visited_on", sa.Date(), nullable=False),
        sa.Column(
            "methods", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("findings", sa.String(length=8000), nullable=False),
        sa.Column("recommendations", sa.String(length=8000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["monitor_task_force_id"],
            ["task_force.id"],
            name=op.f("fk_monitoring_visit_monitor_task_force_id_task_force"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_region_code"],
            ["region.code"],
            name=op.f("fk_monitoring_visit_subject_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_monitoring_visit_subject_service_centre_id_service_centre"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_sub_task_force_id"],
            ["sub_task_force.id"],
            name=op.f("fk_monitoring_visit_subject_sub_task_force_id_sub_task_force"),
        ),
        sa.ForeignKeyConstraint(
            ["subject_task_force_id"],
            ["task_force.id"],
            name=op.f("fk_monitoring_visit_subject_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_visit")),
    )
    with op.batch_alter_table("monitoring_visit", schema=None) as batch_op:
        batch_op.create_index(
            "ix_monitoring_visit_monitor_kind_on",
            ["monitor_task_force_id", "kind", "visited_on"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_visit_subject_region_code"),
            ["subject_region_code"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_visit_subject_service_centre_id"),
            ["subject_service_centre_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_visit_subject_sub_task_force_id"),
            ["subject_sub_task_force_id"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_monitoring_visit_subject_task_force_id"),
            ["subject_task_force_id"],
            unique=False,
        )

    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "plenary",
                "sub_task_force",
                "coordination",
                "special",
                "service_centre",
                name="meetingkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("sub_task_force_id", sa.Integer(), nullable=True),
        sa.Column("service_centre_id", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("chaired_by_member_id", sa.Integer(), nullable=True),
        sa.Column("agenda", sa.String(length=4000), nullable=False),
        sa.Column(
            "decisions", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column(
            "centre_topics",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["chaired_by_member_id"],
            ["membership.id"],
            name=op.f("fk_meeting_chaired_by_member_id_membership"),
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_meeting_service_centre_id_service_centre"),
        ),
        sa.ForeignKeyConstraint(
            ["sub_task_force_id"],
            ["sub_task_force.id"],
            name=op.f("fk_meeting_sub_task_force_id_sub_task_force"),
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"], ["task_force.id"], name=op.f("fk_meeting_task_force_id_task_force")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_service_centre_id"), ["service_centre_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_sub_task_force_id"), ["sub_task_force_id"], unique=False
        )
        batch_op.create_index(
            "ix_meeting_task_force_kind_held", ["task_force_id", "kind", "held_on"], unique=False
        )

    op.create_table(
        "monitoring_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("visit_id", sa.Integer(), nullable=False),
        sa.Column(
            "area",
            sa.Enum(
                "policy",
                "institution",
                "action_plan",
                "victim_recording_reporting",
                "case_handling",
                "facilities",
                name="checklistarea",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("indicator", sa.String(length=500), nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["visit_id"],
            ["monitoring_visit.id"],
            name=op.f("fk_monitoring_indicator_visit_id_monitoring_visit"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_monitoring_indicator")),
    )
    with op.batch_alter_table("monitoring_indicator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_monitoring_indicator_visit_id"), ["visit_id"], unique=False
        )

    op.create_table(
        "meeting_attendee",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("membership_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendee_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["membership_id"],
            ["membership.id"],
            name=op.f("fk_meeting_attendee_membership_id_membership"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "membership_id", name=op.f("pk_meeting_attendee")),
    )
    op.create_table(
        "meeting_follow_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=False),
        sa.Column("owner", sa.String(length=300), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "done", name="followupstatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("action_plan_activity_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["action_plan_activity_id"],
            ["action_plan_activity.id"],
            name=op.f("fk_meeting_follow_up_action_plan_activity_id_action_plan_activity"),
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_follow_up_meeting_id_meeting")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_follow_up")),
    )
    with op.batch_alter_table("meeting_follow_up", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_meeting_follow_up_meeting_id"), ["meeting_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_meeting_follow_up_action_plan_activity_id"),
            ["action_plan_activity_id"],
            unique=False,
        )

    op.create_table(
        "meeting_task_force",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_task_force_meeting_id_meeting")
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_meeting_task_force_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("meeting_id", "task_force_id", name=op.f("pk_meeting_task_force")),
    )


def downgrade() -> None:
    op.drop_table("meeting_task_force")
    with op.batch_alter_table("meeting_follow_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_follow_up_meeting_id"))

    op.drop_table("meeting_follow_up")
    op.drop_table("meeting_attendee")
    with op.batch_alter_table("monitoring_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_indicator_visit_id"))

    op.drop_table("monitoring_indicator")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index("ix_meeting_task_force_kind_held")
        batch_op.drop_index(batch_op.f("ix_meeting_sub_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_service_centre_id"))

    op.drop_table("meeting")
    with op.batch_alter_table("monitoring_visit", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_monitoring_visit_subject_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_visit_subject_sub_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_visit_subject_service_centre_id"))
        batch_op.drop_index(batch_op.f("ix_monitoring_visit_subject_region_code"))
        batch_op.drop_index("ix_monitoring_visit_monitor_kind_on")

    op.drop_table("monitoring_visit")
