"""Indexes for slot queries: one host's or one workshop's bookings in a time window.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_bookings_org_user_start", "bookings", ["organization_id", "user_id", "start_time"]
    )
    op.create_index(
        "ix_bookings_org_event_type_start",
        "bookings",
        ["organization_id", "event_type_id", "start_time"],
    )
    op.create_index(op.f("ix_attendees_email"), "attendees", ["email"])


def downgrade() -> None:
    op.drop_index(op.f("ix_attendees_email"), table_name="attendees")
    op.drop_index("ix_bookings_org_event_type_start", table_name="bookings")
    op.drop_index("ix_bookings_org_user_start", table_name="bookings")
