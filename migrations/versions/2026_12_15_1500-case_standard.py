"""Cases: the fields of HTCDS 2.0 (victim context, perpetrators, trafficking events, the age
at exploitation, closure) and two more statuses (follow_up, closed_referred).

The victim context, the perpetrators (their names and identity numbers sealed apart) and
the events are kept as sent; existing cases have none ({} and [], the columns' defaults). What can be derived for them is
filled: a victim who was a child at identification was one when exploited, which came
before (``majority_at_exploitation`` = minor); the age at exploitation needs a date of
birth, which no existing case has.

Revision ID: 0027_case_standard
Revises: 0025_report_chain
Create Date: 2026-12-14 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0027_case_standard"
down_revision: str | None = "0031_integrations_webhooks"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_JSON = (("victim_context", "{}"), ("perpetrators", "[]"), ("events", "[]"))


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    with op.batch_alter_table("victim_case") as batch:
        batch.alter_column(
            "status",
            existing_type=sa.String(length=8),
            type_=sa.String(length=16),
            existing_nullable=False,
        )
        batch.add_column(sa.Column("closure_reason", sa.String(length=1000), nullable=True))
        for name, empty in _JSON:
            batch.add_column(
                sa.Column(name, json, server_default=sa.text(f"'{empty}'"), nullable=False)
            )
        batch.add_column(sa.Column("age_at_exploitation", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("majority_at_exploitation", sa.String(length=8), nullable=True))
        batch.add_column(sa.Column("perpetrators_key_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("perpetrators_ciphertext", sa.LargeBinary(), nullable=True))
    op.execute(
        "UPDATE victim_case SET majority_at_exploitation = 'minor' WHERE age_group = 'child'"
    )


def downgrade() -> None:
    op.execute("UPDATE victim_case SET status = 'open' WHERE status = 'follow_up'")
    op.execute("UPDATE victim_case SET status = 'closed' WHERE status = 'closed_referred'")
    with op.batch_alter_table("victim_case") as batch:
        for name in (
            "perpetrators_ciphertext",
            "perpetrators_key_id",
            "majority_at_exploitation",
            "age_at_exploitation",
            *(name for name, _ in reversed(_JSON)),
            "closure_reason",
        ):
            batch.drop_column(name)
        batch.alter_column(
            "status",
            existing_type=sa.String(length=16),
            type_=sa.String(length=8),
            existing_nullable=False,
        )
