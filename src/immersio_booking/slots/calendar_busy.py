"""Teachers' own calendars in slots: the busy times the calendars package cached
(``calendar_busy_times``), read in one query beside the bookings, never from the calendar.

A cached period with exactly the times of one of the host's own sessions is that session's
event in the teacher's calendar (the destination calendar written for it): it is already
counted as a booking, and counting it again would close a seated session after its first seat.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import CalendarBusyTime
from immersio_booking.slots import repository
from immersio_booking.slots.model import BusyInterval


async def cached(
    session: AsyncSession,
    organization_id: int,
    host_ids: Sequence[int],
    window_start: datetime,
    window_end: datetime,
) -> dict[int, list[BusyInterval]]:
    """Cached calendar busy periods per host overlapping the window (buffers aside: the
    engine pads the candidate session, so a period only needs to come near the window)."""
    if not host_ids:
        return {}
    rows = await session.execute(
        select(CalendarBusyTime.user_id, CalendarBusyTime.start_time, CalendarBusyTime.end_time)
        .where(
            CalendarBusyTime.organization_id == organization_id,
            CalendarBusyTime.user_id.in_(host_ids),
            CalendarBusyTime.start_time < window_end + repository.REACH,
            CalendarBusyTime.end_time > window_start - repository.REACH,
        )
        .distinct()
    )
    found: dict[int, list[BusyInterval]] = {}
    for user_id, start, end in rows.all():
        found.setdefault(user_id, []).append(BusyInterval(start, end))
    return found


def merged(
    bookings: Sequence[BusyInterval], from_calendars: Sequence[BusyInterval]
) -> list[BusyInterval]:
    """The host's busy time: bookings, and calendar periods that are not a session's own."""
    sessions = {(b.start, b.end) for b in bookings}
    return [*bookings, *(c for c in from_calendars if (c.start, c.end) not in sessions)]
