"""Cases: ``ix_victim_case_centre_id``, a centre's cases in id order.

A service centre's own case list is read in id order (keyset pages). The unique key
(centre, external reference) finds the centre's cases but not in that order: every page
sorted all of them to return twenty.

Revision ID: 0015_centre_id
Revises: 0014_region_id
Create Date: 2026-11-30 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0015_centre_id"
down_revision: str | None = "0014_region_id"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_victim_case_centre_id", "victim_case", ["service_centre_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_victim_case_centre_id", table_name="victim_case")
