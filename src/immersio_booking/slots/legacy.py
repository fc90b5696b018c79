"""``GET /v2/slots/available``: Cal.com's legacy slots (2024-04-15 … 2024-08-13; no header).

A thin adapter: the legacy query is translated into today's ``GET /v2/slots`` query, read by
the same parser and service, and each slot reshaped: ``{slots: {date: [{time}]}}`` (or
``{startTime, endTime}`` with ``slotFormat=range``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from immersio_booking.auth.dependencies import OptionalAuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.api_versions import (
    V2024_04_15,
    V2024_06_11,
    V2024_06_14,
    V2024_08_13,
    refuse_unsupported,
    versioned,
)
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.responses import success
from immersio_booking.kit.unsupported import checks_own_query
from immersio_booking.ratelimits import policy
from immersio_booking.slots.endpoints import parse_request, read_slots

LEGACY = (V2024_04_15, V2024_06_11, V2024_06_14, V2024_08_13)
router = APIRouter(tags=["Slots"], route_class=versioned(*LEGACY), include_in_schema=False)

# Legacy query parameter → today's name (the parser then checks values as for /v2/slots).
RENAMED = {
    "startTime": "start",
    "endTime": "end",
    "eventTypeId": "eventTypeId",
    "eventTypeSlug": "eventTypeSlug",
    "duration": "duration",
    "rescheduleUid": "bookingUidToReschedule",
    "timeZone": "timeZone",
    "orgSlug": "organizationSlug",
    "slotFormat": "format",
}
USERNAMES = ("usernameList", "usernameList[]")


def today_query(request: Request) -> dict[str, str]:
    """The legacy query as today's; Cal.com parameters we do not apply are refused."""
    params = request.query_params
    refuse_unsupported(set(params) - set(RENAMED) - set(USERNAMES))
    query = {RENAMED[name]: value for name, value in params.items() if name in RENAMED}
    usernames = [u for name in USERNAMES for u in params.getlist(name)]
    if len(usernames) > 1:
        query["usernames"] = ",".join(usernames)  # refused by the parser: no group events
    elif usernames:
        query["username"] = usernames[0]
    return query


def legacy_slot(slot: dict[str, Any], with_end: bool) -> dict[str, Any]:
    legacy = {"startTime": slot["start"], "endTime": slot["end"]} if with_end else {}
    if not with_end:
        legacy["time"] = slot["start"]
    if "bookingUid" in slot:
        legacy["bookingUid"] = slot["bookingUid"]
    if "seatsBooked" in slot:
        legacy["attendees"] = slot["seatsBooked"]
    return legacy


@router.get("/v2/slots/available", response_model=dict[str, Any])
@checks_own_query
async def available_slots(
    request: Request, principal: OptionalAuthSubject, session: Session, settings: AppSettings
) -> Response:
    """Free times of a workshop: ``startTime``, ``endTime``, ``eventTypeId`` (or
    ``eventTypeSlug`` + ``usernameList``), ``timeZone``, ``duration``, ``slotFormat``,
    ``rescheduleUid``, ``orgSlug``."""
    await policy.enforce(request, principal, *policy.SLOT_READS)
    slots_request = parse_request(today_query(request), settings.slots_max_range_days)
    found = await read_slots(request, session, principal, slots_request, settings)
    with_end = slots_request.with_end
    slots = {day: [legacy_slot(s, with_end) for s in items] for day, items in found.items()}
    return success({"slots": slots})
