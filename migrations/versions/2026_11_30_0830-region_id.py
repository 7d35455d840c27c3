"""Cases: ``ix_victim_case_region_id``, a regency's cases in id order.

The case list of a regency's task force is read in id order (keyset pages). Without this
index, every page sorted all of the regency's cases to return twenty.

Revision ID: 0014_region_id
Revises: 0013_victim_cells
Create Date: 2026-11-30 08:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014_region_id"
down_revision: str | None = "0013_victim_cells"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_victim_case_region_id", "victim_case", ["registered_region_code", "id"])


def downgrade() -> None:
    op.drop_index("ix_victim_case_region_id", table_name="victim_case")
