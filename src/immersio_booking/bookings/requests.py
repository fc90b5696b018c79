"""A booking request (``BookingCreate``) in the booking flow's terms: the workshop it names,
the starts it asks for (a series for a recurring workshop) and the student's seat."""

from __future__ import annotations

from datetime import UTC, datetime

from immersio_booking.bookings.locations import location_of
from immersio_booking.bookings.placement import Seat
from immersio_booking.bookings.recurrence import occurrences
from immersio_booking.bookings.responses import checked_responses
from immersio_booking.bookings.schemas import BookingCreate
from immersio_booking.kit.errors import BadRequest
from immersio_booking.models import EventType
from immersio_booking.slots import service as slots


def lookup_of(body: BookingCreate) -> slots.EventTypeLookup:
    """The workshop a booking request names (by id, or by slug with a user or team)."""
    lookup = slots.EventTypeLookup(
        body.event_type_id,
        body.event_type_slug,
        body.username,
        body.team_slug,
        body.organization_slug,
    )
    if lookup.event_type_id is None and not (
        lookup.event_type_slug and (lookup.username or lookup.team_slug)
    ):
        raise BadRequest(
            "Either eventTypeId or eventTypeSlug + username or eventTypeSlug + teamSlug"
            " must be provided",
            reason="validation_failed",
        )
    return lookup


def starts_of(et: EventType, body: BookingCreate, host_zone: str) -> list[datetime]:
    start = body.start.astimezone(UTC)
    rule = et.recurring_event
    if rule is None:
        if body.recurrence_count is not None:
            raise BadRequest("This workshop does not recur", reason="not_recurring")
        return [start]
    count = body.recurrence_count or rule["count"]
    if count > rule["count"]:
        raise BadRequest(
            f"recurrenceCount must be at most {rule['count']} for this workshop",
            reason="recurrence_too_long",
        )
    return occurrences(start, rule, count, host_zone)


def seat_of(et: EventType, body: BookingCreate) -> Seat:
    """The student's seat: answers checked against the workshop's fields, guests if it takes
    them, the location chosen among its own."""
    fields = et.booking_fields or []
    answers = checked_responses(fields, body.booking_fields_responses or {})
    guests = [str(g).lower() for g in body.guests or []]
    if guests and (et.disable_guests or et.seats_per_time_slot):
        raise BadRequest("This workshop does not take guests", reason="guests_not_allowed")
    return Seat(
        name=body.attendee.name,
        email=str(body.attendee.email).strip().lower(),
        time_zone=body.attendee.time_zone,
        # The workshop's interfaceLanguage unless the booker chose one.
        language=body.attendee.language
        if "language" in body.attendee.model_fields_set
        else et.options.interface_language or body.attendee.language,
        guests=guests,
        # Cal.com keeps the attendee's number with the answers; SMS reminders read it there.
        responses={**answers, "attendeePhoneNumber": body.attendee.phone_number}
        if body.attendee.phone_number
        else answers,
        location=location_of(et, body.location),
        metadata=body.metadata.model_dump(mode="json", exclude_none=True) if body.metadata else {},
        description=str(answers.get("notes")) if answers.get("notes") else None,
    )
