"""The "Add to calendar" menu of the booking's pages: Google Calendar and Outlook.com take the
session through their public "compose an event" addresses; Apple Calendar (and any other
program) opens the booking's ``.ics`` file, served by the manage pages."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from immersio_booking.models import Booking
from immersio_booking.notifications.messages import Place

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK_CALENDAR = "https://outlook.live.com/calendar/0/deeplink/compose"


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook: str
    ics: str


def _where(place: Place) -> str:
    return place.join_url or place.name or ""


def google(booking: Booking, title: str, place: Place) -> str:
    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{stamp(booking.start_time)}/{stamp(booking.end_time)}",
    }
    if _where(place):
        query["location"] = _where(place)
    return f"{GOOGLE_CALENDAR}?{urlencode(query)}"


def outlook(booking: Booking, title: str, place: Place) -> str:
    def stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": stamp(booking.start_time),
        "enddt": stamp(booking.end_time),
    }
    if _where(place):
        query["location"] = _where(place)
    return f"{OUTLOOK_CALENDAR}?{urlencode(query)}"


def links(booking: Booking, title: str, place: Place, token: str | None) -> CalendarLinks:
    """The three ways into a calendar; the ``.ics`` file opens with the manage token only."""
    return CalendarLinks(
        google(booking, title, place),
        outlook(booking, title, place),
        f"/booking/{booking.uid}/ics?{urlencode({'token': token or ''})}",
    )
