"""Webhooks: subscriptions, events, deliveries; and jobs deferred to a later time.

A delivery's next attempt is a job not to run before its backoff has passed
(job.not_before); existing jobs have none.

Revision ID: 0031_integrations_webhooks
Revises: 0031_integrations
Create Date: 2026-12-15 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0031_integrations_webhooks"
down_revision: str | None = "0031_integrations"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("job") as batch:
        batch.add_column(sa.Column("not_before", WHEN, nullable=True))
    op.create_table(
        "webhook_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_token_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=True),
        sa.Column("service_centre_id", sa.Integer(), nullable=True),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("event_types", JSON, nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("secret", sa.String(length=100), nullable=False),
        sa.Column("previous_secret", sa.String(length=100), nullable=True),
        sa.Column("previous_secret_until", WHEN, nullable=True),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("disabled_reason", sa.String(length=500), nullable=True),
        sa.Column("failing_since", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_token_id"],
            ["api_token.id"],
            name=op.f("fk_webhook_subscription_owner_token_id_api_token"),
        ),
        sa.ForeignKeyConstraint(
            ["region_code"],
            ["region.code"],
            name=op.f("fk_webhook_subscription_region_code_region"),
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_webhook_subscription_service_centre_id_service_centre"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_subscription")),
    )
    op.create_index(
        op.f("ix_webhook_subscription_owner_token_id"),
        "webhook_subscription",
        ["owner_token_id"],
    )
    op.create_index(
        op.f("ix_webhook_subscription_region_code"), "webhook_subscription", ["region_code"]
    )
    op.create_table(
        "webhook_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=100), nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column("service_centre_id", sa.Integer(), nullable=True),
        sa.Column("data", JSON, nullable=False),
        sa.Column("occurred_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_webhook_event_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["service_centre_id"],
            ["service_centre.id"],
            name=op.f("fk_webhook_event_service_centre_id_service_centre"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_event")),
    )
    op.create_table(
        "webhook_delivery",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "pending",
                "delivered",
                "failed",
                name="deliverystatus",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_attempt_at", WHEN, nullable=True),
        sa.Column("next_attempt_at", WHEN, nullable=True),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("delivered_at", WHEN, nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["webhook_event.id"],
            name=op.f("fk_webhook_delivery_event_id_webhook_event"),
        ),
        sa.ForeignKeyConstraint(
            ["subscription_id"],
            ["webhook_subscription.id"],
            name=op.f("fk_webhook_delivery_subscription_id_webhook_subscription"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_delivery")),
    )
    op.create_index(
        "ix_webhook_delivery_subscription", "webhook_delivery", ["subscription_id", "id"]
    )


def downgrade() -> None:
    op.drop_index("ix_webhook_delivery_subscription", table_name="webhook_delivery")
    op.drop_table("webhook_delivery")
    op.drop_table("webhook_event")
    op.drop_index(op.f("ix_webhook_subscription_region_code"), table_name="webhook_subscription")
    op.drop_index(op.f("ix_webhook_subscription_owner_token_id"), table_name="webhook_subscription")
    op.drop_table("webhook_subscription")
    with op.batch_alter_table("job") as batch:
        batch.drop_column("not_before")
