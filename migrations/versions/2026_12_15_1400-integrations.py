"""OpenID Connect sign-in: identity mappings and the federated identities seen.

A provider's claim value (a group) maps to a role and jurisdiction; each subject signing in
is anchored to an api_token row, which audit events name. Nothing exists yet to fill.

Revision ID: 0031_integrations
Revises: 0025_report_chain
Create Date: 2026-12-15 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031_integrations"
down_revision: str | None = "0028_referrals_consent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLE = sa.Enum(
    "national_admin",
    "task_force_admin",
    "reporter",
    "service_centre",
    "analyst",
    name="role",
    native_enum=False,
    length=32,
)


def upgrade() -> None:
    op.create_table(
        "identity_mapping",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("claim", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("role", ROLE, nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=True),
        sa.Column("service_centre_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_identity_mapping_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_identity_mapping_service_centre_id_service_centre"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_identity_mapping")),
        sa.UniqueConstraint(
            "issuer", "claim", "value", name=op.f("uq_identity_mapping_issuer_claim_value")
        ),
    )
    op.create_table(
        "federated_identity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("issuer", sa.String(length=500), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("token_id", sa.Integer(), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["token_id"], ["api_token.id"], name=op.f("fk_federated_identity_token_id_api_token")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_federated_identity")),
        sa.UniqueConstraint("issuer", "subject", name=op.f("uq_federated_identity_issuer_subject")),
        sa.UniqueConstraint("token_id", name=op.f("uq_federated_identity_token_id")),
    )


def downgrade() -> None:
    op.drop_table("federated_identity")
    op.drop_table("identity_mapping")
