"""Initial schema, part 2: workshops (event types), schedules and availability, credentials,
webhooks, workflows, whitelists and Immersio course mappings.

Revision ID: 0001b
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001b"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "credentials",
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("key", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.Column("app_id", sa.String(length=64), nullable=True),
        sa.Column("invalid", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.slug"], name=op.f("fk_credentials_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_credentials_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_credentials_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_credentials_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
    )
    op.create_index(
        op.f("ix_credentials_organization_id"), "credentials", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_credentials_team_id"), "credentials", ["team_id"], unique=False)
    op.create_index(op.f("ix_credentials_user_id"), "credentials", ["user_id"], unique=False)
    op.create_table(
        "schedules",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_schedules_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_schedules_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    op.create_index(
        op.f("ix_schedules_organization_id"), "schedules", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_schedules_user_id"), "schedules", ["user_id"], unique=False)
    op.create_table(
        "workflows",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("time", sa.Integer(), nullable=True),
        sa.Column("time_unit", sa.String(length=8), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "time_unit IN ('MINUTE', 'HOUR', 'DAY')", name=op.f("ck_workflows_time_unit")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_workflows_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_workflows_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_workflows_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflows")),
    )
    op.create_index(
        op.f("ix_workflows_organization_id"), "workflows", ["organization_id"], unique=False
    )
    op.create_table(
        "event_types",
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.Column("profile_id", sa.BigInteger(), nullable=True),
        sa.Column("schedule_id", sa.BigInteger(), nullable=True),
        sa.Column("locations", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("period_type", sa.String(length=16), nullable=False),
        sa.Column("period_start_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("period_end_date", sa.DateTime(timezone=True), nullable=True),
        sa.Column("period_days", sa.Integer(), nullable=True),
        sa.Column("period_count_calendar_days", sa.Integer(), nullable=True),
        sa.Column("minimum_booking_notice", sa.Integer(), nullable=False),
        sa.Column("before_event_buffer", sa.Integer(), nullable=False),
        sa.Column("after_event_buffer", sa.Integer(), nullable=False),
        sa.Column("seats_per_time_slot", sa.Integer(), nullable=True),
        sa.Column("seats_show_availability_count", sa.Boolean(), nullable=False),
        sa.Column("seats_show_attendees", sa.Boolean(), nullable=False),
        sa.Column("booking_fields", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("disable_guests", sa.Boolean(), nullable=False),
        sa.Column("slot_interval", sa.Integer(), nullable=True),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("price", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("requires_confirmation", sa.Boolean(), nullable=False),
        sa.Column("recurring_event", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "period_type IN ('UNLIMITED', 'ROLLING', 'RANGE')",
            name=op.f("ck_event_types_period_type"),
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_event_types_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["profiles.id"],
            name=op.f("fk_event_types_profile_id_profiles"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_event_types_schedule_id_schedules"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_event_types_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_event_types_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_types")),
    )
    op.create_index("idx_eventtype_team", "event_types", ["team_id"], unique=False)
    op.create_index("idx_eventtype_user", "event_types", ["user_id"], unique=False)
    op.create_index(
        op.f("ix_event_types_organization_id"), "event_types", ["organization_id"], unique=False
    )
    op.create_index(
        "uq_event_types_organization_id_slug",
        "event_types",
        ["organization_id", "slug"],
        unique=True,
    )
    op.create_table(
        "workflow_steps",
        sa.Column("workflow_id", sa.BigInteger(), nullable=False),
        sa.Column("step_number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("template", sa.String(length=32), nullable=True),
        sa.Column("send_to", sa.String(length=320), nullable=True),
        sa.Column("reminder_body", sa.Text(), nullable=True),
        sa.Column("email_subject", sa.Text(), nullable=True),
        sa.Column("sender", sa.String(length=255), nullable=True),
        sa.Column("extra", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_workflow_steps_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflow_steps_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_steps")),
        sa.UniqueConstraint(
            "workflow_id", "step_number", name=op.f("uq_workflow_steps_workflow_id_step_number")
        ),
    )
    op.create_index(
        op.f("ix_workflow_steps_organization_id"),
        "workflow_steps",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "availability",
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("event_type_id", sa.BigInteger(), nullable=True),
        sa.Column("schedule_id", sa.BigInteger(), nullable=True),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("start_time", sa.Time(), nullable=False),
        sa.Column("end_time", sa.Time(), nullable=False),
        sa.Column("date", sa.Date(), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_availability_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_availability_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f("fk_availability_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_availability_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_availability")),
    )
    op.create_index(
        op.f("ix_availability_organization_id"), "availability", ["organization_id"], unique=False
    )
    op.create_index(
        op.f("ix_availability_schedule_id"), "availability", ["schedule_id"], unique=False
    )
    op.create_table(
        "immersio_course_mappings",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("event_type_id", sa.BigInteger(), nullable=False),
        sa.Column("immersio_course_id", sa.String(length=255), nullable=False),
        sa.Column("immersio_course_name", sa.String(length=500), nullable=True),
        sa.Column("sync_students", sa.Boolean(), nullable=False),
        sa.Column("last_student_sync", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_immersio_course_mappings_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["teams.id"],
            name=op.f("fk_immersio_course_mappings_tenant_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_immersio_course_mappings")),
        sa.UniqueConstraint(
            "event_type_id", name=op.f("uq_immersio_course_mappings_event_type_id")
        ),
    )
    op.create_index(
        "idx_coursemap_course", "immersio_course_mappings", ["immersio_course_id"], unique=False
    )
    op.create_index("idx_coursemap_tenant", "immersio_course_mappings", ["tenant_id"], unique=False)
    op.create_index(
        "uq_immersio_course_mappings_tenant_id_immersio_course_id",
        "immersio_course_mappings",
        ["tenant_id", "immersio_course_id"],
        unique=True,
    )
    op.create_table(
        "webhooks",
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("team_id", sa.BigInteger(), nullable=True),
        sa.Column("event_type_id", sa.BigInteger(), nullable=True),
        sa.Column("subscriber_url", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("event_triggers", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("app_id", sa.String(length=64), nullable=True),
        sa.Column("secret", sa.Text(), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["app_id"], ["apps.slug"], name=op.f("fk_webhooks_app_id_apps"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_webhooks_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_webhooks_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_webhooks_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_webhooks_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_index(op.f("ix_webhooks_event_type_id"), "webhooks", ["event_type_id"], unique=False)
    op.create_index(
        op.f("ix_webhooks_organization_id"), "webhooks", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_webhooks_team_id"), "webhooks", ["team_id"], unique=False)
    op.create_index(op.f("ix_webhooks_user_id"), "webhooks", ["user_id"], unique=False)
    op.create_table(
        "workshop_whitelist",
        sa.Column("event_type_id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("immersio_student_id", sa.String(length=255), nullable=True),
        sa.Column("added_by", sa.BigInteger(), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["added_by"],
            ["users.id"],
            name=op.f("fk_workshop_whitelist_added_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_workshop_whitelist_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_workshop_whitelist_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_whitelist")),
    )
    op.create_index(
        "idx_whitelist_email", "workshop_whitelist", ["event_type_id", "email"], unique=True
    )
    op.create_index(
        op.f("ix_workshop_whitelist_organization_id"),
        "workshop_whitelist",
        ["organization_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_workshop_whitelist_organization_id"), table_name="workshop_whitelist")
    op.drop_index("idx_whitelist_email", table_name="workshop_whitelist")
    op.drop_table("workshop_whitelist")
    op.drop_index(op.f("ix_webhooks_user_id"), table_name="webhooks")
    op.drop_index(op.f("ix_webhooks_team_id"), table_name="webhooks")
    op.drop_index(op.f("ix_webhooks_organization_id"), table_name="webhooks")
    op.drop_index(op.f("ix_webhooks_event_type_id"), table_name="webhooks")
    op.drop_table("webhooks")
    op.drop_index(
        "uq_immersio_course_mappings_tenant_id_immersio_course_id",
        table_name="immersio_course_mappings",
    )
    op.drop_index("idx_coursemap_tenant", table_name="immersio_course_mappings")
    op.drop_index("idx_coursemap_course", table_name="immersio_course_mappings")
    op.drop_table("immersio_course_mappings")
    op.drop_index(op.f("ix_availability_schedule_id"), table_name="availability")
    op.drop_index(op.f("ix_availability_organization_id"), table_name="availability")
    op.drop_table("availability")
    op.drop_index(op.f("ix_workflow_steps_organization_id"), table_name="workflow_steps")
    op.drop_table("workflow_steps")
    op.drop_index("uq_event_types_organization_id_slug", table_name="event_types")
    op.drop_index(op.f("ix_event_types_organization_id"), table_name="event_types")
    op.drop_index("idx_eventtype_user", table_name="event_types")
    op.drop_index("idx_eventtype_team", table_name="event_types")
    op.drop_table("event_types")
    op.drop_index(op.f("ix_workflows_organization_id"), table_name="workflows")
    op.drop_table("workflows")
    op.drop_index(op.f("ix_schedules_user_id"), table_name="schedules")
    op.drop_index(op.f("ix_schedules_organization_id"), table_name="schedules")
    op.drop_table("schedules")
    op.drop_index(op.f("ix_credentials_user_id"), table_name="credentials")
    op.drop_index(op.f("ix_credentials_team_id"), table_name="credentials")
    op.drop_index(op.f("ix_credentials_organization_id"), table_name="credentials")
    op.drop_table("credentials")
