"""The public face: community partners (5.7), report publications (2.x.4 a, 5.4), and
narrative fields marked internal.

Revision ID: 0010_public
Revises: 0009_case_cells
Create Date: 2026-11-29 22:38:28.073437
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_public"
down_revision: str | None = "0009_case_cells"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "community_partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "womens_organisation",
                "religious",
                "youth",
                "village",
                "ngo",
                "media",
                "business",
                "academic",
                name="partnerkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("contribution", sa.Text(), nullable=False),
        sa.Column("listing_consent", sa.Boolean(), nullable=False),
        sa.Column("contact_key_id", sa.String(length=32), nullable=True),
        sa.Column("contact_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_community_partner_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_community_partner")),
    )
    with op.batch_alter_table("community_partner", schema=None) as batch_op:
        batch_op.create_index(
            "ix_community_partner_task_force", ["task_force_id", "id"], unique=False
        )

    op.create_table(
        "partner_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "capacity_building",
                "coordination",
                "prevention",
                "victim_support",
                "other",
                name="partneractivitykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["community_partner.id"],
            name=op.f("fk_partner_activity_partner_id_community_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_activity")),
    )
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.create_index("ix_partner_activity_partner", ["partner_id", "id"], unique=False)

    op.create_table(
        "partner_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("awarded_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decree_number", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            ["community_partner.id"],
            name=op.f("fk_partner_award_partner_id_community_partner"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner_award")),
    )
    with op.batch_alter_table("partner_award", schema=None) as batch_op:
        batch_op.create_index("ix_partner_award_partner", ["partner_id", "id"], unique=False)

    op.create_table(
        "report_publication",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column("acting_member_id", sa.Integer(), nullable=False),
        sa.Column("published_by_token_id", sa.Integer(), nullable=True),
        sa.Column("published_by_name", sa.String(length=200), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["acting_member_id"],
            ["membership.id"],
            name=op.f("fk_report_publication_acting_member_id_membership"),
        ),
        sa.ForeignKeyConstraint(
            ["published_by_token_id"],
            ["api_token.id"],
            name=op.f("fk_report_publication_published_by_token_id_api_token"),
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_publication_report_id_report")
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_report_publication_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_publication")),
        sa.UniqueConstraint("report_id", name=op.f("uq_report_publication_report_id")),
    )
    with op.batch_alter_table("report_publication", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_report_publication_published_at"), ["published_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_report_publication_task_force_id"), ["task_force_id"], unique=False
        )

    with op.batch_alter_table("sub_task_force_report", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "internal_fields",
                sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
                nullable=False,
                server_default=sa.text("'[]'"),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("sub_task_force_report", schema=None) as batch_op:
        batch_op.drop_column("internal_fields")

    with op.batch_alter_table("report_publication", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_publication_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_report_publication_published_at"))

    op.drop_table("report_publication")
    with op.batch_alter_table("partner_award", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_award_partner")

    op.drop_table("partner_award")
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_activity_partner")

    op.drop_table("partner_activity")
    with op.batch_alter_table("community_partner", schema=None) as batch_op:
        batch_op.drop_index("ix_community_partner_task_force")

    op.drop_table("community_partner")
