"""Foundation: regions (loaded from the package CSV), tokens, audit log, task forces,
sub-task-forces, decrees and memberships.

Revision ID: 0001
Revises:
Create Date: 2026-11-29 20:19:53
"""

import csv
from collections.abc import Sequence
from importlib import resources

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "region",
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "national", "province", "regency", name="regionlevel", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "kind",
            sa.Enum(
                "nation",
                "province",
                "kabupaten",
                "kota",
                name="regionkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("parent_code", sa.String(length=8), nullable=True),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["region.code"], name=op.f("fk_region_parent_code_region")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_region")),
    )
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_region_parent_code"), ["parent_code"], unique=False)

    op.create_table(
        "api_token",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "national_admin",
                "task_force_admin",
                "reporter",
                "service_centre",
                "analyst",
                name="role",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("region_code", sa.String(length=8), nullable=True),
        sa.Column("service_centre_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_api_token_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_token")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_api_token_token_hash")),
    )
    op.create_table(
        "task_force",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "national", "province", "regency", name="regionlevel", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("active", "dissolved", name="taskforcestatus", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("chair_position", sa.String(length=300), nullable=False),
        sa.Column("daily_chair_position", sa.String(length=300), nullable=False),
        sa.Column("secretariat_host_agency", sa.String(length=300), nullable=False),
        sa.Column("secretariat_head", sa.String(length=300), nullable=True),
        sa.Column("dissolved_on", sa.Date(), nullable=True),
        sa.Column("dissolution_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_task_force_region_code_region")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_force")),
    )
    with op.batch_alter_table("task_force", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_task_force_region_code"), ["region_code"], unique=False
        )
        batch_op.create_index(
            "uq_task_force_active_region",
            ["region_code"],
            unique=True,
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        )

    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_token_id", sa.Integer(), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=False),
        sa.Column("actor_role", sa.String(length=32), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("entity_type", sa.String(length=64), nullable=False),
        sa.Column("entity_id", sa.String(length=64), nullable=False),
        sa.Column(
            "before", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True
        ),
        sa.Column("after", sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=True),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["actor_token_id"],
            ["api_token.id"],
            name=op.f("fk_audit_event_actor_token_id_api_token"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index("ix_audit_event_entity", ["entity_type", "entity_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False
        )

    op.create_table(
        "decree",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=1000), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column(
            "authority",
            sa.Enum(
                "president",
                "minister",
                "governor",
                "bupati",
                "walikota",
                "agency_head",
                name="decreeauthority",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "purpose",
            sa.Enum(
                "establishment", "membership", name="decreepurpose", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_force_id"], ["task_force.id"], name=op.f("fk_decree_task_force_id_task_force")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decree")),
        sa.UniqueConstraint("task_force_id", "number", name=op.f("uq_decree_task_force_id_number")),
    )
    with op.batch_alter_table("decree", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_decree_task_force_id"), ["task_force_id"], unique=False
        )

    op.create_table(
        "sub_task_force",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "prevention_child_participation",
                "health_rehabilitation",
                "social_rehabilitation_repatriation_reintegration",
                "legal_norm_development",
                "law_enforcement",
                "cooperation_coordination",
                name="subtaskforcekind",
                native_enum=False,
                length=64,
            ),
            nullable=False,
        ),
        sa.Column(
            "also_covers",
            sa.Enum(
                "prevention_child_participation",
                "health_rehabilitation",
                "social_rehabilitation_repatriation_reintegration",
                "legal_norm_development",
                "law_enforcement",
                "cooperation_coordination",
                name="subtaskforcekind",
                native_enum=False,
                length=64,
            ),
            nullable=True,
        ),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("coordinating_agency", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_sub_task_force_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sub_task_force")),
        sa.UniqueConstraint(
            "task_force_id", "kind", name=op.f("uq_sub_task_force_task_force_id_kind")
        ),
    )
    with op.batch_alter_table("sub_task_force", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_sub_task_force_task_force_id"), ["task_force_id"], unique=False
        )

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column("sub_task_force_id", sa.Integer(), nullable=True),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column(
            "element",
            sa.Enum(
                "government",
                "law_enforcement",
                "community_organisation",
                "ngo",
                "professional_organisation",
                "researcher_academic",
                name="element",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "role",
            sa.Enum(
                "chair",
                "daily_chair",
                "member",
                "sub_task_force_coordinator",
                "head_of_secretariat",
                name="memberrole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("institution", sa.String(length=300), nullable=False),
        sa.Column("position", sa.String(length=300), nullable=True),
        sa.Column("appointed_on", sa.Date(), nullable=False),
        sa.Column("appointment_decree_id", sa.Integer(), nullable=False),
        sa.Column("dismissed_on", sa.Date(), nullable=True),
        sa.Column("dismissal_decree_id", sa.Integer(), nullable=True),
        sa.Column("dismissal_reason", sa.String(length=1000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appointment_decree_id"],
            ["decree.id"],
            name=op.f("fk_membership_appointment_decree_id_decree"),
        ),
        sa.ForeignKeyConstraint(
            ["dismissal_decree_id"],
            ["decree.id"],
            name=op.f("fk_membership_dismissal_decree_id_decree"),
        ),
        sa.ForeignKeyConstraint(
            ["sub_task_force_id"],
            ["sub_task_force.id"],
            name=op.f("fk_membership_sub_task_force_id_sub_task_force"),
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_membership_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_membership_sub_task_force_id"), ["sub_task_force_id"], unique=False
        )
        batch_op.create_index(
            "ix_membership_task_force_period", ["task_force_id", "appointed_on"], unique=False
        )

    _load_regions()


def _load_regions() -> None:
    """Kemendagri codes of Kepmendagri 300.2.2-2138/2025, shipped as package data."""
    region = sa.table(
        "region",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("level", sa.String),
        sa.column("kind", sa.String),
        sa.column("parent_code", sa.String),
    )
    data = resources.files("gtpptppo_api.regions").joinpath("data/regions.csv")
    with data.open(encoding="utf-8", newline="") as handle:
        rows = [
            {**row, "parent_code": row["parent_code"] or None} for row in csv.DictReader(handle)
        ]
    op.bulk_insert(region, rows)


def downgrade() -> None:
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index("ix_membership_task_force_period")
        batch_op.drop_index(batch_op.f("ix_membership_sub_task_force_id"))

    op.drop_table("membership")
    with op.batch_alter_table("sub_task_force", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sub_task_force_task_force_id"))

    op.drop_table("sub_task_force")
    with op.batch_alter_table("decree", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decree_task_force_id"))

    op.drop_table("decree")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index("ix_audit_event_entity")

    op.drop_table("audit_event")
    with op.batch_alter_table("task_force", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_task_force_active_region",
            postgresql_where=sa.text("status = 'active'"),
            sqlite_where=sa.text("status = 'active'"),
        )
        batch_op.drop_index(batch_op.f("ix_task_force_region_code"))

    op.drop_table("task_force")
    op.drop_table("api_token")
    with op.batch_alter_table("region", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_region_parent_code"))

    op.drop_table("region")
