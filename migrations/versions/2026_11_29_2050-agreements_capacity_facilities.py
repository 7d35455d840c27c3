"""Cooperation agreements (BAB IV), capacity-building activities (5.1), facilities (5.2).

Revision ID: 0006_agreements
Revises: 0005_meetings
Create Date: 2026-11-29 20:36:08.461670
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_agreements"
down_revision: str | None = "0005_meetings"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agreement",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "mou",
                "joint_agreement",
                "cooperation_contract",
                name="agreementkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column(
            "signing_authority",
            sa.Enum(
                "president",
                "minister",
                "agency_head",
                "governor",
                "bupati",
                "walikota",
                name="signingauthority",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("signatory_position", sa.String(length=300), nullable=True),
        sa.Column("international", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_force_id"], ["task_force.id"], name=op.f("fk_agreement_task_force_id_task_force")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement")),
    )

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_task_force_id"), ["task_force_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_agreement_valid_until"), ["valid_until"], unique=False)

    op.create_table(
        "capacity_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "training",
                "workshop_seminar",
                "internship",
                "socialisation",
                "interactive_dialogue",
                "other",
                name="activitykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column(
            "topic",
            sa.Enum(
                "human_rights",
                "gender_child_rights",
                "legal_framework",
                "task_force_roles",
                "spm_sop_integrated_services",
                "recording_reporting",
                "victim_accompaniment",
                "health_case_management",
                "social_rehabilitation",
                "reintegration",
                "legal_accompaniment",
                "other",
                name="topic",
                native_enum=False,
                length=64,
            ),
            nullable=False,
        ),
        sa.Column("other_topic", sa.String(length=300), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=False),
        sa.Column("location", sa.String(length=300), nullable=True),
        sa.Column(
            "organiser_kind",
            sa.Enum(
                "task_force",
                "government",
                "ngo",
                "international_organisation",
                "other",
                name="organiserkind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("organiser_name", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_capacity_activity_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_activity")),
    )

    with op.batch_alter_table("capacity_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_capacity_activity_started_on"), ["started_on"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_capacity_activity_task_force_id"), ["task_force_id"], unique=False
        )

    op.create_table(
        "facility_inventory",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "owner_kind",
            sa.Enum(
                "secretariat", "service_centre", name="ownerkind", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("task_force_id", sa.Integer(), nullable=True),
        sa.Column("service_centre_id", sa.Integer(), nullable=True),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(task_force_id IS NOT NULL AND service_centre_id IS NULL) OR (task_force_id IS NULL AND service_centre_id IS NOT NULL)",
            name=op.f("ck_facility_inventory_one_owner"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_facility_inventory_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_facility_inventory_service_centre_id_service_centre"),
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_facility_inventory_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_inventory")),
        sa.UniqueConstraint(
            "service_centre_id", name=op.f("uq_facility_inventory_service_centre_id")
        ),
        sa.UniqueConstraint("task_force_id", name=op.f("uq_facility_inventory_task_force_id")),
    )

    with op.batch_alter_table("facility_inventory", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_facility_inventory_region_code"), ["region_code"], unique=False
        )

    op.create_table(
        "agreement_document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("dated_on", sa.Date(), nullable=False),
        sa.Column("locator", sa.String(length=1000), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_document_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_document")),
    )

    with op.batch_alter_table("agreement_document", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_document_agreement_id"), ["agreement_id"], unique=False
        )

    op.create_table(
        "agreement_party",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "task_force",
                "ministry_agency",
                "company",
                "ngo",
                "international_organisation",
                "foreign_government",
                name="partykind",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("partner_task_force_id", sa.Integer(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=True),
        sa.Column("attests_no_harmful_products", sa.Boolean(), nullable=False),
        sa.Column("attests_no_child_labour", sa.Boolean(), nullable=False),
        sa.Column("attests_no_sexual_exploitation", sa.Boolean(), nullable=False),
        sa.Column("screening_attested_on", sa.Date(), nullable=True),
        sa.Column("screening_attested_by", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_party_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["partner_task_force_id"],
            ["task_force.id"],
            name=op.f("fk_agreement_party_partner_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_party")),
    )

    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_agreement_party_agreement_id"), ["agreement_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_agreement_party_partner_task_force_id"),
            ["partner_task_force_id"],
            unique=False,
        )

    op.create_table(
        "agreement_scope_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agreement_id", sa.Integer(), nullable=False),
        sa.Column(
            "item",
            sa.Enum(
                "advocacy",
                "coordination",
                "complaint_handling",
                "information_exchange",
                "temporary_protection",
                "health_recovery",
                "psychological_recovery_social_rehabilitation",
                "legal_aid",
                "repatriation",
                "financing",
                "reporting",
                name="scopeitem",
                native_enum=False,
                length=64,
            ),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["agreement_id"],
            ["agreement.id"],
            name=op.f("fk_agreement_scope_item_agreement_id_agreement"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreement_scope_item")),
        sa.UniqueConstraint(
            "agreement_id", "item", name=op.f("uq_agreement_scope_item_agreement_id_item")
        ),
    )

    op.create_table(
        "capacity_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "task_force_member",
                "secretariat_head",
                "secretariat_officer",
                "administrative_staff",
                "finance_staff",
                "household_staff",
                "security_staff",
                "centre_manager",
                "social_worker",
                "counsellor",
                "health_worker",
                "interpreter",
                "other",
                name="participantrole",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column(
            "sex",
            sa.Enum("female", "male", name="sex", native_enum=False, length=8),
            nullable=False,
        ),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint("count >= 0", name=op.f("ck_capacity_participant_count_not_negative")),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["capacity_activity.id"],
            name=op.f("fk_capacity_participant_activity_id_capacity_activity"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_participant")),
        sa.UniqueConstraint(
            "activity_id", "role", "sex", name=op.f("uq_capacity_participant_activity_id_role_sex")
        ),
    )

    op.create_table(
        "facility_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inventory_id", sa.Integer(), nullable=False),
        sa.Column(
            "item",
            sa.Enum(
                "office_room",
                "complaint_room",
                "counselling_room",
                "bathroom",
                "furniture",
                "computer",
                "telephone_fax",
                "internet",
                "registers_guidelines",
                "iec_media",
                "office_supplies",
                "medical_equipment",
                "transport",
                "reception_registration_room",
                "legal_consultation_room",
                "medical_examination_room",
                "victim_bedroom",
                "safe_house",
                "hotline",
                "hospital_special_room",
                "police_special_room",
                name="facilityitem",
                native_enum=False,
                length=64,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "present", "partial", "missing", name="itemstatus", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["inventory_id"],
            ["facility_inventory.id"],
            name=op.f("fk_facility_item_inventory_id_facility_inventory"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_facility_item")),
        sa.UniqueConstraint(
            "inventory_id", "item", name=op.f("uq_facility_item_inventory_id_item")
        ),
    )


def downgrade() -> None:
    op.drop_table("facility_item")

    op.drop_table("capacity_participant")

    op.drop_table("agreement_scope_item")

    with op.batch_alter_table("agreement_party", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_party_partner_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_agreement_party_agreement_id"))

    op.drop_table("agreement_party")

    with op.batch_alter_table("agreement_document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_document_agreement_id"))

    op.drop_table("agreement_document")

    with op.batch_alter_table("facility_inventory", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_facility_inventory_region_code"))

    op.drop_table("facility_inventory")

    with op.batch_alter_table("capacity_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_capacity_activity_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_capacity_activity_started_on"))

    op.drop_table("capacity_activity")

    with op.batch_alter_table("agreement", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_agreement_valid_until"))
        batch_op.drop_index(batch_op.f("ix_agreement_task_force_id"))

    op.drop_table("agreement")
