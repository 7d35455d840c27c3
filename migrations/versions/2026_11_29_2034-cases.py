"""Victim case records (with their exploitation types and services) and idempotency records.

Revision ID: 0003_cases
Revises: 0002
Create Date: 2026-11-29 20:34:41.664445
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_cases"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=100), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column(
            "response",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_record")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotency_record_scope_key")),
    )

    op.create_table(
        "victim_case",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=False),
        sa.Column("registered_region_code", sa.String(length=8), nullable=False),
        sa.Column("origin_region_code", sa.String(length=8), nullable=True),
        sa.Column("destination_region_code", sa.String(length=8), nullable=True),
        sa.Column("destination_country", sa.String(length=2), nullable=True),
        sa.Column("identified_on", sa.Date(), nullable=False),
        sa.Column("identified_year", sa.Integer(), nullable=False),
        sa.Column("identified_month", sa.String(length=7), nullable=False),
        sa.Column(
            "sex",
            sa.Enum("female", "male", name="sex", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("age_at_identification", sa.Integer(), nullable=False),
        sa.Column(
            "age_group",
            sa.Enum("child", "adult", name="agegroup", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("nationality", sa.String(length=2), nullable=False),
        sa.Column(
            "legal_stage",
            sa.Enum(
                "none",
                "police_report",
                "investigation",
                "prosecution",
                "verdict",
                "restitution",
                name="legalstage",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum("open", "closed", name="casestatus", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column(
            "exploitation_types",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "services",
            sa.JSON().with_variant(postgresql.JSONB(), "postgresql"),
            nullable=False,
        ),
        sa.Column("personal_key_id", sa.String(length=32), nullable=True),
        sa.Column("personal_ciphertext", sa.LargeBinary(), nullable=True),
        sa.Column("nik_index", sa.String(length=64), nullable=True),
        sa.Column("victim_key", sa.String(length=80), nullable=False),
        sa.Column("content_mac", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["destination_region_code"],
            ["region.code"],
            name=op.f("fk_victim_case_destination_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["origin_region_code"],
            ["region.code"],
            name=op.f("fk_victim_case_origin_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["registered_region_code"],
            ["region.code"],
            name=op.f("fk_victim_case_registered_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_victim_case_service_centre_id_service_centre"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_case")),
        sa.UniqueConstraint(
            "service_centre_id",
            "external_ref",
            name=op.f("uq_victim_case_service_centre_id_external_ref"),
        ),
    )
    with op.batch_alter_table("victim_case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_victim_case_nik_index"), ["nik_index"], unique=False)
        batch_op.create_index(
            "ix_victim_case_region_year",
            ["registered_region_code", "identified_year"],
            unique=False,
        )

    op.create_table(
        "victim_case_exploitation",
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "exploitation_type",
            sa.Enum(
                "forced_labour",
                "sexual_exploitation",
                "domestic_servitude",
                "forced_marriage",
                "organ_removal",
                "forced_criminality",
                "other",
                name="exploitationtype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name=op.f("fk_victim_case_exploitation_case_id_victim_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "case_id", "exploitation_type", name=op.f("pk_victim_case_exploitation")
        ),
    )
    op.create_table(
        "victim_case_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column(
            "service_type",
            sa.Enum(
                "complaint",
                "health_rehabilitation",
                "social_rehabilitation",
                "legal_aid",
                "repatriation",
                "reintegration",
                name="servicetype",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["victim_case.id"],
            name=op.f("fk_victim_case_service_case_id_victim_case"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_victim_case_service")),
    )
    with op.batch_alter_table("victim_case_service", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_victim_case_service_case_id"), ["case_id"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("victim_case_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_victim_case_service_case_id"))

    op.drop_table("victim_case_service")
    op.drop_table("victim_case_exploitation")

    with op.batch_alter_table("victim_case", schema=None) as batch_op:
        batch_op.drop_index("ix_victim_case_region_year")
        batch_op.drop_index(batch_op.f("ix_victim_case_nik_index"))

    op.drop_table("victim_case")

    op.drop_table("idempotency_record")
