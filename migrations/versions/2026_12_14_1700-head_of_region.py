"""Monitoring: who monitors, the task force or the head of its region (§3.3.1 e).

The Governor monitors the provincial task force and the Bupati/Walikota of its regencies,
the Bupati/Walikota the regency's task force; heads of region are not users, their
secretariats record their visits. Every visit recorded before was the task force's own.

Revision ID: 0024_head_of_region
Revises: 0023_coordination_requests
Create Date: 2026-12-14 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0024_head_of_region"
down_revision: str | None = "0023_coordination_requests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("monitoring_visit") as batch:
        batch.add_column(
            sa.Column(
                "monitor_kind",
                sa.String(length=16),
                nullable=False,
                server_default="task_force",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("monitoring_visit") as batch:
        batch.drop_column("monitor_kind")
