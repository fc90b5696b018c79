"""Reading a booking another way (Cal.com 2024-08-13): by its seat
(``GET /v2/bookings/by-seat/{seatUid}``) and what was made outside for it
(``GET /v2/bookings/{uid}/references``: meetings and calendar events, never a secret)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse

from immersio_booking.auth.dependencies import AuthSubject, OptionalAuthSubject
from immersio_booking.bookings import access, output, repository
from immersio_booking.bookings.endpoints import ManageToken
from immersio_booking.bookings.schemas import BookingOut
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.schemas import ApiModel, Envelope

router = APIRouter(prefix="/v2/bookings", tags=["Bookings"])


class BookingReferenceOut(ApiModel):
    """Cal.com's BookingReferenceOutput: no meeting password, no credential."""

    id: int
    type: str
    event_uid: str
    destination_calendar_id: str | None


@router.get("/by-seat/{seatUid}", response_model=Envelope[BookingOut])
async def booking_by_seat(
    seatUid: str,  # noqa: N803
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: ManageToken,
) -> JSONResponse:
    """The seat's booking (with a key of its school, or the seat's manage token)."""
    settings = app_settings(request)
    booking, _ = await access.booking_for(
        session, seatUid, principal, token, settings.resolved_secret_key(), clock.now()
    )
    et = await event_types.event_type(session, booking.organization_id, booking.event_type_id or 0)
    if et is None or not et.seats_per_time_slot:
        raise NotFound(f"Seat with uid={seatUid} was not found")
    items = await output.as_json(session, settings, [booking])
    return JSONResponse(output.envelope(items, False))


@router.get("/{bookingUid}/references")
async def booking_references(
    bookingUid: str,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
    type: Annotated[str | None, Query(max_length=64, pattern=r"^[a-z0-9_-]+$")] = None,
) -> Envelope[list[BookingReferenceOut]]:
    """Meetings and calendar events made for the booking (host or school), ``type`` to filter
    (``zoom_video``, ``google_meet_video``, ``jitsi_video``, ``google_calendar``,
    ``caldav_calendar``...)."""
    booking, _ = await access.booking_for(
        session,
        bookingUid,
        principal,
        None,
        app_settings(request).resolved_secret_key(),
        clock.now(),
    )
    rows = await repository.references_of(session, booking.organization_id, booking.id, type)
    return Envelope(
        data=[
            BookingReferenceOut(
                id=r.id,
                type=r.type,
                event_uid=r.uid,
                destination_calendar_id=r.external_calendar_id,
            )
            for r in rows
        ]
    )
