"""Cases: the HTCDS 2.0 details that statistics count (means of control, recruitment
method, perpetrator relationship, sector of forced labour), a row per value and case.

Existing cases recorded none of them: the table starts empty.

Revision ID: 0027b_case_attributes
Revises: 0027_case_standard
Create Date: 2026-12-14 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0027b_case_attributes"
down_revision: str | None = "0027_case_standard"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "victim_case_attribute",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name="fk_victim_case_attribute_case_id_victim_case",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("case_id", "kind", "value", name="pk_victim_case_attribute"),
    )


def downgrade() -> None:
    op.drop_table("victim_case_attribute")
