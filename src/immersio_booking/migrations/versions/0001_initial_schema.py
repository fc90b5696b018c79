"""Initial schema, part 1: tenants and people (the seed ERD's organizations, users, plans,
landing pages, the Immersio connection and sync log), apps, API keys and the audit log.

Revision ID: 0001
Revises:
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "apps",
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("dir_name", sa.String(length=64), nullable=False),
        sa.Column("keys", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("categories", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
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
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_apps")),
    )
    op.create_table(
        "teams",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("slug", sa.String(length=255), nullable=True),
        sa.Column("parent_id", sa.BigInteger(), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=True),
        sa.Column("is_organization", sa.Boolean(), nullable=False),
        sa.Column("is_platform", sa.Boolean(), nullable=False),
        sa.Column("is_private", sa.Boolean(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("logo_url", sa.Text(), nullable=True),
        sa.Column("bio", sa.Text(), nullable=True),
        sa.Column("brand_color", sa.String(length=16), nullable=True),
        sa.Column("banner_url", sa.Text(), nullable=True),
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
            name=op.f("fk_teams_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["teams.id"], name=op.f("fk_teams_parent_id_teams"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_teams")),
    )
    op.create_index(
        "idx_team_is_org",
        "teams",
        ["is_organization"],
        unique=False,
        postgresql_where=sa.text("is_organization = true"),
    )
    op.create_index("idx_team_parent", "teams", ["parent_id"], unique=False)
    op.create_index(op.f("ix_teams_organization_id"), "teams", ["organization_id"], unique=False)
    op.create_index(
        "uq_teams_organization_slug",
        "teams",
        ["slug"],
        unique=True,
        postgresql_where=sa.text("is_organization = true"),
    )
    op.create_index(
        "uq_teams_parent_id_slug",
        "teams",
        ["parent_id", "slug"],
        unique=True,
        postgresql_where=sa.text("parent_id IS NOT NULL"),
    )
    op.create_table(
        "immersio_integrations",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("immersio_org_id", sa.String(length=255), nullable=False),
        sa.Column("api_key_encrypted", sa.Text(), nullable=True),
        sa.Column("webhook_secret", sa.Text(), nullable=True),
        sa.Column("sync_enabled", sa.Boolean(), nullable=False),
        sa.Column("last_sync_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sync_status", sa.String(length=16), nullable=False),
        sa.Column("sync_error_message", sa.Text(), nullable=True),
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
            "sync_status IN ('pending', 'syncing', 'success', 'error')",
            name=op.f("ck_immersio_integrations_sync_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["teams.id"],
            name=op.f("fk_immersio_integrations_tenant_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_immersio_integrations")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_immersio_integrations_tenant_id")),
    )
    op.create_table(
        "immersio_sync_logs",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("sync_type", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("records_processed", sa.Integer(), nullable=False),
        sa.Column("records_failed", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("error_details", postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column(
            "started_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.CheckConstraint(
            "direction IN ('pull', 'push')", name=op.f("ck_immersio_sync_logs_direction")
        ),
        sa.CheckConstraint(
            "status IN ('success', 'partial', 'failed')", name=op.f("ck_immersio_sync_logs_status")
        ),
        sa.CheckConstraint(
            "sync_type IN ('courses', 'students', 'teachers')",
            name=op.f("ck_immersio_sync_logs_sync_type"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["teams.id"],
            name=op.f("fk_immersio_sync_logs_tenant_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_immersio_sync_logs")),
    )
    op.create_index(
        "idx_synclog_tenant",
        "immersio_sync_logs",
        ["tenant_id", sa.literal_column("started_at DESC")],
        unique=False,
    )
    op.create_table(
        "organization_settings",
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("is_admin_reviewed", sa.Boolean(), nullable=False),
        sa.Column("is_organization_verified", sa.Boolean(), nullable=False),
        sa.Column("is_organization_configured", sa.Boolean(), nullable=False),
        sa.Column("org_auto_accept_email", sa.String(length=255), nullable=True),
        sa.Column("lock_event_type_creation", sa.Boolean(), nullable=False),
        sa.Column("admin_gets_no_slots_notification", sa.Boolean(), nullable=False),
        sa.Column("allow_seo_indexing", sa.Boolean(), nullable=False),
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
            name=op.f("fk_organization_settings_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organization_settings")),
        sa.UniqueConstraint(
            "organization_id", name=op.f("uq_organization_settings_organization_id")
        ),
    )
    op.create_table(
        "tenant_landing_settings",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("template_id", sa.String(length=32), nullable=False),
        sa.Column("primary_color", sa.String(length=16), nullable=True),
        sa.Column("secondary_color", sa.String(length=16), nullable=True),
        sa.Column("logo_url", sa.Text(), nullable=True),
        sa.Column("hero_image_url", sa.Text(), nullable=True),
        sa.Column("page_title", sa.String(length=255), nullable=True),
        sa.Column("page_subtitle", sa.String(length=500), nullable=True),
        sa.Column("teacher_bio", sa.Text(), nullable=True),
        sa.Column("teacher_avatar_url", sa.Text(), nullable=True),
        sa.Column("social_links", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("cta_text", sa.String(length=120), nullable=True),
        sa.Column("meta_title", sa.String(length=255), nullable=True),
        sa.Column("meta_description", sa.String(length=500), nullable=True),
        sa.Column("is_published", sa.Boolean(), nullable=False),
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
            "template_id IN ('education', 'tutor_personal', 'center_small', 'kids_1', 'kids_2')",
            name=op.f("ck_tenant_landing_settings_template_id"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["teams.id"],
            name=op.f("fk_tenant_landing_settings_tenant_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_landing_settings")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_tenant_landing_settings_tenant_id")),
    )
    op.create_table(
        "tenant_subscriptions",
        sa.Column("tenant_id", sa.BigInteger(), nullable=False),
        sa.Column("plan_type", sa.String(length=32), nullable=False),
        sa.Column("max_teachers", sa.Integer(), nullable=True),
        sa.Column("max_bookings_per_month", sa.Integer(), nullable=True),
        sa.Column("max_event_types", sa.Integer(), nullable=True),
        sa.Column("features", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("stripe_subscription_id", sa.String(length=255), nullable=True),
        sa.Column("billing_period", sa.String(length=16), nullable=False),
        sa.Column("current_period_start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("current_period_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
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
            "billing_period IN ('monthly', 'annually')",
            name=op.f("ck_tenant_subscriptions_billing_period"),
        ),
        sa.CheckConstraint(
            "plan_type IN ('lite', 'starter', 'growth', 'pro', 'enterprise')",
            name=op.f("ck_tenant_subscriptions_plan_type"),
        ),
        sa.CheckConstraint(
            "status IN ('active', 'past_due', 'cancelled', 'trialing')",
            name=op.f("ck_tenant_subscriptions_status"),
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["teams.id"],
            name=op.f("fk_tenant_subscriptions_tenant_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_subscriptions")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_tenant_subscriptions_tenant_id")),
    )
    op.create_table(
        "users",
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=True),
        sa.Column("name", sa.String(length=255), nullable=True),
        sa.Column("password", sa.Text(), nullable=True),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=True),
        sa.Column("completed_onboarding", sa.Boolean(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("is_platform_admin", sa.Boolean(), nullable=False),
        sa.Column("default_schedule_id", sa.BigInteger(), nullable=True),
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
            name=op.f("fk_users_organization_id_teams"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
        sa.UniqueConstraint("uuid", name=op.f("uq_users_uuid")),
    )
    op.create_index("idx_user_org", "users", ["organization_id"], unique=False)
    op.create_table(
        "api_keys",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=True),
        sa.Column("hashed_key", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("note", sa.String(length=255), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_api_keys_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_keys_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_keys")),
        sa.UniqueConstraint("hashed_key", name=op.f("uq_api_keys_hashed_key")),
    )
    op.create_index(
        op.f("ix_api_keys_organization_id"), "api_keys", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_api_keys_user_id"), "api_keys", ["user_id"], unique=False)
    op.create_table(
        "audit_events",
        sa.Column("organization_id", sa.BigInteger(), nullable=True),
        sa.Column("actor_user_id", sa.BigInteger(), nullable=True),
        sa.Column("subject_user_id", sa.BigInteger(), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["actor_user_id"],
            ["users.id"],
            name=op.f("fk_audit_events_actor_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_audit_events_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_user_id"],
            ["users.id"],
            name=op.f("fk_audit_events_subject_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_events")),
    )
    op.create_index(
        "ix_audit_events_org_created",
        "audit_events",
        ["organization_id", "created_at"],
        unique=False,
    )
    op.create_table(
        "memberships",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("team_id", sa.BigInteger(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("accepted", sa.Boolean(), nullable=False),
        sa.Column("disable_impersonation", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "role IN ('OWNER', 'ADMIN', 'MEMBER')", name=op.f("ck_memberships_role")
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_memberships_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_memberships_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("user_id", "team_id", name=op.f("uq_memberships_user_id_team_id")),
    )
    op.create_index(
        op.f("ix_memberships_organization_id"), "memberships", ["organization_id"], unique=False
    )
    op.create_index(op.f("ix_memberships_team_id"), "memberships", ["team_id"], unique=False)
    op.create_table(
        "profiles",
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("username", sa.String(length=255), nullable=False),
        sa.Column("uid", sa.String(length=36), nullable=False),
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
            name=op.f("fk_profiles_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_profiles_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_profiles")),
        sa.UniqueConstraint(
            "organization_id", "username", name=op.f("uq_profiles_organization_id_username")
        ),
        sa.UniqueConstraint("uid", name=op.f("uq_profiles_uid")),
    )
    op.create_index(
        "idx_profile_user_org", "profiles", ["user_id", "organization_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("idx_profile_user_org", table_name="profiles")
    op.drop_table("profiles")
    op.drop_index(op.f("ix_memberships_team_id"), table_name="memberships")
    op.drop_index(op.f("ix_memberships_organization_id"), table_name="memberships")
    op.drop_table("memberships")
    op.drop_index("ix_audit_events_org_created", table_name="audit_events")
    op.drop_table("audit_events")
    op.drop_index(op.f("ix_api_keys_user_id"), table_name="api_keys")
    op.drop_index(op.f("ix_api_keys_organization_id"), table_name="api_keys")
    op.drop_table("api_keys")
    op.drop_index("idx_user_org", table_name="users")
    op.drop_table("users")
    op.drop_table("tenant_subscriptions")
    op.drop_table("tenant_landing_settings")
    op.drop_table("organization_settings")
    op.drop_index("idx_synclog_tenant", table_name="immersio_sync_logs")
    op.drop_table("immersio_sync_logs")
    op.drop_table("immersio_integrations")
    op.drop_index(
        "uq_teams_parent_id_slug",
        table_name="teams",
        postgresql_where=sa.text("parent_id IS NOT NULL"),
    )
    op.drop_index(
        "uq_teams_organization_slug",
        table_name="teams",
        postgresql_where=sa.text("is_organization = true"),
    )
    op.drop_index(op.f("ix_teams_organization_id"), table_name="teams")
    op.drop_index("idx_team_parent", table_name="teams")
    op.drop_index(
        "idx_team_is_org", table_name="teams", postgresql_where=sa.text("is_organization = true")
    )
    op.drop_table("teams")
    op.drop_table("apps")
