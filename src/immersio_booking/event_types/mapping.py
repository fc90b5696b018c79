"""Cal.com's input objects onto the ERD columns of EventType, and back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from immersio_booking.event_types import fields
from immersio_booking.event_types.schemas import (
    STORED_FIELDS,
    ConfirmationPolicy,
    DaysWindow,
    Disabled,
    EventTypeCreate,
    EventTypeOut,
    EventTypePatch,
    RangeWindow,
    Recurrence,
    Seats,
)
from immersio_booking.kit.errors import BadRequest
from immersio_booking.models import ConfirmationPolicyOption, EventType


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def apply_booking_window(et: EventType, window: DaysWindow | RangeWindow | Disabled) -> None:
    et.period_days = None
    et.period_count_calendar_days = None
    et.period_start_date = None
    et.period_end_date = None
    options = et.options
    options.booking_window_rolling = None
    if isinstance(window, DaysWindow):
        et.period_type = "ROLLING"
        et.period_days = window.value
        et.period_count_calendar_days = 1 if window.type == "calendarDays" else 0
        options.booking_window_rolling = window.rolling
    elif isinstance(window, RangeWindow):
        et.period_type = "RANGE"
        et.period_start_date = _midnight(window.value[0])
        et.period_end_date = _midnight(window.value[1])
    else:
        et.period_type = "UNLIMITED"
    et.options = options


def booking_window_out(et: EventType) -> dict[str, Any]:
    if et.period_type == "ROLLING" and et.period_days:
        kind = "calendarDays" if et.period_count_calendar_days else "businessDays"
        rolling = bool(et.options.booking_window_rolling)
        return {"type": kind, "value": et.period_days, "rolling": rolling}
    if et.period_type == "RANGE" and et.period_start_date and et.period_end_date:
        return {
            "type": "range",
            "value": [
                et.period_start_date.astimezone(UTC).date().isoformat(),
                et.period_end_date.astimezone(UTC).date().isoformat(),
            ],
        }
    return {"disabled": True}


def apply(et: EventType, body: EventTypeCreate | EventTypePatch, *, creating: bool) -> None:
    """Copy the given fields of ``body`` onto ``et`` (PATCH semantics: absent = unchanged)."""
    given = body.model_fields_set
    simple = {
        "length_in_minutes": "length",
        "title": "title",
        "slug": "slug",
        "description": "description",
        "disable_guests": "disable_guests",
        "slot_interval": "slot_interval",
        "minimum_booking_notice": "minimum_booking_notice",
        "before_event_buffer": "before_event_buffer",
        "after_event_buffer": "after_event_buffer",
        "schedule_id": "schedule_id",
        "hidden": "hidden",
        "price": "price",
        "currency": "currency",
        "length_in_minutes_options": "length_options",
    }
    for source, column in simple.items():
        if source in given:
            value = getattr(body, source)
            if value is None and column in (
                "length",
                "title",
                "slug",
                "price",
                "currency",
                "hidden",
                "disable_guests",
                "minimum_booking_notice",
                "before_event_buffer",
                "after_event_buffer",
            ):
                continue
            setattr(et, column, value)
    if "locations" in given and body.locations is not None:
        et.locations = [loc.model_dump(by_alias=True, exclude_none=True) for loc in body.locations]
    elif creating:
        et.locations = list(fields.DEFAULT_LOCATIONS)
    if "booking_fields" in given and body.booking_fields is not None:
        try:
            et.booking_fields = fields.stored_fields(body.booking_fields)
        except ValueError as exc:
            raise BadRequest(str(exc), reason="invalid_booking_fields") from exc
    elif creating:
        et.booking_fields = fields.default_fields()
    if body.booking_window is not None:
        apply_booking_window(et, body.booking_window)
    if body.confirmation_policy is not None:
        policy = body.confirmation_policy
        et.requires_confirmation = isinstance(policy, ConfirmationPolicy)
        options = et.options
        options.confirmation_policy = (
            ConfirmationPolicyOption.model_validate(
                policy.model_dump(by_alias=True, exclude_none=True)
            )
            if isinstance(policy, ConfirmationPolicy)
            else None
        )
        et.options = options
    if body.recurrence is not None:
        rec = body.recurrence
        et.recurring_event = (
            {"freq": rec.frequency, "interval": rec.interval, "count": rec.occurrences}
            if isinstance(rec, Recurrence)
            else None
        )
    if body.seats is not None:
        if isinstance(body.seats, Seats):
            et.seats_per_time_slot = body.seats.seats_per_time_slot
            et.seats_show_attendees = body.seats.show_attendee_info
            et.seats_show_availability_count = body.seats.show_availability_count
        else:
            et.seats_per_time_slot = None
    if "metadata" in given and body.metadata is not None:
        et.metadata_ = body.metadata.model_dump(mode="json")
    elif creating:
        et.metadata_ = {}
    options = et.options
    for name in STORED_FIELDS:
        if name in given:
            value = getattr(body, name)  # None or {disabled: true}: no longer stored
            if isinstance(value, Disabled):
                value = None
            elif hasattr(value, "model_dump"):
                value = value.model_dump(by_alias=True, exclude_none=True)
            setattr(options, name, value)
    if options.booker_active_bookings_limit is not None and et.recurring_event:
        # Cal.com refuses the pair: a series would count against its own limit.
        raise BadRequest(
            "bookerActiveBookingsLimit cannot be combined with recurrence",
            reason="invalid_booker_active_bookings_limit",
        )
    if options.waitlist_auto_book and et.price:
        # Booking at once would leave a priced seat unpaid: the student accepts and pays.
        raise BadRequest(
            "waitlistAutoBook is for free workshops only: a priced seat is offered and paid",
            reason="invalid_waitlist_auto_book",
        )
    et.options = options


def to_out(et: EventType, **context: Any) -> EventTypeOut:
    options = et.options
    policy: dict[str, Any] = {"disabled": True}
    if et.requires_confirmation:
        policy = options.to_json(["confirmation_policy"]).get(
            "confirmation_policy", {"type": "always", "blockUnconfirmedBookingsInBooker": True}
        )
    seats: dict[str, Any] = {"disabled": True}
    if et.seats_per_time_slot:
        seats = {
            "seatsPerTimeSlot": et.seats_per_time_slot,
            "showAttendeeInfo": et.seats_show_attendees,
            "showAvailabilityCount": et.seats_show_availability_count,
        }
    recurrence = None
    if et.recurring_event:
        rec = et.recurring_event
        recurrence = {
            "frequency": rec["freq"],
            "interval": rec["interval"],
            "occurrences": rec["count"],
        }
    return EventTypeOut(
        id=et.id,
        owner_id=et.user_id,
        length_in_minutes=et.length,
        length_in_minutes_options=et.length_options,
        title=et.title,
        slug=et.slug,
        description=et.description or "",
        locations=et.locations or [],
        booking_fields=et.booking_fields or [],
        recurrence=recurrence,
        disable_guests=et.disable_guests,
        slot_interval=et.slot_interval,
        minimum_booking_notice=et.minimum_booking_notice,
        before_event_buffer=et.before_event_buffer,
        after_event_buffer=et.after_event_buffer,
        metadata=et.metadata_ or {},
        price=et.price,
        currency=et.currency,
        schedule_id=et.schedule_id,
        booking_window=booking_window_out(et),
        confirmation_policy=policy,
        seats=seats,
        seats_per_time_slot=et.seats_per_time_slot,
        seats_show_availability_count=et.seats_show_availability_count,
        requires_confirmation=et.requires_confirmation,
        hidden=et.hidden,
        organization_id=et.organization_id,
        team_id=et.team_id,
        scheduling_type=(
            {"COLLECTIVE": "collective", "ROUND_ROBIN": "roundRobin"}.get(et.scheduling_type)
            if et.scheduling_type
            else None
        ),
        **options.to_json(STORED_FIELDS),
        **context,
    )
