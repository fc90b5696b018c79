"""Workflows: the event types each one runs on, and one row per planned reminder (with its job).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workflows_on_event_types",
        sa.Column("workflow_id", sa.BigInteger(), nullable=False),
        sa.Column("event_type_id", sa.BigInteger(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_workflows_on_event_types_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_workflows_on_event_types_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_id"],
            ["workflows.id"],
            name=op.f("fk_workflows_on_event_types_workflow_id_workflows"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflows_on_event_types")),
        sa.UniqueConstraint(
            "workflow_id",
            "event_type_id",
            name=op.f("uq_workflows_on_event_types_workflow_id_event_type_id"),
        ),
    )
    op.create_index(
        op.f("ix_workflows_on_event_types_event_type_id"),
        "workflows_on_event_types",
        ["event_type_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_workflows_on_event_types_organization_id"),
        "workflows_on_event_types",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "workflow_reminders",
        sa.Column("booking_id", sa.BigInteger(), nullable=False),
        sa.Column("workflow_step_id", sa.BigInteger(), nullable=False),
        sa.Column("trigger", sa.String(length=32), nullable=False),
        sa.Column("scheduled_for", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("job_id", sa.BigInteger(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.Text(), nullable=True),
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
            "status IN ('scheduled', 'sent', 'cancelled', 'skipped')",
            name=op.f("ck_workflow_reminders_status"),
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_workflow_reminders_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_workflow_reminders_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workflow_step_id"],
            ["workflow_steps.id"],
            name=op.f("fk_workflow_reminders_workflow_step_id_workflow_steps"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workflow_reminders")),
    )
    op.create_index(
        "ix_workflow_reminders_org_booking",
        "workflow_reminders",
        ["organization_id", "booking_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_workflow_reminders_organization_id"),
        "workflow_reminders",
        ["organization_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_workflow_reminders_workflow_step_id"),
        "workflow_reminders",
        ["workflow_step_id"],
        unique=False,
    )
    op.create_index(
        "uq_workflow_reminders_once",
        "workflow_reminders",
        ["organization_id", "booking_id", "workflow_step_id", "scheduled_for", "event_start"],
        unique=True,
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.add_column(
        "workflows",
        sa.Column(
            "is_active_on_all", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("workflows", "is_active_on_all")
    op.drop_index(
        "uq_workflow_reminders_once",
        table_name="workflow_reminders",
        postgresql_where=sa.text("status <> 'cancelled'"),
    )
    op.drop_index(op.f("ix_workflow_reminders_workflow_step_id"), table_name="workflow_reminders")
    op.drop_index(op.f("ix_workflow_reminders_organization_id"), table_name="workflow_reminders")
    op.drop_index("ix_workflow_reminders_org_booking", table_name="workflow_reminders")
    op.drop_table("workflow_reminders")
    op.drop_index(
        op.f("ix_workflows_on_event_types_organization_id"), table_name="workflows_on_event_types"
    )
    op.drop_index(
        op.f("ix_workflows_on_event_types_event_type_id"), table_name="workflows_on_event_types"
    )
    op.drop_table("workflows_on_event_types")
