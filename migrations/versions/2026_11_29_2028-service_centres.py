"""Service centres (PPT, P2TP2A), and tokens bound to one of them.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 20:28:27.847209
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "service_centre",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "p2tp2a",
                "community_based",
                "hospital_based",
                "trauma_centre",
                "other",
                name="servicecentrekind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_service_centre_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_service_centre")),
    )
    with op.batch_alter_table("service_centre", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_service_centre_region_code"), ["region_code"], unique=False
        )

    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.create_foreign_key(
            batch_op.f("fk_api_token_service_centre_id_service_centre"),
            "service_centre",
            ["service_centre_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("api_token", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_token_service_centre_id_service_centre"), type_="foreignkey"
        )

    with op.batch_alter_table("service_centre", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_service_centre_region_code"))

    op.drop_table("service_centre")
