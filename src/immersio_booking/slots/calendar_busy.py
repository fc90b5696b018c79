"""Teachers' own calendars in slots: the busy times the calendars package cached
(``calendar_busy_times``), read in the same statement as the bookings
(``repository.busy_times``), never from the calendar.

A cached period with exactly the times of one of the host's own sessions is that session's
event in the teacher's calendar (the destination calendar written for it): it is already
counted as a booking, and counting it again would close a seated session after its first seat.
"""

from __future__ import annotations

from collections.abc import Sequence

from immersio_booking.slots.model import BusyInterval


def merged(
    bookings: Sequence[BusyInterval], from_calendars: Sequence[BusyInterval]
) -> list[BusyInterval]:
    """The host's busy time: bookings, and calendar periods that are not a session's own."""
    sessions = {(b.start, b.end) for b in bookings}
    return [*bookings, *(c for c in from_calendars if (c.start, c.end) not in sessions)]
