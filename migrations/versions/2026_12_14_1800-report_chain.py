"""Reports: each step's sender and receiver, and the letter of a head of region's step.

Lampiran V (§3.3.3 a-c) runs through the heads of region: the regency's report to the
Bupati/Walikota, who reports to the Governor; the province's to the Governor, who reports
to the President through the Minister of Home Affairs and the coordinating ministry. Their
secretariats record these steps with the letter's number and date. Steps recorded before
name no sender or receiver.

Revision ID: 0025_report_chain
Revises: 0024_head_of_region
Create Date: 2026-12-14 18:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0025_report_chain"
down_revision: str | None = "0024_head_of_region"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("report_transition") as batch:
        batch.add_column(sa.Column("sender", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("receiver", sa.String(length=200), nullable=True))
        batch.add_column(sa.Column("letter_number", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("letter_date", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("report_transition") as batch:
        batch.drop_column("letter_date")
        batch.drop_column("letter_number")
        batch.drop_column("receiver")
        batch.drop_column("sender")
