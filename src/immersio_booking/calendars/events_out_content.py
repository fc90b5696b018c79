"""What a session's event in the teacher's calendar says: the workshop's title, the time, the
join link, the seat count, and the students' addresses when the workshop shows attendees; and
the same as an iCalendar VEVENT for CalDAV calendars (``session_ics``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC

import icalendar

from immersio_booking.bookings import meeting_links
from immersio_booking.calendars.source import SessionEvent
from immersio_booking.kit import clock
from immersio_booking.models import Booking, EventType

PRODID = "-//Immersio Booking//Sessions//EN"


def attendees_shown(event_type: EventType | None) -> bool:
    """Students' addresses are on the event only when the workshop shows attendees to each
    other (``seatsShowAttendees``); a workshop without seats has one student, always shown."""
    if event_type is None:
        return False
    return event_type.seats_per_time_slot is None or event_type.seats_show_attendees


def link_expected(event_type: EventType | None, seats: Sequence[Booking]) -> bool:
    """A join link is on its way when a video provider makes a meeting for the session (the
    rule the emails wait by: ``bookings.meeting_links.awaits_link``)."""
    return any(meeting_links.awaits_link(s.location, event_type) for s in seats)


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
        if first.location and not first.location.startswith(meeting_links.INTEGRATION_PREFIX)
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


def session_ics(event: SessionEvent, sequence: int = 0) -> str:
    """The session as one VEVENT in a VCALENDAR."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    vevent = icalendar.Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", clock.now().astimezone(UTC))
    vevent.add("dtstart", event.start.astimezone(UTC))
    vevent.add("dtend", event.end.astimezone(UTC))
    vevent.add("summary", event.title)
    vevent.add("description", event.description)
    vevent.add("sequence", sequence)
    if event.location:
        vevent.add("location", event.location)
    if event.meeting_url:
        vevent.add("url", event.meeting_url)
    for email in event.attendee_emails:
        attendee = icalendar.vCalAddress(f"mailto:{email}")
        attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
        vevent.add("attendee", attendee, encode=False)
    calendar.add_component(vevent)
    ics: bytes = calendar.to_ical()
    return ics.decode()
