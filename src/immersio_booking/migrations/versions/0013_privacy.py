"""A booking moved by its student keeps the deadlines of the earliest start of its chain.

``bookings.deadlines_start_time``: the start the refund window and the notice for changes
count back from (empty: the booking's own start). Existing chains of moves made by students
(a new booking whose ``created_by_user_id`` is empty was moved by the student's manage link)
are filled in, so no booking already moved keeps a reopened window.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BACKFILL = """
WITH RECURSIVE chain(id, cursor, earliest) AS (
    SELECT b.id, p.id, LEAST(b.start_time, p.start_time)
    FROM bookings b JOIN bookings p ON p.id = b.from_reschedule
    WHERE b.created_by_user_id IS NULL
  UNION ALL
    SELECT c.id, p.id, LEAST(c.earliest, p.start_time)
    FROM chain c
    JOIN bookings cur ON cur.id = c.cursor
    JOIN bookings p ON p.id = cur.from_reschedule
    WHERE cur.created_by_user_id IS NULL
)
UPDATE bookings SET deadlines_start_time = m.earliest
FROM (SELECT id, MIN(earliest) AS earliest FROM chain GROUP BY id) AS m
WHERE bookings.id = m.id AND m.earliest < bookings.start_time
"""


def upgrade() -> None:
    op.add_column(
        "bookings", sa.Column("deadlines_start_time", sa.DateTime(timezone=True), nullable=True)
    )
    op.execute(BACKFILL)


def downgrade() -> None:
    op.drop_column("bookings", "deadlines_start_time")
