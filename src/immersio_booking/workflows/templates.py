"""Workflow templates: ``{VARIABLE}`` placeholders filled per recipient.

A tenant's template is data, never code: it is not evaluated by a template engine, only its
``{UPPER_CASE}`` placeholders are replaced. In the HTML body every value is escaped (a student
named ``<script>`` stays text); in the subject and in text messages values are inserted as they
are, on one line. Unknown placeholders are left as written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from babel.dates import format_date
from markupsafe import escape

from immersio_booking.bookings import meeting_links
from immersio_booking.bookings.meeting_links import MeetingLink
from immersio_booking.kit import when
from immersio_booking.models import Booking
from immersio_booking.notifications.plain_text import text_of
from immersio_booking.notifications.schools import School

__all__ = [
    "Occasion",
    "Recipient",
    "fill_html",
    "fill_line",
    "fill_text",
    "people_values",
    "text_of",
    "time_values",
    "variables",
]

NO_SCHOOL = School("", None, None)

PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


@dataclass(frozen=True)
class Recipient:
    """Who a message goes to; dates and times are written in their zone and language."""

    name: str
    email: str | None
    phone: str | None
    time_zone: str
    language: str
    is_attendee: bool
    # The locale tag as stored (``en-GB``): its clock (12 or 24 hours) and date order.
    locale: str | None = None


@dataclass(frozen=True)
class Occasion:
    """What the message is about: the booking and the names around it."""

    booking: Booking
    event_name: str
    organizer_name: str
    organizer_email: str
    attendee_name: str
    attendee_email: str
    manage_url: str | None
    meeting: MeetingLink | None = None
    school: School = NO_SCHOOL


def _meeting_url(booking: Booking, meeting: MeetingLink | None) -> str:
    """The session's join link, else the location when it is a web address, else nothing."""
    if meeting is not None:
        return meeting.url
    location = (booking.location or "").strip()
    return location if location.startswith(("https://", "http://")) else ""


def time_values(start: datetime, end: datetime, recipient: Recipient) -> dict[str, str]:
    """The session's time as every email writes it (kit.when), and its pieces, in the
    recipient's zone and language."""
    zone = recipient.time_zone
    tag = recipient.locale or recipient.language
    start = start.astimezone(ZoneInfo(zone))
    end = end.astimezone(ZoneInfo(zone))
    return {
        "EVENT_WHEN": when.span(start, end, zone, tag),
        "EVENT_DATE": format_date(start.date(), "full", locale=when.babel_locale(tag)),
        "EVENT_TIME": when.time_of(start, tag),
        "START_TIME": when.time_of(start, tag),
        "EVENT_END_TIME": when.time_of(end, tag),
        "TIMEZONE": when.zone_name(zone, start, tag, joiner=", "),
    }


def people_values(
    recipient: Recipient,
    organizer_name: str,
    organizer_email: str,
    attendee_name: str,
    attendee_email: str,
) -> dict[str, str]:
    """Who is who: the student's own name and address when the student is the recipient."""
    if recipient.is_attendee:
        attendee_name, attendee_email = recipient.name, recipient.email or ""
    return {
        "ORGANIZER_NAME": organizer_name,
        "ORGANIZER": organizer_name,
        "ORGANIZER_EMAIL": organizer_email,
        "ATTENDEE_NAME": attendee_name,
        "ATTENDEE": attendee_name,
        "ATTENDEE_FIRST_NAME": attendee_name.split(" ")[0] if attendee_name else "",
        "ATTENDEE_EMAIL": attendee_email,
        "RECIPIENT_NAME": recipient.name,
    }


def variables(occasion: Occasion, recipient: Recipient) -> dict[str, str]:
    booking = occasion.booking
    # The manage link is the student's key to their booking: only a student receives it.
    manage = (occasion.manage_url or "") if recipient.is_attendee else ""
    people = people_values(
        recipient,
        occasion.organizer_name,
        occasion.organizer_email,
        occasion.attendee_name,
        occasion.attendee_email,
    )
    return {
        "EVENT_NAME": occasion.event_name,
        **time_values(booking.start_time, booking.end_time, recipient),
        # Never an ``integrations:`` key: the join link, else what the location is called.
        "LOCATION": meeting_links.where(booking.location, occasion.meeting, recipient.language)
        or "",
        "MEETING_URL": _meeting_url(booking, occasion.meeting),
        "ADDITIONAL_NOTES": booking.description or "",
        **people,
        "BOOKING_UID": booking.uid,
        "MANAGE_URL": manage,
        "CANCEL_URL": f"{manage}&action=cancel" if manage else "",
        "RESCHEDULE_URL": f"{manage}&action=reschedule" if manage else "",
    }


def fill_text(template: str, values: Mapping[str, str]) -> str:
    """Plain text: values as they are."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def fill_line(template: str, values: Mapping[str, str]) -> str:
    """A subject: values as they are, but never a line break (no header injection)."""
    return " ".join(fill_text(template, values).split())


def fill_html(template: str, values: Mapping[str, str]) -> str:
    """HTML: every value escaped, so a value can never become markup."""
    return PLACEHOLDER.sub(
        lambda m: str(escape(values[m.group(1)])) if m.group(1) in values else m.group(0),
        template,
    )
