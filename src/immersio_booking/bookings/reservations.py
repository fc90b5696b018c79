"""``/v2/slots/reservations``: short holds on a slot or seat that others cannot take meanwhile.

A hold counts in the slots engine and in seat counts until ``reservationUntil``, by time alone.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, Field
from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.dependencies import CheckCredentials, OptionalAuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import availability, invitations
from immersio_booking.bookings.availability import Exclusions
from immersio_booking.db.dependencies import Session
from immersio_booking.idempotency.replay import run_once
from immersio_booking.kit import clock
from immersio_booking.kit.api_versions import V2024_09_04, versioned
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import (
    DomainError,
    Forbidden,
    NotFound,
    Unauthorized,
    Unprocessable,
)
from immersio_booking.kit.schemas import EmptyEnvelope, Envelope, StrictApiModel, ok
from immersio_booking.models import SlotReservation
from immersio_booking.ratelimits import policy
from immersio_booking.slots import service as slots

router = APIRouter(
    prefix="/v2/slots/reservations",
    tags=["Slots"],
    dependencies=[CheckCredentials],
    route_class=versioned(V2024_09_04),
)
DEFAULT_MINUTES, MAX_MINUTES = 5, 15


class ReserveSlotInput(StrictApiModel):
    event_type_id: int = Field(ge=1, le=2**63 - 1)
    slot_start: AwareDatetime
    slot_duration: int | None = Field(default=None, ge=1, le=1440)
    reservation_duration: int | None = Field(default=None, ge=1, le=MAX_MINUTES)


class ReservationOut(StrictApiModel):
    event_type_id: int
    slot_start: datetime
    slot_end: datetime
    slot_duration: int
    reservation_uid: str
    reservation_duration: int | None = None
    reservation_until: datetime


def _out(r: SlotReservation, with_duration: bool = True) -> ReservationOut:
    return ReservationOut(
        event_type_id=r.event_type_id,
        slot_start=r.start_time,
        slot_end=r.end_time,
        slot_duration=int((r.end_time - r.start_time).total_seconds() // 60),
        reservation_uid=r.uid,
        reservation_duration=r.reservation_minutes if with_duration else None,
        reservation_until=r.expires_at,
    )


async def hold(
    session: AsyncSession,
    principal: Principal | None,
    body: ReserveSlotInput,
    request: Request,
    replacing: SlotReservation | None,
) -> SlotReservation:
    et = await slots.find_event_type(
        session, principal, slots.EventTypeLookup(body.event_type_id, None, None, None, None)
    )
    invitations.ensure_may_hold(
        et, principal is not None and principal.can_see_organization(et.organization_id)
    )
    minutes = DEFAULT_MINUTES
    if body.reservation_duration is not None:
        if principal is None:
            raise Unauthorized("reservationDuration needs an API key", reason="missing_api_key")
        if not principal.can_see_organization(et.organization_id):
            raise Forbidden(
                "Only the school's staff may choose the hold's length", reason="staff_only"
            )
        minutes = body.reservation_duration
    duration = slots.duration_for(et, body.slot_duration)
    start = body.slot_start.astimezone(UTC)
    now = clock.now()
    workshop = await availability.covering(
        session, await availability.load(session, et), [start], duration
    )
    hosts = workshop.hosts
    if not hosts:
        raise Unprocessable("Cannot reserve a slot for a workshop without hosts", reason="no_hosts")
    timeout = app_settings(request).lock_timeout_ms
    availability.ensure_on_grid(workshop, [start], duration, now)
    await availability.lock_for(session, workshop, [start], timeout)
    try:
        slot = await availability.free_slot(
            session,
            workshop,
            start,
            duration,
            now,
            Exclusions(reservation_uid=replacing.uid if replacing else None),
        )
    except DomainError as exc:  # Cal.com answers 422 for a slot that is taken or full
        raise Unprocessable(exc.message, reason=exc.reason, details=exc.details) from exc
    reservation = replacing or SlotReservation(uid=str(uuid.uuid4()))
    reservation.organization_id = et.organization_id
    reservation.event_type_id = et.id
    reservation.host_user_id = slot.host_ids[0] if slot.host_ids else hosts[0].id
    reservation.start_time = start
    reservation.end_time = start + timedelta(minutes=duration or et.length)
    reservation.expires_at = now + timedelta(minutes=minutes)
    reservation.reservation_minutes = minutes
    session.add(reservation)
    await session.flush()
    return reservation


async def _by_uid(session: AsyncSession, uid: str) -> SlotReservation | None:
    return (
        await session.execute(select(SlotReservation).where(SlotReservation.uid == uid))
    ).scalar_one_or_none()


@router.post("", status_code=status.HTTP_201_CREATED, response_model=Envelope[ReservationOut])
async def reserve(
    body: ReserveSlotInput, principal: OptionalAuthSubject, session: Session, request: Request
) -> JSONResponse:
    """Hold a slot (or one seat) for ``reservationDuration`` minutes (default 5, at most 15).

    Send an ``Idempotency-Key`` to make retries safe."""
    await policy.enforce(request, principal, *policy.reservation(body.event_type_id))

    async def work() -> tuple[int, dict[str, Any]]:
        held = _out(await hold(session, principal, body, request, None))
        return 201, ok(held).model_dump(mode="json", by_alias=True)

    who = f"user-{principal.user_id}" if principal else "anonymous"
    return await run_once(session, request, who, work, app_settings(request).lock_timeout_ms)


@router.get("/{uid}")
async def get_reservation(uid: str, session: Session) -> Envelope[ReservationOut | None]:
    found = await _by_uid(session, uid)
    live = found is not None and found.expires_at > clock.now()
    return ok(_out(found, with_duration=False) if found is not None and live else None)


@router.patch("/{uid}")
async def move_reservation(
    uid: str,
    body: ReserveSlotInput,
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
) -> Envelope[ReservationOut]:
    await policy.enforce(request, principal, *policy.reservation(body.event_type_id))
    found = await _by_uid(session, uid)
    if found is None or found.expires_at <= clock.now():
        raise NotFound(f"Slot with uid={uid} not found")
    return ok(_out(await hold(session, principal, body, request, found)))


@router.delete("/{uid}")
async def release_reservation(uid: str, session: Session) -> EmptyEnvelope:
    await session.execute(delete(SlotReservation).where(SlotReservation.uid == uid))
    return EmptyEnvelope()
