"""Cases: the secretariats' links of two records as one victim (§2.1.4 C, §2.2.4 d,
§2.3.4 (7)).

``victim_link`` keeps each link, made and undone, with who and why; ``victim_key_alias``
maps a natural victim key (NIK and year, or the case) that links joined to the key every
case of the linked victim carries. There are no links yet.

Revision ID: 0022_victim_links
Revises: 0021_witnesses
Create Date: 2026-12-14 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0022_victim_links"
down_revision: str | None = "0021_witnesses"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "victim_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("other_case_id", sa.Uuid(), nullable=False),
        sa.Column("case_key", sa.String(length=80), nullable=False),
        sa.Column("other_key", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("linked_by", sa.String(length=200), nullable=False),
        sa.Column("linked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unlinked_by", sa.String(length=200), nullable=True),
        sa.Column("unlinked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unlink_reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name="fk_victim_link_case_id_victim_case",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["other_case_id"],
            ["victim_case.id"],
            name="fk_victim_link_other_case_id_victim_case",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_victim_link"),
    )
    op.create_index("ix_victim_link_keys", "victim_link", ["case_key", "other_key"])
    op.create_table(
        "victim_key_alias",
        sa.Column("natural_key", sa.String(length=80), nullable=False),
        sa.Column("victim_key", sa.String(length=80), nullable=False),
        sa.PrimaryKeyConstraint("natural_key", name="pk_victim_key_alias"),
    )
    op.create_index("ix_victim_key_alias_victim_key", "victim_key_alias", ["victim_key"])


def downgrade() -> None:
    op.drop_table("victim_key_alias")
    op.drop_table("victim_link")
