"""Team event type hosts, scheduling type, length options, echoed Cal.com settings.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_type_hosts",
        sa.Column("event_type_id", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("mandatory", sa.Boolean(), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "priority IN ('lowest', 'low', 'medium', 'high', 'highest')",
            name=op.f("ck_event_type_hosts_priority"),
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_event_type_hosts_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_event_type_hosts_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_event_type_hosts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_type_hosts")),
        sa.UniqueConstraint(
            "event_type_id", "user_id", name=op.f("uq_event_type_hosts_event_type_id_user_id")
        ),
    )
    op.create_index(
        op.f("ix_event_type_hosts_organization_id"), "event_type_hosts", ["organization_id"]
    )
    op.create_index(op.f("ix_event_type_hosts_user_id"), "event_type_hosts", ["user_id"])
    op.add_column("event_types", sa.Column("scheduling_type", sa.String(length=16), nullable=True))
    op.create_check_constraint(
        op.f("ck_event_types_scheduling_type"),
        "event_types",
        "scheduling_type IN ('COLLECTIVE', 'ROUND_ROBIN')",
    )
    op.add_column("event_types", sa.Column("length_options", postgresql.JSONB(), nullable=True))
    op.add_column(
        "event_types",
        sa.Column(
            "extra", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
    )
    op.alter_column("event_types", "extra", server_default=None)
    op.create_foreign_key(
        op.f("fk_users_default_schedule_id_schedules"),
        "users",
        "schedules",
        ["default_schedule_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_users_default_schedule_id_schedules"), "users", type_="foreignkey")
    op.drop_column("event_types", "extra")
    op.drop_column("event_types", "length_options")
    op.drop_constraint(op.f("ck_event_types_scheduling_type"), "event_types", type_="check")
    op.drop_column("event_types", "scheduling_type")
    op.drop_index(op.f("ix_event_type_hosts_user_id"), table_name="event_type_hosts")
    op.drop_index(op.f("ix_event_type_hosts_organization_id"), table_name="event_type_hosts")
    op.drop_table("event_type_hosts")
