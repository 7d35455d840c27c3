"""Action plans (RAN/RAD): activities, indicators, budget lines and yearly realisation.

Revision ID: 0004_action_plans
Revises: 0003_cases
Create Date: 2026-11-29 20:36:03.049430
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_action_plans"
down_revision: str | None = "0003_cases"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "action_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_force_id", sa.Integer(), nullable=False),
        sa.Column("region_code", sa.String(length=8), nullable=False),
        sa.Column(
            "level",
            sa.Enum(
                "national", "province", "regency", name="regionlevel", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "draft", "adopted", "closed", name="actionplanstate", native_enum=False, length=16
            ),
            nullable=False,
        ),
        sa.Column("legal_basis_number", sa.String(length=200), nullable=True),
        sa.Column("legal_basis_title", sa.String(length=1000), nullable=True),
        sa.Column("legal_basis_issued_on", sa.Date(), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["region_code"], ["region.code"], name=op.f("fk_action_plan_region_code_region")
        ),
        sa.ForeignKeyConstraint(
            ["task_force_id"],
            ["task_force.id"],
            name=op.f("fk_action_plan_task_force_id_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan")),
    )
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_region_code"), ["region_code"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_plan_task_force_id"), ["task_force_id"], unique=False
        )

    op.create_table(
        "action_plan_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "program",
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
        sa.Column("catalogue_code", sa.String(length=8), nullable=True),
        sa.Column("problem_identified", sa.Text(), nullable=True),
        sa.Column("activity", sa.Text(), nullable=True),
        sa.Column("start_year", sa.Integer(), nullable=True),
        sa.Column("end_year", sa.Integer(), nullable=True),
        sa.Column("responsible_sub_task_force_id", sa.Integer(), nullable=True),
        sa.Column("responsible_agency", sa.String(length=300), nullable=True),
        sa.Column("implementing_team", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_plan_id"],
            ["action_plan.id"],
            name=op.f("fk_action_plan_activity_action_plan_id_action_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["responsible_sub_task_force_id"],
            ["sub_task_force.id"],
            name=op.f("fk_action_plan_activity_responsible_sub_task_force_id_sub_task_force"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_activity")),
    )
    with op.batch_alter_table("action_plan_activity", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_activity_action_plan_id"), ["action_plan_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_action_plan_activity_responsible_sub_task_force_id"),
            ["responsible_sub_task_force_id"],
            unique=False,
        )

    op.create_table(
        "action_plan_exclusion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_plan_id", sa.Integer(), nullable=False),
        sa.Column(
            "program",
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
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_plan_id"],
            ["action_plan.id"],
            name=op.f("fk_action_plan_exclusion_action_plan_id_action_plan"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_exclusion")),
        sa.UniqueConstraint(
            "action_plan_id",
            "program",
            name=op.f("uq_action_plan_exclusion_action_plan_id_program"),
        ),
    )
    with op.batch_alter_table("action_plan_exclusion", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_exclusion_action_plan_id"), ["action_plan_id"], unique=False
        )

    op.create_table(
        "action_plan_budget_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "apbn",
                "apbd",
                "social_disaster_fund",
                "csr",
                "national_donor",
                "international_donor",
                name="fundingsource",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("planned_amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["action_plan_activity.id"],
            name=op.f("fk_action_plan_budget_line_activity_id_action_plan_activity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_budget_line")),
        sa.UniqueConstraint(
            "activity_id",
            "year",
            "source",
            name=op.f("uq_action_plan_budget_line_activity_id_year_source"),
        ),
    )
    with op.batch_alter_table("action_plan_budget_line", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_budget_line_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "action_plan_indicator",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("unit", sa.String(length=100), nullable=False),
        sa.Column("baseline", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["action_plan_activity.id"],
            name=op.f("fk_action_plan_indicator_activity_id_action_plan_activity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_indicator")),
    )
    with op.batch_alter_table("action_plan_indicator", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_indicator_activity_id"), ["activity_id"], unique=False
        )

    op.create_table(
        "action_plan_realisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_plan_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("evidence_notes", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_plan_id"],
            ["action_plan.id"],
            name=op.f("fk_action_plan_realisation_action_plan_id_action_plan"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["action_plan_activity.id"],
            name=op.f("fk_action_plan_realisation_activity_id_action_plan_activity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_realisation")),
        sa.UniqueConstraint(
            "activity_id", "year", name=op.f("uq_action_plan_realisation_activity_id_year")
        ),
    )
    with op.batch_alter_table("action_plan_realisation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_realisation_action_plan_id"),
            ["action_plan_id"],
            unique=False,
        )

    op.create_table(
        "action_plan_indicator_target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["action_plan_indicator.id"],
            name=op.f("fk_action_plan_indicator_target_indicator_id_action_plan_indicator"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_indicator_target")),
        sa.UniqueConstraint(
            "indicator_id", "year", name=op.f("uq_action_plan_indicator_target_indicator_id_year")
        ),
    )
    op.create_table(
        "action_plan_indicator_value",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realisation_id", sa.Integer(), nullable=False),
        sa.Column("indicator_id", sa.Integer(), nullable=False),
        sa.Column("achieved", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_id"],
            ["action_plan_indicator.id"],
            name=op.f("fk_action_plan_indicator_value_indicator_id_action_plan_indicator"),
        ),
        sa.ForeignKeyConstraint(
            ["realisation_id"],
            ["action_plan_realisation.id"],
            name=op.f("fk_action_plan_indicator_value_realisation_id_action_plan_realisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_indicator_value")),
        sa.UniqueConstraint(
            "realisation_id",
            "indicator_id",
            name=op.f("uq_action_plan_indicator_value_realisation_id_indicator_id"),
        ),
    )
    with op.batch_alter_table("action_plan_indicator_value", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_plan_indicator_value_indicator_id"),
            ["indicator_id"],
            unique=False,
        )

    op.create_table(
        "action_plan_spending",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("realisation_id", sa.Integer(), nullable=False),
        sa.Column(
            "source",
            sa.Enum(
                "apbn",
                "apbd",
                "social_disaster_fund",
                "csr",
                "national_donor",
                "international_donor",
                name="fundingsource",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["realisation_id"],
            ["action_plan_realisation.id"],
            name=op.f("fk_action_plan_spending_realisation_id_action_plan_realisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_plan_spending")),
        sa.UniqueConstraint(
            "realisation_id", "source", name=op.f("uq_action_plan_spending_realisation_id_source")
        ),
    )


def downgrade() -> None:
    op.drop_table("action_plan_spending")
    with op.batch_alter_table("action_plan_indicator_value", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_indicator_value_indicator_id"))

    op.drop_table("action_plan_indicator_value")
    op.drop_table("action_plan_indicator_target")
    with op.batch_alter_table("action_plan_realisation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_realisation_action_plan_id"))

    op.drop_table("action_plan_realisation")
    with op.batch_alter_table("action_plan_indicator", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_indicator_activity_id"))

    op.drop_table("action_plan_indicator")
    with op.batch_alter_table("action_plan_budget_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_budget_line_activity_id"))

    op.drop_table("action_plan_budget_line")
    with op.batch_alter_table("action_plan_exclusion", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_exclusion_action_plan_id"))

    op.drop_table("action_plan_exclusion")
    with op.batch_alter_table("action_plan_activity", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_activity_responsible_sub_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_action_plan_activity_action_plan_id"))

    op.drop_table("action_plan_activity")
    with op.batch_alter_table("action_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_plan_task_force_id"))
        batch_op.drop_index(batch_op.f("ix_action_plan_region_code"))

    op.drop_table("action_plan")
