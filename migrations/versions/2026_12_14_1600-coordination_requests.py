"""Meetings: a service centre's requests for a coordination with its task force (§3.2).

A centre asks for planning, a case conference (gelar kasus) or problem solving; the meeting
the task force records for it answers the request. There are none yet.

Revision ID: 0023_coordination_requests
Revises: 0022_victim_links
Create Date: 2026-12-14 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0023_coordination_requests"
down_revision: str | None = "0022_victim_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "coordination_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "topics", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False
        ),
        sa.Column("subject", sa.String(length=2000), nullable=False),
        sa.Column("proposed_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name="fk_coordination_request_service_centre_id_service_centre",
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name="fk_coordination_request_task_force_id_task_force",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name="fk_coordination_request_meeting_id_meeting"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_coordination_request"),
    )
    op.create_index(
        "ix_coordination_request_service_centre_id",
        "coordination_request",
        ["service_centre_id"],
    )
    op.create_index(
        "ix_coordination_request_task_force_id", "coordination_request", ["task_force_id"]
    )


def downgrade() -> None:
    op.drop_table("coordination_request")
