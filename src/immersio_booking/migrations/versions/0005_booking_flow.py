"""Booking flow: responses, series, payment holds, reservations, idempotency records.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_records",
        sa.Column("scope", sa.String(length=128), nullable=False),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint("scope", "key", name=op.f("uq_idempotency_records_scope_key")),
    )
    op.create_index(
        op.f("ix_idempotency_records_expires_at"),
        "idempotency_records",
        ["expires_at"],
        unique=False,
    )
    op.create_table(
        "slot_reservations",
        sa.Column("uid", sa.String(length=36), nullable=False),
        sa.Column("event_type_id", sa.BigInteger(), nullable=False),
        sa.Column("host_user_id", sa.BigInteger(), nullable=True),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reservation_minutes", sa.Integer(), nullable=False),
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
            name=op.f("fk_slot_reservations_event_type_id_event_types"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["host_user_id"],
            ["users.id"],
            name=op.f("fk_slot_reservations_host_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_slot_reservations_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_reservations")),
        sa.UniqueConstraint("uid", name=op.f("uq_slot_reservations_uid")),
    )
    op.create_index(
        "ix_slot_reservations_org_event_type_start",
        "slot_reservations",
        ["organization_id", "event_type_id", "start_time"],
        unique=False,
    )
    op.create_index(
        "ix_slot_reservations_org_host_start",
        "slot_reservations",
        ["organization_id", "host_user_id", "start_time"],
        unique=False,
    )
    op.create_index(
        op.f("ix_slot_reservations_organization_id"),
        "slot_reservations",
        ["organization_id"],
        unique=False,
    )
    op.add_column(
        "bookings",
        sa.Column(
            "responses", postgresql.JSONB(), server_default=sa.text("'{}'::jsonb"), nullable=False
        ),
    )
    op.add_column("bookings", sa.Column("recurring_event_id", sa.String(length=64), nullable=True))
    op.add_column(
        "bookings", sa.Column("hold_expires_at", sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column("bookings", sa.Column("cancelled_by_email", sa.String(length=320), nullable=True))
    op.add_column("bookings", sa.Column("rescheduling_reason", sa.Text(), nullable=True))
    op.add_column(
        "bookings",
        sa.Column("ics_sequence", sa.Integer(), server_default=sa.text("0"), nullable=False),
    )
    op.add_column("bookings", sa.Column("created_by_user_id", sa.BigInteger(), nullable=True))
    op.create_index(
        op.f("ix_bookings_recurring_event_id"), "bookings", ["recurring_event_id"], unique=False
    )
    op.create_foreign_key(
        op.f("fk_bookings_created_by_user_id_users"),
        "bookings",
        "users",
        ["created_by_user_id"],
        ["id"],
        ondelete="SET NULL",
    )


def downgrade() -> None:
    op.drop_constraint(op.f("fk_bookings_created_by_user_id_users"), "bookings", type_="foreignkey")
    op.drop_index(op.f("ix_bookings_recurring_event_id"), table_name="bookings")
    op.drop_column("bookings", "created_by_user_id")
    op.drop_column("bookings", "ics_sequence")
    op.drop_column("bookings", "rescheduling_reason")
    op.drop_column("bookings", "cancelled_by_email")
    op.drop_column("bookings", "hold_expires_at")
    op.drop_column("bookings", "recurring_event_id")
    op.drop_column("bookings", "responses")
    op.drop_index(op.f("ix_slot_reservations_organization_id"), table_name="slot_reservations")
    op.drop_index("ix_slot_reservations_org_host_start", table_name="slot_reservations")
    op.drop_index("ix_slot_reservations_org_event_type_start", table_name="slot_reservations")
    op.drop_table("slot_reservations")
    op.drop_index(op.f("ix_idempotency_records_expires_at"), table_name="idempotency_records")
    op.drop_table("idempotency_records")
