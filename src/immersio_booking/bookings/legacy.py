"""``/v2/bookings`` in Cal.com's legacy shapes (2024-04-15, 2024-06-11, 2024-06-14; no header).

Thin adapters: a legacy body becomes today's ``BookingCreate``/``CancelInput`` and goes through
the very same endpoint code (rate limits, e-mail verification, seats, whitelist, payment hold,
Idempotency-Key); today's ``BookingOutput`` is then reshaped as Cal.com's legacy booking.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import JSONResponse
from pydantic import AwareDatetime, EmailStr, Field, model_validator

from immersio_booking.auth.dependencies import AuthSubject, OptionalAuthSubject
from immersio_booking.bookings import endpoints, listing, output
from immersio_booking.bookings.schemas import BookingCreate, CancelInput, Language
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.api_versions import (
    V2024_04_15,
    V2024_06_11,
    V2024_06_14,
    adapted,
    refuse_unsupported,
    versioned,
)
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.pagination import Page
from immersio_booking.kit.schemas import ApiModel, StrictApiModel
from immersio_booking.kit.unsupported import checks_own_query
from immersio_booking.kit.validation import TimeZoneName

router = APIRouter(
    prefix="/v2/bookings",
    tags=["Bookings"],
    route_class=versioned(V2024_04_15, V2024_06_11, V2024_06_14),
    include_in_schema=False,  # the document describes the current version of each path
)

# responses.location.value (Cal.com's internal location types) → today's attendee locations.
_ATTENDEE_LOCATIONS = {
    "attendeeInPerson": ("attendeeAddress", "address"),
    "phone": ("attendeePhone", "phone"),
    "somewhereElse": ("attendeeDefined", "location"),
}


class BookerName(StrictApiModel):
    first_name: str = Field(min_length=1, max_length=255)
    last_name: str = Field(default="", max_length=255)


class ResponseLocation(StrictApiModel):
    option_value: str = Field(default="", max_length=500)
    value: str = Field(min_length=1, max_length=500)


class LegacyResponses(ApiModel):
    """The booking form's answers; keys beyond Cal.com's own are the workshop's custom fields."""

    model_config = {"extra": "allow"}

    name: str | BookerName
    email: EmailStr
    guests: list[EmailStr] | None = Field(default=None, max_length=20)
    location: ResponseLocation | None = None
    notes: str | None = Field(default=None, max_length=5000)


# Cal.com's legacy booking fields that we do not apply (refused, not ignored).
REFUSED_FIELDS = (
    "rescheduleUid",
    "rescheduledBy",
    "user",
    "bookingUid",
    "hasHashedBookingLink",
    "hashedLink",
    "seatReferenceUid",
    "locationUrl",
    "eventTypeSlug",
    "routedTeamMemberIds",
    "routingFormResponseId",
    "skipContactOwner",
    "reroutingFormResponses",
    "teamMemberEmail",
    "crmAppSlug",
    "crmOwnerRecordType",
    "_shouldServeCache",
    "_isDryRun",
)


class LegacyBookingCreate(StrictApiModel):
    start: AwareDatetime
    end: AwareDatetime | None = None
    event_type_id: int = Field(ge=1, le=2**63 - 1)
    time_zone: TimeZoneName
    language: Language
    metadata: dict[str, Any] = Field(default_factory=dict)
    responses: LegacyResponses
    org_slug: str | None = Field(default=None, max_length=255)
    refused: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _set_aside_refused(cls, data: Any) -> Any:
        """Cal.com's fields we do not apply are kept apart, for a 400 naming them."""
        if isinstance(data, dict):
            data = dict(data)
            data["refused"] = {name: data.pop(name) for name in REFUSED_FIELDS if name in data}
        return data


class LegacyCancel(StrictApiModel):
    id: int | None = None
    uid: str | None = Field(default=None, max_length=64)
    all_remaining_bookings: bool = False
    cancellation_reason: str | None = Field(default=None, max_length=1000)
    seat_reference_uid: str | None = Field(default=None, max_length=64)


def _today(body: LegacyBookingCreate) -> dict[str, Any]:
    answers = body.responses
    name = answers.name
    if isinstance(name, BookerName):
        name = f"{name.first_name} {name.last_name}".strip()
    today: dict[str, Any] = {
        "start": body.start,
        "event_type_id": body.event_type_id,
        "attendee": {
            "name": name,
            "email": answers.email,
            "time_zone": body.time_zone,
            "language": body.language,
        },
        "metadata": body.metadata or None,
        "organization_slug": body.org_slug,
    }
    if body.end is not None:
        today["length_in_minutes"] = int((body.end - body.start).total_seconds() // 60)
    if answers.guests:
        today["guests"] = answers.guests
    if answers.location is not None:
        kind = _ATTENDEE_LOCATIONS.get(answers.location.value)
        today["location"] = (
            {"type": kind[0], kind[1]: answers.location.option_value}
            if kind
            else answers.location.value
        )
    custom = dict(answers.model_extra or {})
    if answers.notes is not None:
        custom["notes"] = answers.notes
    if custom:
        today["booking_fields_responses"] = custom
    return today


def _stamp(value: str | None) -> str | None:
    if value is None:
        return None
    return datetime.fromisoformat(value).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def legacy_booking(today: dict[str, Any]) -> dict[str, Any]:
    """Cal.com's legacy booking (``getBookingInfo``/``getAllUserBookings`` entries)."""
    host = (today.get("hosts") or [None])[0]
    payment = today.get("payment")
    answers = dict(today.get("bookingFieldsResponses") or {})
    first = (today.get("attendees") or [{}])[0]
    answers.setdefault("name", first.get("name"))
    answers.setdefault("email", first.get("email"))
    if today.get("guests"):
        answers.setdefault("guests", today["guests"])
    legacy = {
        "id": today["id"],
        "uid": today["uid"],
        "title": today["title"],
        "description": today.get("description"),
        "customInputs": {},
        "startTime": _stamp(today["start"]),
        "endTime": _stamp(today["end"]),
        "status": str(today["status"]).upper(),
        "userId": host["id"] if host else None,
        "user": {"id": host["id"], "name": host["name"], "email": host["email"]} if host else None,
        "userPrimaryEmail": host["email"] if host else None,
        "eventTypeId": today.get("eventTypeId"),
        "eventType": today.get("eventType"),
        "attendees": [
            {
                "email": a["email"],
                "name": a["name"],
                "timeZone": a["timeZone"],
                "locale": a.get("language"),
                "bookingId": today["id"],
                "noShow": a.get("absent", False),
            }
            for a in today.get("attendees") or []
        ],
        "location": today.get("location"),
        "metadata": today.get("metadata") or {},
        "responses": answers,
        "recurringEventId": today.get("recurringBookingUid"),
        "fromReschedule": today.get("rescheduledFromUid"),
        "rescheduled": today.get("rescheduledToUid") is not None,
        "cancellationReason": today.get("cancellationReason"),
        "rejectionReason": today.get("rejectionReason"),
        "paid": today.get("paid", False),
        "payment": [payment] if payment else [],
        "references": [],
        "seatsReferences": [],
        "isRecorded": False,
        "noShowHost": today.get("absentHost", False),
        "createdAt": today.get("createdAt"),
        "updatedAt": today.get("updatedAt"),
    }
    if today.get("manageUrl"):
        legacy["manageUrl"] = today["manageUrl"]
    return legacy


def _reshaped(response: JSONResponse, data: Any) -> JSONResponse:
    return JSONResponse({"status": "success", "data": data}, status_code=response.status_code)


def _items(response: JSONResponse) -> list[dict[str, Any]] | dict[str, Any] | None:
    body = json.loads(bytes(response.body))
    return body.get("data") if body.get("status") == "success" else None


@router.post("", status_code=201)
async def create_booking(
    body: LegacyBookingCreate, principal: OptionalAuthSubject, session: Session, request: Request
) -> JSONResponse:
    """Cal.com's legacy booking body (``start``, ``end``, ``responses``, ``timeZone``…)."""
    refuse_unsupported(body.refused)
    today = adapted(BookingCreate, _today(body))
    response = await endpoints.create_booking(today, principal, session, request)
    data = _items(response)
    if data is None:
        return response
    shaped = [legacy_booking(d) for d in data] if isinstance(data, list) else legacy_booking(data)
    return _reshaped(response, shaped)


def _recurring_info(bookings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per series in the page: its uid, how many of its bookings the page holds, the first."""
    series: dict[str, list[dict[str, Any]]] = {}
    for booking in bookings:
        if booking["recurringEventId"]:
            series.setdefault(booking["recurringEventId"], []).append(booking)
    return [
        {
            "recurringEventId": uid,
            "count": len(items),
            "firstDate": min(b["startTime"] for b in items),
        }
        for uid, items in series.items()
    ]


@router.get("")
@checks_own_query
async def list_bookings(
    principal: AuthSubject,
    session: Session,
    request: Request,
    status: Annotated[
        Literal["upcoming", "recurring", "past", "cancelled", "unconfirmed"],
        Query(alias="filters[status]"),
    ] = "upcoming",
    attendee_email: Annotated[str | None, Query(alias="attendeeEmail", max_length=320)] = None,
    limit: Annotated[int | None, Query(ge=1, le=100)] = None,
    take: Annotated[int | None, Query(ge=1, le=100)] = None,
    cursor: Annotated[int | None, Query(ge=0)] = None,
) -> dict[str, Any]:
    """``{bookings, recurringInfo, nextCursor}``: ``cursor`` is the number of bookings to skip.
    ``take`` (2024-08-13's name of the page size, sent by clients that omit the header) is read
    as ``limit``; both at once is refused."""
    refuse_unsupported(set(request.query_params) - LIST_PARAMETERS)
    if limit is not None and take is not None:
        raise BadRequest("Give limit or take, not both", reason="validation_failed")
    limit = limit or take or 10
    skip = cursor or 0
    query = listing.ListQuery(
        statuses=(status,),
        attendee_email=attendee_email,
        event_type_ids=_ids(request, "filters[eventTypeIds]"),
    )
    rows, total = await listing.list_for(session, principal, query, Page(limit, skip), clock.now())
    items = await output.as_json(session, app_settings(request), rows)
    bookings = [legacy_booking(item) for item in items]
    return {
        "status": "success",
        "data": {
            "bookings": bookings,
            "recurringInfo": _recurring_info(bookings),
            "nextCursor": skip + limit if total > skip + limit else None,
        },
    }


LIST_PARAMETERS = frozenset(
    {
        "filters[status]",
        "filters[eventTypeIds]",
        "filters[eventTypeIds][]",
        "attendeeEmail",
        "limit",
        "take",
        "cursor",
    }
)


def _ids(request: Request, name: str) -> tuple[int, ...]:
    """An id list as NestJS reads it: ``name=1,2``, ``name=1&name=2`` or ``name[]=1``."""
    raw = [*request.query_params.getlist(name), *request.query_params.getlist(name + "[]")]
    parts = [part.strip() for value in raw for part in value.split(",") if part.strip()]
    if not all(part.isdigit() and 0 < int(part) < 2**63 for part in parts):
        raise BadRequest(f"{name} must be a list of ids", reason="validation_failed")
    return tuple(sorted({int(part) for part in parts}))


@router.get("/{bookingUid}")
async def get_booking(
    bookingUid: str,  # noqa: N803
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: endpoints.ManageToken,
) -> JSONResponse:
    """One booking (a key of its school or its manage token, as today)."""
    response = await endpoints.get_booking(bookingUid, principal, session, request, token)
    data = _items(response)
    if isinstance(data, list):  # a series uid: Cal.com's legacy reply is one booking
        data = data[0] if data else None
    return _reshaped(response, legacy_booking(data) if data else None)


@router.post("/{bookingUid}/cancel")
async def cancel_booking(
    bookingUid: str,  # noqa: N803
    body: LegacyCancel,
    principal: OptionalAuthSubject,
    session: Session,
    request: Request,
    token: endpoints.ManageToken,
) -> JSONResponse:
    """Cal.com's legacy cancel body; the reply says which booking was cancelled."""
    today = CancelInput(
        cancellation_reason=body.cancellation_reason,
        cancel_subsequent_bookings=body.all_remaining_bookings,
        seat_uid=body.seat_reference_uid,
    )
    response = await endpoints.cancel_booking(bookingUid, today, principal, session, request, token)
    data = _items(response)
    if data is None:
        return response
    first = data[0] if isinstance(data, list) else data
    return _reshaped(
        response,
        {
            "bookingId": first["id"],
            "bookingUid": first["uid"],
            "onlyRemovedAttendee": body.seat_reference_uid is not None,
        },
    )
