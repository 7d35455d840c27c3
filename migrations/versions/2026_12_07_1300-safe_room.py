"""Facilities: the safe house or room (5.2 a, "Rumah/Kamar Aman") on every secretariat's
checklist.

It was a service centre's item only; the general list of 5.2 a names it for every task-force
body. Each secretariat inventory recorded before gets the item as missing (tidak ada), as an
item left out of an assessment is, so that every inventory stays complete against its
checklist and the roll-ups count it.

Revision ID: 0018_safe_room
Revises: 0017_keyed_request_hash
Create Date: 2026-12-07 12:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0018_safe_room"
down_revision: str | None = "0017_keyed_request_hash"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        "INSERT INTO facility_item (inventory_id, item, status) "
        "SELECT i.id, 'safe_house', 'missing' FROM facility_inventory i "
        "WHERE i.owner_kind = 'secretariat' AND NOT EXISTS ("
        "SELECT 1 FROM facility_item f WHERE f.inventory_id = i.id AND f.item = 'safe_house')"
    )


def downgrade() -> None:
    op.execute(
        "DELETE FROM facility_item WHERE item = 'safe_house' AND inventory_id IN ("
        "SELECT id FROM facility_inventory WHERE owner_kind = 'secretariat')"
    )
