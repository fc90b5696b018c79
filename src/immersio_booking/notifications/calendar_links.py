""" "Add to calendar": the links a student or the API gets for a booking (Google, Microsoft
Outlook, Microsoft Office, and the iCalendar file), in the order and with the labels of
Cal.com's ``GET /v2/bookings/{uid}/calendar-links``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links
from immersio_booking.kit import clock
from immersio_booking.models import Booking, EventType, User
from immersio_booking.notifications import ics
from immersio_booking.notifications.messages import Place

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"
OFFICE = "https://outlook.office.com/calendar/0/deeplink/compose"


@dataclass(frozen=True)
class CalendarLink:
    label: str
    link: str


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def google(booking: Booking, title: str, place: Place) -> str:
    query = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{_stamp(booking.start_time)}/{_stamp(booking.end_time)}",
    }
    if place.join_url or place.name:
        query["location"] = place.join_url or place.name or ""
    return f"{GOOGLE_CALENDAR}?{urlencode(query)}"


def microsoft(base: str, booking: Booking, title: str, place: Place) -> str:
    query = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "startdt": booking.start_time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "enddt": booking.end_time.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "subject": title,
    }
    if place.join_url or place.name:
        query["location"] = place.join_url or place.name or ""
    return f"{base}?{urlencode(query)}"


def outlook(booking: Booking, title: str, place: Place) -> str:
    """Outlook.com's "compose an event" address (personal Microsoft accounts)."""
    return microsoft(OUTLOOK, booking, title, place)


async def place_of(
    session: AsyncSession, booking: Booking, et: EventType | None, language: str
) -> Place:
    link = await meeting_links.link_of(session, booking.organization_id, booking.id)
    coming = meeting_links.awaits_link(booking.location, et)
    return Place.of(booking.location, link, language, link_coming=coming)


async def published_ics(
    session: AsyncSession, booking: Booking, et: EventType | None, language: str
) -> bytes:
    """The booking as an iCalendar file to add by hand (METHOD PUBLISH, no attendees)."""
    host = await session.get(User, booking.user_id) if booking.user_id else None
    place = await place_of(session, booking, et, language)
    return ics.invite(
        booking,
        method="PUBLISH",
        summary=et.title if et else booking.title,
        organizer=((host.name or host.email) if host else "", host.email if host else ""),
        attendees=[],
        description=ics.description_of(
            place,
            language,
            workshop=et.title if et else booking.title,
            about=et.description if et else None,
        ),
        now=clock.now(),
        place=place,
    )


async def links_of(
    session: AsyncSession, booking: Booking, et: EventType | None, language: str
) -> list[CalendarLink]:
    title = et.title if et else booking.title
    place = await place_of(session, booking, et, language)
    file = await published_ics(session, booking, et, language)
    return [
        CalendarLink("Google", google(booking, title, place)),
        CalendarLink("Microsoft Outlook", outlook(booking, title, place)),
        CalendarLink("Microsoft Office", microsoft(OFFICE, booking, title, place)),
        CalendarLink("ICS", "data:text/calendar," + quote(file.decode())),
    ]
