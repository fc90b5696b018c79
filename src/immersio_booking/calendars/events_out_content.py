"""What a session's event in the teacher's calendar says: the workshop's title, the time, the
join link, the seat count, and the students' addresses when the workshop shows attendees."""

from __future__ import annotations

from collections.abc import Sequence

from immersio_booking.calendars.source import SessionEvent
from immersio_booking.models import Booking, EventType

UNSHOWN_LOCATION = "integrations:"  # a location a person never sees (the link replaces it)


def attendees_shown(event_type: EventType | None) -> bool:
    """Students' addresses are on the event only when the workshop shows attendees to each
    other (``seatsShowAttendees``); a workshop without seats has one student, always shown."""
    if event_type is None:
        return False
    return event_type.seats_per_time_slot is None or event_type.seats_show_attendees


def link_expected(event_type: EventType | None, seats: Sequence[Booking]) -> bool:
    """A join link is on its way when the location is a video integration or Zoom is made
    automatically for the workshop."""
    if event_type is not None and event_type.metadata_.get("zoom_auto_create"):
        return True
    return any((s.location or "").startswith(UNSHOWN_LOCATION) for s in seats)


def session_event(
    uid: str, event_type: EventType | None, seats: Sequence[Booking], link: str | None
) -> SessionEvent:
    first = seats[0]
    count = len(seats)
    capacity = event_type.seats_per_time_slot if event_type is not None else None
    lines = [
        f"{count} of {capacity} seats booked"
        if capacity
        else f"{count} {'student' if count == 1 else 'students'}"
    ]
    emails: tuple[str, ...] = ()
    if attendees_shown(event_type):
        emails = tuple(sorted({a.email for s in seats for a in s.attendees}))
        lines += ["", "Students:", *emails]
    if link:
        lines = [f"Join: {link}", "", *lines]
    place = (
        first.location
        if first.location and not first.location.startswith("integrations:")
        else None
    )
    return SessionEvent(
        uid=uid,
        title=event_type.title if event_type is not None else first.title,
        start=first.start_time,
        end=first.end_time,
        description="\n".join(lines),
        location=link or place,
        meeting_url=link,
        attendee_emails=emails,
    )
