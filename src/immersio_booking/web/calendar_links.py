"""The "Add to calendar" menu of the booking's pages: Google Calendar and Outlook.com take the
session through their public "compose an event" addresses (the same ones the API's
``calendar-links`` gives); Apple Calendar (and any other program) opens the booking's ``.ics``
file, served by the manage pages."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from immersio_booking.models import Booking
from immersio_booking.notifications import calendar_links
from immersio_booking.notifications.messages import Place


@dataclass(frozen=True)
class CalendarLinks:
    google: str
    outlook: str
    ics: str


def links(booking: Booking, title: str, place: Place, token: str | None) -> CalendarLinks:
    """The three ways into a calendar; the ``.ics`` file opens with the manage token only."""
    return CalendarLinks(
        calendar_links.google(booking, title, place),
        calendar_links.outlook(booking, title, place),
        f"/booking/{booking.uid}/ics?{urlencode({'token': token or ''})}",
    )
