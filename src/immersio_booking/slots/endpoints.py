"""``GET /v2/slots`` (Cal.com 2024-09-04)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from fastapi import APIRouter, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.dependencies import OptionalAuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.config import Settings
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.api_versions import V2024_09_04, versioned
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.replica import public_read
from immersio_booking.kit.responses import success
from immersio_booking.kit.schemas import Envelope
from immersio_booking.kit.unsupported import checks_own_query, refuse_unsupported
from immersio_booking.kit.validation import validate_time_zone
from immersio_booking.ratelimits import policy
from immersio_booking.slots import service
from immersio_booking.slots.window import parse_window

router = APIRouter(tags=["Slots"], route_class=versioned(V2024_09_04))

ALLOWED = frozenset(
    {
        "start",
        "end",
        "timeZone",
        "duration",
        "format",
        "slotFormat",
        "bookingUidToReschedule",
        "eventTypeId",
        "eventTypeSlug",
        "username",
        "teamSlug",
        "organizationSlug",
        "usernames",
        "includeFull",  # ours: full sessions of a seated workshop, with waitlist counts
    }
)


def _int(params: dict[str, str], name: str, low: int, high: int) -> int | None:
    raw = params.get(name)
    if raw is None:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise BadRequest(
            f"{name} must be an integer from {low} to {high}", reason="validation_failed"
        )
    return int(raw)


def _flag(params: dict[str, str], name: str) -> bool:
    raw = params.get(name)
    if raw is None or raw == "false":
        return False
    if raw == "true":
        return True
    raise BadRequest(
        f"{name} must be true or false", reason="validation_failed", details={"fields": [name]}
    )


def parse_request(params: dict[str, str], max_days: int) -> service.SlotsRequest:
    refuse_unsupported(params, ALLOWED)
    for required in ("start", "end"):
        if not params.get(required):
            raise BadRequest(f"{required} is required", reason="validation_failed")
    window_start, window_end = parse_window(params["start"], params["end"], max_days)
    zone = params.get("timeZone")
    if zone is not None:
        try:
            zone = validate_time_zone(zone)
        except ValueError as exc:
            raise BadRequest(f"timeZone: {exc}", reason="invalid_time_zone") from exc
    fmt = (params.get("format") or params.get("slotFormat") or "time").lower()
    if fmt not in ("time", "range"):
        raise BadRequest("format must be 'time' or 'range'", reason="validation_failed")
    event_type_id = _int(params, "eventTypeId", 1, 2**63 - 1)
    slug = params.get("eventTypeSlug")
    if event_type_id is None:
        if "usernames" in params:
            raise BadRequest(
                "Dynamic group events (usernames) are not offered; ask for one workshop",
                reason="unsupported_variant",
            )
        if not slug or not (params.get("username") or params.get("teamSlug")):
            raise BadRequest(
                "Give eventTypeId, or eventTypeSlug with username or teamSlug",
                reason="validation_failed",
            )
    return service.SlotsRequest(
        event_type_id=event_type_id,
        event_type_slug=slug,
        username=params.get("username"),
        team_slug=params.get("teamSlug"),
        organization_slug=params.get("organizationSlug"),
        window_start=window_start,
        window_end=window_end,
        time_zone=zone,
        duration=_int(params, "duration", 1, 1440),
        with_end=fmt == "range",
        reschedule_uid=params.get("bookingUidToReschedule"),
        include_full=_flag(params, "includeFull"),
    )


# The route reads its query itself; the one parameter of ours is declared for the document.
INCLUDE_FULL_PARAMETER = {
    "name": "includeFull",
    "in": "query",
    "required": False,
    "schema": {"type": "string", "enum": ["true", "false"], "default": "false"},
    "description": "Ours, not Cal.com's. true: a seated workshop's full sessions are listed"
    " too (seatsRemaining 0, full true), and every slot says full and waitlistCount (students"
    " waiting or offered a seat; counts only). A workshop without seats: 400"
    " include_full_not_seated. docs/waitlist.md.",
}


@router.get(
    "/v2/slots",
    response_model=Envelope[dict[str, list[dict[str, Any]]]],
    openapi_extra={"parameters": [INCLUDE_FULL_PARAMETER]},
)
@checks_own_query
async def get_slots(
    request: Request, principal: OptionalAuthSubject, session: Session, settings: AppSettings
) -> Response:
    """Free start times of a workshop, grouped by local date in ``timeZone`` (default UTC).

    Public for every workshop that is not hidden; hidden ones need a key of their organization.
    Query: ``eventTypeId``, or ``eventTypeSlug`` + ``username``/``teamSlug``
    (+ ``organizationSlug``),
    ``start``, ``end`` (dates or instants; at most ``slots_max_range_days``, 93 by default),
    ``timeZone``, ``duration``, ``format`` (time|range), ``bookingUidToReschedule``. Without a
    key of the workshop's school at most ``public_slots_max_count`` slots come back (else 400
    ``too_many_slots``) and sessions carry no ``bookingUid``. Rules: docs/slots.md.

    ``includeFull=true`` (ours, seated workshops only, else 400 ``include_full_not_seated``):
    full sessions are listed too (``seatsRemaining: 0``, ``full: true``), and every slot says
    ``full`` and ``waitlistCount``, the number of students in its waitlist (waiting or
    offered a seat). Counts only, never who. docs/waitlist.md.
    """
    await policy.enforce(request, principal, *policy.SLOT_READS)
    slots_request = parse_request(dict(request.query_params), settings.slots_max_range_days)
    # Plain str/int data in the wire shape: serialized once, the Envelope stays the schema.
    return success(await read_slots(request, session, principal, slots_request, settings))


async def read_slots(
    request: Request,
    session: AsyncSession,
    principal: Principal | None,
    slots_request: service.SlotsRequest,
    settings: Settings,
) -> dict[str, list[dict[str, Any]]]:
    """The slots of ``slots_request``. An anonymous read that moves no booking is public: the
    read replica answers it when there is one (kit/replica.py). A keyed caller, or one moving
    a booking, may just have written what it reads: the primary answers."""
    now = clock.now()

    def read(on: AsyncSession) -> Awaitable[dict[str, list[dict[str, Any]]]]:
        return service.available_slots(
            on, principal, slots_request, now, settings.public_slots_max_count
        )

    if principal is None and slots_request.reschedule_uid is None:
        return await public_read(request, session, read)
    return await read(session)
