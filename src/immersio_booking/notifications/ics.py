"""iCalendar invites: METHOD REQUEST for a booking, CANCEL when it is gone; one stable UID per
booking and a SEQUENCE that grows with every change, so calendars update the same event."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText

from immersio_booking.models import Booking

PRODID = "-//Immersio Booking//EN"


def invite(
    booking: Booking,
    *,
    method: str,
    summary: str,
    organizer: tuple[str, str],
    attendees: list[tuple[str, str]],
    description: str | None,
    now: datetime,
) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    event = Event()
    event.add("uid", f"{booking.uid}@immersio-booking")
    event.add("sequence", booking.ics_sequence)
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", booking.start_time.astimezone(UTC))
    event.add("dtend", booking.end_time.astimezone(UTC))
    event.add("summary", summary)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    if booking.location:
        event.add("location", booking.location)
    if description:
        event.add("description", description)
    name, email = organizer
    host = vCalAddress(f"mailto:{email}")
    host.params["cn"] = vText(name)
    event.add("organizer", host)
    for attendee_name, attendee_email in attendees:
        address = vCalAddress(f"mailto:{attendee_email}")
        address.params["cn"] = vText(attendee_name)
        address.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", address, encode=False)
    calendar.add_component(event)
    return bytes(calendar.to_ical())
