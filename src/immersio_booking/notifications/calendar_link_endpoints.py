"""``GET /v2/bookings/{uid}/calendar-links`` (Cal.com 2024-08-13): "add to calendar" links
of a booking, for its host or school (API key) or its student (manage token)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from immersio_booking.auth.dependencies import OptionalAuthSubject
from immersio_booking.bookings import access
from immersio_booking.bookings.endpoints import ManageToken
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.schemas import ApiModel, Envelope
from immersio_booking.notifications import calendar_links

router = APIRouter(prefix="/v2/bookings", tags=["Bookings"])


class CalendarLinkOut(ApiModel):
    label: str
    link: str


@router.get("/{bookingUid}/calendar-links")
async def booking_calendar_links(
    bookingUid: str,  # noqa: N803
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: ManageToken,
) -> Envelope[list[CalendarLinkOut]]:
    """Google, Microsoft Outlook, Microsoft Office and an iCalendar file (data URL)."""
    booking, _ = await access.booking_for(
        session,
        bookingUid,
        principal,
        token,
        app_settings(request).resolved_secret_key(),
        clock.now(),
    )
    et = await event_types.event_type(session, booking.organization_id, booking.event_type_id or 0)
    links = await calendar_links.links_of(session, booking, et, "en")
    return Envelope(data=[CalendarLinkOut(label=c.label, link=c.link) for c in links])
