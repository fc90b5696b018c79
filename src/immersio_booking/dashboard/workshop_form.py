"""The workshop form: an event type's fields as form values, and the submitted values as the
body ``/v2/event-types`` takes, validated by the same schemas (event_types/schemas.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from babel.numbers import get_currency_precision
from pydantic import BaseModel, ValidationError
from starlette.datastructures import FormData

from immersio_booking.dashboard.form_errors import (
    FieldError,
    FormInvalid,
    by_prefix,
    from_validation,
)
from immersio_booking.event_types.fields import INTEGRATIONS
from immersio_booking.event_types.schemas import (
    EventTypeCreate,
    EventTypePatch,
    Host,
    TeamEventTypeCreate,
    TeamEventTypePatch,
)
from immersio_booking.models import EventType
from immersio_booking.models.metadata import REGISTRATION_MODES as REGISTRATION_MODES

Schema = TypeVar("Schema", bound=BaseModel)
# The "teacher" choice of a school admin that makes a team workshop of the school's teachers.
TEAM = "team"
WINDOW_KINDS = ("none", "calendarDays", "businessDays")
SCHEDULING = ("COLLECTIVE", "ROUND_ROBIN")
VIDEO_CHOICES = ("none", *INTEGRATIONS)
TEXT_FIELDS = (
    "title",
    "slug",
    "description",
    "length",
    "seats",
    "price",
    "currency",
    "before_buffer",
    "after_buffer",
    "notice",
    "window_kind",
    "window_days",
    "registration_mode",
    "refund_hours",
    "cancel_hours",
    "video",
    "address",
    "link",
    "phone",
    "scheduling",
)
FLAGS = ("show_seats_left", "whitelist", "zoom_auto_create", "hidden")
# Where the schemas' error locations point on the form.
FIELD_OF = by_prefix(
    {
        "title": "title",
        "slug": "slug",
        "description": "description",
        "lengthInMinutes": "length",
        "seats": "seats",
        "price": "price",
        "currency": "currency",
        "beforeEventBuffer": "before_buffer",
        "afterEventBuffer": "after_buffer",
        "minimumBookingNotice": "notice",
        "bookingWindow": "window_days",
        "metadata.registration_mode": "registration_mode",
        "metadata.whitelist_enabled": "whitelist",
        "metadata.refund_window_hours": "refund_hours",
        "metadata.cancellation_notice_hours": "cancel_hours",
        "metadata.zoom_auto_create": "zoom_auto_create",
        "locations": "video",
        "hidden": "hidden",
        "schedulingType": "scheduling",
        "hosts": "hosts",
    }
)
# Domain refusals of the service, by reason, next to the field they are about.
REASON_FIELDS = {
    "slug_taken": "slug",
    "host_not_in_team": "hosts",
    "duplicate_host": "hosts",
    "validation_failed": "length",
}


@dataclass
class WorkshopForm:
    """What the form shows: the values (as typed) and the hosts ticked."""

    values: dict[str, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    hosts: set[int] = field(default_factory=set)

    def value(self, name: str) -> str:
        return self.values.get(name, "")


def _digits(currency: str) -> int:
    try:
        return int(get_currency_precision(currency.upper()))
    except (KeyError, ValueError):
        return 2


def price_text(minor: int, currency: str) -> str:
    digits = _digits(currency)
    if minor == 0:
        return "0"
    return f"{Decimal(minor).scaleb(-digits):.{digits}f}"


def _locations_of(et: EventType) -> dict[str, str]:
    values = {"video": "none", "address": "", "link": "", "phone": ""}
    for location in et.locations or []:
        kind = location.get("type")
        if kind == "integration":
            values["video"] = str(location.get("integration", "none"))
        elif kind in ("address", "link", "phone"):
            values[kind] = str(location.get(kind, ""))
    return values


def of_event_type(et: EventType, host_ids: set[int]) -> WorkshopForm:
    meta = et.metadata_ or {}
    window_kind = "none"
    if et.period_type == "ROLLING" and et.period_days:
        window_kind = "calendarDays" if et.period_count_calendar_days else "businessDays"
    values = {
        "title": et.title,
        "slug": et.slug,
        "description": et.description or "",
        "length": str(et.length),
        "seats": str(et.seats_per_time_slot or ""),
        "price": price_text(et.price, et.currency),
        "currency": et.currency.upper(),
        "before_buffer": str(et.before_event_buffer),
        "after_buffer": str(et.after_event_buffer),
        "notice": str(et.minimum_booking_notice),
        "window_kind": window_kind,
        "window_days": str(et.period_days or "") if window_kind != "none" else "",
        "registration_mode": str(meta.get("registration_mode", "open")),
        "refund_hours": str(meta.get("refund_window_hours", 24)),
        "cancel_hours": str(meta.get("cancellation_notice_hours", 0)),
        "scheduling": et.scheduling_type or "",
        **_locations_of(et),
    }
    flags = {
        name
        for name, on in (
            ("show_seats_left", et.seats_show_availability_count),
            ("whitelist", bool(meta.get("whitelist_enabled"))),
            ("zoom_auto_create", bool(meta.get("zoom_auto_create"))),
            ("hidden", et.hidden),
        )
        if on
    }
    return WorkshopForm(values, flags, host_ids)


def blank() -> WorkshopForm:
    return WorkshopForm(
        {
            "length": "60",
            "price": "0",
            "currency": "EUR",
            "before_buffer": "0",
            "after_buffer": "0",
            "notice": "120",
            "window_kind": "calendarDays",
            "window_days": "60",
            "registration_mode": "open",
            "refund_hours": "24",
            "cancel_hours": "0",
            "video": "cal-video",
            "scheduling": "COLLECTIVE",
        },
        {"show_seats_left"},
    )


def submitted(form: FormData) -> WorkshopForm:
    values = {}
    for name in TEXT_FIELDS:
        raw = form.get(name)
        values[name] = raw.strip() if isinstance(raw, str) else ""
    flags = {name for name in FLAGS if form.get(name) == "1"}
    hosts = set()
    for raw in form.getlist("hosts"):
        if isinstance(raw, str) and raw.isdigit():
            hosts.add(int(raw))
    return WorkshopForm(values, flags, hosts)


def _minor_units(text: str, currency: str) -> int:
    """The price typed, in the currency's minor units; ``FormInvalid`` on the price field."""
    digits = _digits(currency) if len(currency) == 3 else 2
    try:
        amount = Decimal(text.replace(",", ".") or "0")
    except InvalidOperation as exc:
        raise FormInvalid({"price": FieldError("number", "not a number")}) from exc
    minor = amount.scaleb(digits)
    if not amount.is_finite() or minor != minor.to_integral_value():
        decimals = FieldError("decimals", f"at most {digits} decimals", {"limit": digits})
        raise FormInvalid({"price": decimals})
    return int(minor)


def _optional(text: str) -> str | None:
    return text or None


def hosts_of(chosen: set[int], current: Mapping[int, Host]) -> list[Host]:
    """The hosts ticked: whoever hosts already keeps their priority and "mandatory", a new host
    gets the API's defaults (the API replaces the whole list with what it is sent)."""
    return [current.get(user_id) or Host(user_id=user_id) for user_id in sorted(chosen)]


def body(
    form: WorkshopForm, metadata: dict[str, Any], hosts: Sequence[Host] | None = None
) -> dict[str, Any]:
    """The ``/v2/event-types`` body of the form (camelCase), with the scheduling type and
    ``hosts`` of a team workshop; raises ``FormInvalid`` for what only the form knows (the
    price's decimals)."""
    values = form.values
    price = _minor_units(values["price"], values["currency"])
    locations: list[dict[str, Any]] = []
    if values["video"] != "none":
        locations.append({"type": "integration", "integration": values["video"]})
    for kind in ("address", "link", "phone"):
        if values[kind]:
            locations.append({"type": kind, kind: values[kind], "public": True})
    seats: dict[str, Any] = {"disabled": True}
    if values["seats"]:
        seats = {
            "seatsPerTimeSlot": values["seats"],
            "showAttendeeInfo": False,
            "showAvailabilityCount": "show_seats_left" in form.flags,
        }
    window: dict[str, Any] = {"disabled": True}
    if values["window_kind"] in ("calendarDays", "businessDays"):
        window = {"type": values["window_kind"], "value": values["window_days"] or None}
    payload: dict[str, Any] = {
        "title": values["title"],
        "slug": values["slug"],
        "description": values["description"],
        "lengthInMinutes": values["length"] or None,
        "seats": seats,
        "price": price,
        "currency": values["currency"],
        "beforeEventBuffer": values["before_buffer"] or 0,
        "afterEventBuffer": values["after_buffer"] or 0,
        "minimumBookingNotice": values["notice"] or 0,
        "bookingWindow": window,
        "locations": locations or None,
        "hidden": "hidden" in form.flags,
        "metadata": {
            **metadata,
            "registration_mode": values["registration_mode"],
            "whitelist_enabled": "whitelist" in form.flags,
            "refund_window_hours": values["refund_hours"] or 0,
            "cancellation_notice_hours": values["cancel_hours"] or 0,
            "zoom_auto_create": "zoom_auto_create" in form.flags,
        },
    }
    if not locations:
        raise FormInvalid({"video": FieldError("location_required")})
    if hosts is not None:
        payload["schedulingType"] = values["scheduling"] or None
        payload["hosts"] = [host.model_dump(by_alias=True) for host in hosts]
    return payload


def create_body(form: WorkshopForm) -> EventTypeCreate:
    if form.hosts:
        raise FormInvalid({"hosts": FieldError("hosts_need_team")})
    return _validated(EventTypeCreate, body(form, {}))


def team_create_body(form: WorkshopForm, current: Mapping[int, Host]) -> TeamEventTypeCreate:
    """A new team workshop; ``current``: the hosts it copies (a duplicate), else none."""
    return _validated(TeamEventTypeCreate, body(form, {}, hosts_of(form.hosts, current)))


def patch_body(form: WorkshopForm, et: EventType, current: Mapping[int, Host]) -> EventTypePatch:
    """``current``: the hosts of a team workshop as stored (priority, mandatory), by user."""
    if et.team_id is None:
        return _validated(EventTypePatch, body(form, dict(et.metadata_ or {})))
    hosts = hosts_of(form.hosts, current)
    return _validated(TeamEventTypePatch, body(form, dict(et.metadata_ or {}), hosts))


def _validated(schema: type[Schema], payload: dict[str, Any]) -> Schema:
    try:
        return schema.model_validate(payload)
    except ValidationError as exc:
        raise FormInvalid(from_validation(exc, FIELD_OF)) from exc
