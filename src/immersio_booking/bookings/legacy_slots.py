"""``POST /v2/slots/reserve`` and ``DELETE /v2/slots/selected-slot``: Cal.com's legacy holds.

Over the same reservations as ``/v2/slots/reservations`` (bookings/reservations.py): the
legacy body names the slot by its UTC start and end; the reply is the hold's uid, also set as
the ``uid`` cookie, which the legacy delete reads when no ``uid`` is given.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import AwareDatetime, Field

from immersio_booking.auth.dependencies import CheckCredentials, OptionalAuthSubject
from immersio_booking.bookings.reservations import ReserveSlotInput, hold, release_reservation
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.api_versions import adapted, versioned
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.schemas import StrictApiModel
from immersio_booking.ratelimits import policy
from immersio_booking.slots.legacy import LEGACY

router = APIRouter(
    prefix="/v2/slots",
    tags=["Slots"],
    dependencies=[CheckCredentials],
    route_class=versioned(*LEGACY),  # the versions of the legacy slots controller
    include_in_schema=False,
)
COOKIE = "uid"


class LegacyReserveInput(StrictApiModel):
    event_type_id: int = Field(ge=1, le=2**63 - 1)
    slot_utc_start_date: AwareDatetime
    slot_utc_end_date: AwareDatetime
    booking_uid: str | None = Field(default=None, max_length=64)


@router.post("/reserve", status_code=status.HTTP_201_CREATED)
async def reserve(
    body: LegacyReserveInput,
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    response: Response,
) -> dict[str, Any]:
    """Hold the slot for the default time; ``data`` is the hold's uid."""
    if body.booking_uid is not None:
        raise BadRequest(
            "bookingUid (a seat of an existing booking) is not supported by this version",
            reason="unsupported_field",
            details={"fields": ["bookingUid"]},
        )
    await policy.enforce(request, principal, *policy.reservation(body.event_type_id))
    minutes = int((body.slot_utc_end_date - body.slot_utc_start_date).total_seconds() // 60)
    today = adapted(
        ReserveSlotInput,
        {
            "event_type_id": body.event_type_id,
            "slot_start": body.slot_utc_start_date,
            "slot_duration": minutes,
        },
    )
    held = await hold(session, principal, today, request, None)
    response.set_cookie(COOKIE, held.uid, httponly=True, samesite="lax")
    return {"status": "success", "data": held.uid}


@router.delete("/selected-slot")
async def release(session: Session, request: Request, uid: str | None = None) -> dict[str, Any]:
    """Release a hold: ``uid`` (or the ``uid`` cookie set by ``/reserve``)."""
    held = request.cookies.get(COOKIE) or uid
    if held:
        await release_reservation(held, session)
    return {"status": "success"}
