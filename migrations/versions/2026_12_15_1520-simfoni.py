"""Cases: the SIMFONI-PPA categories the case holds nowhere else (forms of violence,
place of incident, the perpetrators' relationship, the victim's education and occupation).

Kept as sent ({} if none, the column's default). What SIMFONI-PPA asks that the case
already holds (age band, the perpetrators' sex, forms of violence from the exploitation
types, relationship from HTCDS) is derived when exported, so existing cases need nothing
filled.

Revision ID: 0032_simfoni
Revises: 0027b_case_attributes
Create Date: 2026-12-15 15:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0032_simfoni"
down_revision: str | None = "0027b_case_attributes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    json = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
    with op.batch_alter_table("victim_case") as batch:
        batch.add_column(sa.Column("simfoni", json, server_default=sa.text("'{}'"), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("victim_case") as batch:
        batch.drop_column("simfoni")
