"""Initial schema, part 3: bookings, attendees, payments and the cancellation history.

Revision ID: 0001c
Revises: 0001b
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001c"
down_revision: str | None = "0001b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bookings",
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=True),
        sa.Column("event_type_id", sa.BigInteger(), nullable=True),
        sa.Column("title", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("start_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_time", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=False),
        sa.Column("metadata", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("location", sa.Text(), nullable=True),
        sa.Column("cancellation_reason", sa.Text(), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("rescheduled", sa.Boolean(), nullable=False),
        sa.Column("from_reschedule", sa.BigInteger(), nullable=True),
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
            "status IN ('accepted', 'pending', 'cancelled', 'rejected')",
            name=op.f("ck_bookings_status"),
        ),
        sa.ForeignKeyConstraint(
            ["event_type_id"],
            ["event_types.id"],
            name=op.f("fk_bookings_event_type_id_event_types"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["from_reschedule"],
            ["bookings.id"],
            name=op.f("fk_bookings_from_reschedule_bookings"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_bookings_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_bookings_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bookings")),
        sa.UniqueConstraint("uid", name=op.f("uq_bookings_uid")),
    )
    op.create_index("idx_booking_eventtype", "bookings", ["event_type_id"], unique=False)
    op.create_index("idx_booking_status", "bookings", ["status"], unique=False)
    op.create_index("idx_booking_time", "bookings", ["start_time", "end_time"], unique=False)
    op.create_index("idx_booking_user", "bookings", ["user_id"], unique=False)
    op.create_index(
        op.f("ix_bookings_organization_id"), "bookings", ["organization_id"], unique=False
    )
    op.create_table(
        "attendees",
        sa.Column("booking_id", sa.BigInteger(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("time_zone", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=True),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_attendees_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_attendees_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attendees")),
    )
    op.create_index(op.f("ix_attendees_booking_id"), "attendees", ["booking_id"], unique=False)
    op.create_index(
        op.f("ix_attendees_organization_id"), "attendees", ["organization_id"], unique=False
    )
    op.create_table(
        "booking_cancellation_history",
        sa.Column("booking_id", sa.BigInteger(), nullable=False),
        sa.Column("cancelled_by", sa.BigInteger(), nullable=True),
        sa.Column("cancellation_reason", sa.Text(), nullable=True),
        sa.Column("refund_status", sa.String(length=16), nullable=False),
        sa.Column("refund_amount", sa.Integer(), nullable=False),
        sa.Column("refund_transaction_id", sa.String(length=255), nullable=True),
        sa.Column("within_refund_window", sa.Boolean(), nullable=False),
        sa.Column("organization_id", sa.BigInteger(), nullable=False),
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "refund_status IN ('pending', 'processing', 'completed', 'failed', 'not_eligible')",
            name=op.f("ck_booking_cancellation_history_refund_status"),
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_booking_cancellation_history_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by"],
            ["users.id"],
            name=op.f("fk_booking_cancellation_history_cancelled_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_booking_cancellation_history_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_booking_cancellation_history")),
    )
    op.create_index(
        op.f("ix_booking_cancellation_history_booking_id"),
        "booking_cancellation_history",
        ["booking_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_booking_cancellation_history_organization_id"),
        "booking_cancellation_history",
        ["organization_id"],
        unique=False,
    )
    op.create_table(
        "payments",
        sa.Column("uid", sa.String(length=64), nullable=False),
        sa.Column("booking_id", sa.BigInteger(), nullable=False),
        sa.Column("app_id", sa.String(length=64), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("fee", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.Column("refunded", sa.Boolean(), nullable=False),
        sa.Column("data", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("external_id", sa.String(length=255), nullable=True),
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
            ["app_id"], ["apps.slug"], name=op.f("fk_payments_app_id_apps"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["booking_id"],
            ["bookings.id"],
            name=op.f("fk_payments_booking_id_bookings"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["teams.id"],
            name=op.f("fk_payments_organization_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("booking_id", name=op.f("uq_payments_booking_id")),
        sa.UniqueConstraint("uid", name=op.f("uq_payments_uid")),
    )
    op.create_index(op.f("ix_payments_external_id"), "payments", ["external_id"], unique=False)
    op.create_index(
        op.f("ix_payments_organization_id"), "payments", ["organization_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_payments_organization_id"), table_name="payments")
    op.drop_index(op.f("ix_payments_external_id"), table_name="payments")
    op.drop_table("payments")
    op.drop_index(
        op.f("ix_booking_cancellation_history_organization_id"),
        table_name="booking_cancellation_history",
    )
    op.drop_index(
        op.f("ix_booking_cancellation_history_booking_id"),
        table_name="booking_cancellation_history",
    )
    op.drop_table("booking_cancellation_history")
    op.drop_index(op.f("ix_attendees_organization_id"), table_name="attendees")
    op.drop_index(op.f("ix_attendees_booking_id"), table_name="attendees")
    op.drop_table("attendees")
    op.drop_index(op.f("ix_bookings_organization_id"), table_name="bookings")
    op.drop_index("idx_booking_user", table_name="bookings")
    op.drop_index("idx_booking_time", table_name="bookings")
    op.drop_index("idx_booking_status", table_name="bookings")
    op.drop_index("idx_booking_eventtype", table_name="bookings")
    op.drop_table("bookings")
