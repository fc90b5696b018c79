"""Booking edits (Cal.com 2024-08-13), with an API key of the host or the school: guests,
location, and a substitute teacher (reassign). The services take the locks and publish the
events; the student is told by email."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import access, guests, output, reassignment, relocation
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.schemas import (
    AddGuestsInput,
    BookingOut,
    LocationInput,
    ReassignInput,
)
from immersio_booking.db.dependencies import Session
from immersio_booking.idempotency.replay import run_once
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.schemas import Envelope, ResourceId
from immersio_booking.models import Booking

router = APIRouter(prefix="/v2/bookings", tags=["Bookings"])
Edit = Callable[[Booking, Actor], Awaitable[Booking]]


async def _edit(
    session: Session, request: Request, uid: str, principal: Principal, edit: Edit
) -> JSONResponse:
    settings = app_settings(request)

    async def work() -> tuple[int, dict[str, Any]]:
        booking, actor = await access.booking_for(
            session, uid, principal, None, settings.resolved_secret_key(), clock.now()
        )
        changed = await edit(booking, actor)
        return 200, output.envelope(await output.as_json(session, settings, [changed]), False)

    who = f"user-{principal.user_id}"
    return await run_once(session, request, who, work, settings.lock_timeout_ms)


@router.post("/{bookingUid}/guests", response_model=Envelope[BookingOut])
async def add_guests(
    bookingUid: str,  # noqa: N803
    body: AddGuestsInput,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> JSONResponse:
    """Add up to 10 guests (30 people a booking at most); each gets the invitation."""

    async def edit(booking: Booking, actor: Actor) -> Booking:
        return await guests.add_guests(session, booking, actor, body.guests, clock.now())

    return await _edit(session, request, bookingUid, principal, edit)


@router.patch("/{bookingUid}/location", response_model=Envelope[BookingOut])
async def change_location(
    bookingUid: str,  # noqa: N803
    body: LocationInput,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> JSONResponse:
    """Move the session (every seat) to another of the workshop's locations."""

    async def edit(booking: Booking, actor: Actor) -> Booking:
        return await relocation.change_location(session, booking, actor, body, clock.now())

    return await _edit(session, request, bookingUid, principal, edit)


async def _reassign(
    session: Session,
    request: Request,
    uid: str,
    principal: Principal,
    user_id: int | None,
    reason: str | None = None,
) -> JSONResponse:
    settings = app_settings(request)

    async def edit(booking: Booking, actor: Actor) -> Booking:
        moved = await reassignment.reassign(
            session, booking, actor, user_id, clock.now(), settings, reason
        )
        return moved[0]

    return await _edit(session, request, uid, principal, edit)


@router.post("/{bookingUid}/reassign", response_model=Envelope[BookingOut])
async def reassign_to_any(
    bookingUid: str,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> JSONResponse:
    """A round-robin session to the first other host of the workshop free then."""
    return await _reassign(session, request, bookingUid, principal, None)


@router.post("/{bookingUid}/reassign/{userId}", response_model=Envelope[BookingOut])
async def reassign_to(
    bookingUid: str,  # noqa: N803
    userId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
    body: ReassignInput | None = None,
) -> JSONResponse:
    """A round-robin session to ``userId``, a host of the workshop free then; the ``reason``
    goes into the emails."""
    reason = body.reason if body else None
    return await _reassign(session, request, bookingUid, principal, userId, reason)
