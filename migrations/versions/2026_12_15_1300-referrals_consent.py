"""Consent records of cases (UU 27/2022) and referrals and transfers between centres.

A case's legal basis and consent (``consent_record``, newest current) with its purposes
granted and withdrawn (``consent_grant``), and the referrals and transfers of cases
(``referral``). Nothing can be derived for existing cases: none has a consent record yet,
so none may be referred until its centre records one.

Revision ID: 0028_referrals_consent
Revises: 0025_report_chain
Create Date: 2026-12-15 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0028_referrals_consent"
down_revision: str | None = "0029b_privacy_registers"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _at(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _case_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["case_id"], ["victim_case.id"], name=f"fk_{table}_case_id_victim_case", ondelete="CASCADE"
    )


def upgrade() -> None:
    op.create_table(
        "consent_record",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("legal_basis", sa.String(length=32), nullable=False),
        sa.Column("given_by", sa.String(length=32), nullable=True),
        _at("given_at"),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        _at("recorded_at"),
        _at("superseded_at", nullable=True),
        _case_fk("consent_record"),
        sa.PrimaryKeyConstraint("id", name="pk_consent_record"),
    )
    op.create_index("ix_consent_record_case", "consent_record", ["case_id", "id"])
    op.create_table(
        "consent_grant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("agency_kind", sa.String(length=32), nullable=True),
        sa.Column("agency_name", sa.String(length=300), nullable=True),
        sa.Column("agency_centre_id", sa.Integer(), nullable=True),
        _at("granted_at"),
        sa.Column("granted_by", sa.String(length=200), nullable=False),
        _at("withdrawn_at", nullable=True),
        sa.Column("withdrawn_by", sa.String(length=200), nullable=True),
        sa.Column("withdrawal_reason", sa.String(length=500), nullable=True),
        _case_fk("consent_grant"),
        sa.ForeignKeyConstraint(
            ["agency_centre_id"],
            ["service_centre.id"],
            name="fk_consent_grant_agency_centre_id_service_centre",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_consent_grant"),
    )
    op.create_index("ix_consent_grant_case", "consent_grant", ["case_id", "purpose"])
    op.create_table(
        "referral",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("from_centre_id", sa.Integer(), nullable=False),
        sa.Column("external_ref", sa.String(length=100), nullable=False),
        sa.Column("agency_kind", sa.String(length=32), nullable=False),
        sa.Column("to_centre_id", sa.Integer(), nullable=True),
        sa.Column("agency_name", sa.String(length=300), nullable=True),
        sa.Column("service", sa.String(length=32), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("decision_reason", sa.String(length=500), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        _at("created_at"),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        _at("decided_at", nullable=True),
        _case_fk("referral"),
        sa.ForeignKeyConstraint(
            ["from_centre_id"],
            ["service_centre.id"],
            name="fk_referral_from_centre_id_service_centre",
        ),
        sa.ForeignKeyConstraint(
            ["to_centre_id"], ["service_centre.id"], name="fk_referral_to_centre_id_service_centre"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_referral"),
    )
    op.create_index("ix_referral_case", "referral", ["case_id", "id"])
    op.create_index("ix_referral_from_centre", "referral", ["from_centre_id", "external_ref"])
    op.create_index("ix_referral_to_centre", "referral", ["to_centre_id", "id"])


def downgrade() -> None:
    op.drop_table("referral")
    op.drop_table("consent_grant")
    op.drop_table("consent_record")
