"""iCalendar invites: METHOD REQUEST for a booking, CANCEL when it is gone; one stable UID per
booking and a SEQUENCE that grows with every change, so calendars update the same event.

A session with a join link carries it three ways, for every kind of calendar: LOCATION, URL
and RFC 7986's ``CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=...``. The caller gives the location
as people read it (never an ``integrations:`` key)."""

from __future__ import annotations

from datetime import UTC, datetime

from icalendar import Calendar, Event, vCalAddress, vText, vUri

from immersio_booking.models import Booking
from immersio_booking.notifications.messages import Place
from immersio_booking.notifications.rendering import translations

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
    place: Place | None = None,
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
    if place and (place.join_url or place.name):
        event.add("location", place.join_url or place.name)
    if place and place.join_url:
        event.add("url", place.join_url)
        conference = vUri(place.join_url)
        conference.params["value"] = "URI"
        conference.params["feature"] = "VIDEO"
        if place.name:
            conference.params["label"] = place.name
        event.add("conference", conference, encode=False)
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


def description_of(
    place: Place,
    language: str,
    *,
    workshop: str,
    about: str | None = None,
    manage_url: str | None = None,
) -> str:
    """What calendars show under the event: the workshop (its title, then its own text), how
    to join, and where to change the booking. Never the student's own note: the invite goes
    to every attendee and to the teacher's calendar."""
    _ = translations(language).gettext
    parts = [workshop + (f"\n{about.strip()}" if about and about.strip() else "")]
    if place.join_url:
        parts.append(_("Join the video call: %(join_url)s") % {"join_url": place.join_url})
    elif place.link_coming:
        parts.append(_("The join link will be sent before the start."))
    if manage_url:
        parts.append(_("Manage your booking: %(manage_url)s") % {"manage_url": manage_url})
    return "\n\n".join(parts)
