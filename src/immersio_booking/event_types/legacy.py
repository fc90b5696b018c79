"""``/v2/event-types`` in Cal.com's legacy shapes (2024-04-15, 2024-06-11; also no header).

Thin adapters over the same service as the 2024-06-14 handlers: legacy input → today's input,
today's output → legacy output (``EventTypeOutput`` of Cal.com's event-types_2024_04_15).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from pydantic import Field

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.event_types import repository, service
from immersio_booking.event_types.fields import INTEGRATIONS
from immersio_booking.event_types.schemas import EventTypeCreate, EventTypeOut, EventTypePatch
from immersio_booking.kit.api_versions import (
    V2024_04_15,
    V2024_06_11,
    adapted,
    refuse_unsupported,
    versioned,
)
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.schemas import ResourceId, StrictApiModel
from immersio_booking.models import EventType, User

router = APIRouter(
    tags=["Event types"],
    route_class=versioned(V2024_04_15, V2024_06_11),
    include_in_schema=False,  # the document describes the current version of each path
)

# Today's location types ↔ Cal.com's internal ones, which the legacy shape shows.
_ATTENDEE_TYPES = {
    "attendeeAddress": "attendeeInPerson",
    "attendeePhone": "phone",
    "attendeeDefined": "somewhereElse",
}
_INTEGRATION_TYPES = {
    name: {"cal-video": "integrations:daily", "google-meet": "integrations:google:meet"}.get(
        name, "integrations:" + name.replace("-", "_")
    )
    for name in INTEGRATIONS
}
_FREQUENCIES = {"monthly": 1, "weekly": 2}  # RRule's numbers, as Cal.com stores them


class LegacyLocation(StrictApiModel):
    type: str = Field(max_length=64)
    address: str | None = Field(default=None, max_length=500)
    link: str | None = Field(default=None, max_length=2000)
    display_location_publicly: bool | None = None
    host_phone_number: str | None = Field(default=None, max_length=32)


class LegacyEventTypeFields(StrictApiModel):
    length: int | None = Field(default=None, ge=1, le=1440)
    description: str | None = Field(default=None, max_length=10000)
    hidden: bool | None = None
    locations: list[LegacyLocation] | None = Field(default=None, min_length=1, max_length=20)
    disable_guests: bool | None = None
    slot_interval: int | None = Field(default=None, ge=0, le=1440)
    minimum_booking_notice: int | None = Field(default=None, ge=0)
    before_event_buffer: int | None = Field(default=None, ge=0)
    after_event_buffer: int | None = Field(default=None, ge=0)


class LegacyEventTypeCreate(LegacyEventTypeFields):
    length: int = Field(ge=1, le=1440)  # required here
    slug: str = Field(max_length=255)
    title: str = Field(max_length=255)


class LegacyEventTypePatch(LegacyEventTypeFields):
    slug: str | None = Field(default=None, max_length=255)
    title: str | None = Field(default=None, max_length=255)


def _location_in(loc: LegacyLocation) -> dict[str, Any]:
    public = bool(loc.display_location_publicly)
    if loc.type == "inPerson":
        return {"type": "address", "address": loc.address, "public": public}
    if loc.type == "link":
        return {"type": "link", "link": loc.link, "public": public}
    if loc.type == "userPhone":
        return {"type": "phone", "phone": loc.host_phone_number, "public": public}
    for ours, theirs in (*_ATTENDEE_TYPES.items(), *_INTEGRATION_TYPES.items()):
        if loc.type == theirs:
            return (
                {"type": ours}
                if ours in _ATTENDEE_TYPES
                else {"type": "integration", "integration": ours}
            )
    raise BadRequest(f"locations: type {loc.type!r} is not offered", reason="unsupported_field")


def _location_out(loc: dict[str, Any]) -> dict[str, Any]:
    kind = loc.get("type")
    public = {"displayLocationPublicly": bool(loc.get("public"))}
    if kind == "address":
        return {"type": "inPerson", "address": loc.get("address"), **public}
    if kind == "link":
        return {"type": "link", "link": loc.get("link"), **public}
    if kind == "phone":
        return {"type": "userPhone", "hostPhoneNumber": loc.get("phone"), **public}
    if kind == "integration":
        return {"type": _INTEGRATION_TYPES.get(str(loc.get("integration")), "integrations:unknown")}
    return {"type": _ATTENDEE_TYPES.get(str(kind), str(kind))}


def _today(body: LegacyEventTypeFields) -> dict[str, Any]:
    """The legacy body as today's input (camelCase keys, only what was sent)."""
    sent = body.model_dump(exclude_unset=True, exclude={"locations", "length"})
    if "length" in body.model_fields_set:
        sent["length_in_minutes"] = body.length
    if body.locations is not None:
        sent["locations"] = [_location_in(loc) for loc in body.locations]
    if sent.get("slot_interval") == 0:
        sent["slot_interval"] = None
    return sent


def _period(window: dict[str, Any]) -> dict[str, Any]:
    kind = window.get("type")
    period: dict[str, Any] = {
        "periodType": "UNLIMITED",
        "periodStartDate": None,
        "periodEndDate": None,
        "periodDays": None,
        "periodCountCalendarDays": None,
    }
    if kind == "range":
        start, end = window["value"]
        period.update(periodType="RANGE", periodStartDate=start, periodEndDate=end)
    elif kind in ("businessDays", "calendarDays"):
        period.update(
            periodType="ROLLING_WINDOW" if window.get("rolling") else "ROLLING",
            periodDays=window.get("value"),
            periodCountCalendarDays=kind == "calendarDays",
        )
    return period


def legacy_event_type(out: EventTypeOut) -> dict[str, Any]:
    """Cal.com's 2024-04-15 ``EventTypeOutput`` of a workshop."""
    today = out.model_dump(mode="json", by_alias=True)
    recurrence = today.get("recurrence")
    seats = today.get("seats") or {}
    return {
        "id": out.id,
        "length": out.length_in_minutes,
        "slug": out.slug,
        "title": out.title,
        "description": out.description or None,
        "hidden": out.hidden,
        "locations": [_location_out(loc) for loc in out.locations],
        "position": 0,
        "offsetStart": today.get("offsetStart", 0),
        "userId": out.owner_id,
        "profileId": None,
        "teamId": out.team_id,
        "eventName": out.custom_name,
        "parentId": None,
        "bookingFields": out.booking_fields,
        "timeZone": None,
        **_period(out.booking_window),
        "lockTimeZoneToggleOnBookingPage": out.lock_time_zone_toggle_on_booking_page,
        "requiresConfirmation": out.requires_confirmation,
        "requiresBookerEmailVerification": out.requires_booker_email_verification,
        "recurringEvent": {
            "freq": _FREQUENCIES[recurrence["frequency"]],
            "count": recurrence["occurrences"],
            "interval": recurrence["interval"],
        }
        if recurrence and not recurrence.get("disabled")
        else None,
        "disableGuests": out.disable_guests,
        "hideCalendarNotes": out.hide_calendar_notes,
        "minimumBookingNotice": out.minimum_booking_notice,
        "beforeEventBuffer": out.before_event_buffer,
        "afterEventBuffer": out.after_event_buffer,
        "seatsPerTimeSlot": out.seats_per_time_slot,
        "onlyShowFirstAvailableSlot": today.get("onlyShowFirstAvailableSlot", False),
        "seatsShowAttendees": bool(seats.get("showAttendeeInfo", False)),
        "seatsShowAvailabilityCount": out.seats_show_availability_count,
        "schedulingType": _scheduling(out.scheduling_type),
        "scheduleId": out.schedule_id,
        "price": out.price,
        "currency": out.currency,
        "slotInterval": out.slot_interval,
        "metadata": out.metadata,
        "successRedirectUrl": out.success_redirect_url,
        "bookingLimits": {},
        "durationLimits": {},
        "isInstantEvent": out.is_instant_event,
        "assignAllTeamMembers": False,
        "useEventTypeDestinationCalendarEmail": False,
        "secondaryEmailId": None,
    }


def _scheduling(value: str | None) -> str | None:
    if value is None:
        return None
    return {"collective": "COLLECTIVE", "roundRobin": "ROUND_ROBIN"}.get(value, value.upper())


async def _legacy(session: Session, request: Request, ets: list[EventType]) -> list[dict[str, Any]]:
    outs = await service.to_out(session, ets, str(app_settings(request).public_base_url))
    return [legacy_event_type(out) for out in outs]


@router.post("/v2/event-types", status_code=status.HTTP_201_CREATED)
async def create_event_type(
    body: LegacyEventTypeCreate, principal: AuthSubject, session: Session, request: Request
) -> dict[str, Any]:
    et = await service.create_personal(session, principal, adapted(EventTypeCreate, _today(body)))
    return {"status": "success", "data": (await _legacy(session, request, [et]))[0]}


@router.get("/v2/event-types")
async def list_event_types(
    principal: AuthSubject, session: Session, request: Request
) -> dict[str, Any]:
    """The caller's workshops, grouped as Cal.com's ``getEventTypesByViewer`` groups them."""
    refuse_unsupported(request.query_params)  # today's filters (username, …) are 2024-06-14's
    org_id = principal.organization_id
    ets = (
        await repository.of_user(session, org_id, principal.user_id, True, False)
        if org_id is not None
        else []
    )
    user = await session.get(User, principal.user_id)
    profile = {
        "slug": user.username if user else None,
        "name": user.name if user else None,
        "image": None,
    }
    group = {
        "teamId": None,
        "parentId": None,
        "bookerUrl": str(app_settings(request).public_base_url),
        "membershipRole": None,
        "profile": profile,
        "metadata": {"membershipCount": 1, "readOnly": False},
        "eventTypes": await _legacy(session, request, ets),
    }
    profiles = [
        {"teamId": None, "membershipRole": None, "membershipCount": 1, "readOnly": False, **profile}
    ]
    return {"status": "success", "data": {"eventTypeGroups": [group], "profiles": profiles}}


@router.get("/v2/event-types/{eventTypeId}")
async def get_event_type(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> dict[str, Any]:
    et = await service.readable(session, principal, eventTypeId)
    return {"status": "success", "data": {"eventType": (await _legacy(session, request, [et]))[0]}}


@router.patch("/v2/event-types/{eventTypeId}")
async def patch_event_type(
    eventTypeId: ResourceId,  # noqa: N803
    body: LegacyEventTypePatch,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> dict[str, Any]:
    et = await service.readable(session, principal, eventTypeId)
    et = await service.patch(session, principal, et, adapted(EventTypePatch, _today(body)))
    return {"status": "success", "data": (await _legacy(session, request, [et]))[0]}


@router.delete("/v2/event-types/{eventTypeId}")
async def delete_event_type(
    eventTypeId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> dict[str, Any]:
    et = await service.readable(session, principal, eventTypeId)
    deleted = await service.delete(session, principal, et)
    data = {"id": deleted.id, "length": deleted.length_in_minutes, "slug": deleted.slug}
    return {"status": "success", "data": {**data, "title": deleted.title}}
