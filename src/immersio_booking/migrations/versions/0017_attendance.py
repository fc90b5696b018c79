"""Attendance: an attendee's absence (Cal.com ``Attendee.noShow``) and the host's absence
from a booking (``Booking.noShowHost``), both false until someone marks them.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "attendees",
        sa.Column("no_show", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )
    op.add_column(
        "bookings",
        sa.Column("no_show_host", sa.Boolean(), server_default=sa.text("false"), nullable=False),
    )


def downgrade() -> None:
    op.drop_column("bookings", "no_show_host")
    op.drop_column("attendees", "no_show")
