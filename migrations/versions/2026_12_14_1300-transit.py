"""Cases: the places a victim was moved through (route mapping, §2.x.4 c 6).

``victim_case.transit`` keeps the points as sent (a region of Indonesia or a country each,
in order); ``victim_case_transit`` holds them as the statistics count them: each point's
country and, inside Indonesia, its province, once per case. Existing cases have none.

Revision ID: 0020_transit
Revises: 0019_incident_year
Create Date: 2026-12-14 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0020_transit"
down_revision: str | None = "0019_incident_year"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(sa.Column("transit", json, nullable=True))
    op.execute("UPDATE victim_case SET transit = '[]'")
    with op.batch_alter_table("victim_case") as batch:
        batch.alter_column("transit", existing_type=json, nullable=False)
    op.create_table(
        "victim_case_transit",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=8), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name="fk_victim_case_transit_case_id_victim_case",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "kind", "value", name="pk_victim_case_transit"),
    )


def downgrade() -> None:
    op.drop_table("victim_case_transit")
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("transit")
