"""Where a booking takes place: one of the workshop's configured locations, never a place
the booker makes up (it is printed in emails and invites, as a link people click).

Organizer-defined locations (an address, a link, a phone number, a video integration) are
chosen by type; a value given with them must be the configured one. The booker writes a
value only where the workshop asks for one (``attendeeAddress``, ``attendeePhone``,
``attendeeDefined``)."""

from __future__ import annotations

from typing import Any

from immersio_booking.bookings.schemas import BookingLocationIn
from immersio_booking.kit.errors import BadRequest
from immersio_booking.models import EventType

ATTENDEE_TYPES = {"attendeeAddress": "address", "attendeePhone": "phone"}
VALUE_KEYS = ("address", "link", "phone")


def _value(location: dict[str, Any]) -> str:
    """A configured location as a booking stores it."""
    if location.get("type") == "integration":
        return f"integrations:{location.get('integration')}"
    for key in VALUE_KEYS:
        if location.get(key):
            return str(location[key])
    return str(location.get("type"))


def _refused(configured: list[dict[str, Any]]) -> BadRequest:
    allowed = ", ".join(sorted({_value(c) for c in configured})) or "none"
    return BadRequest(
        f"location must be one of this workshop's locations: {allowed}",
        reason="invalid_location",
        details={"allowed": sorted({_value(c) for c in configured})},
    )


def location_of(et: EventType, given: BookingLocationIn | str | None) -> str | None:
    configured = [c for c in (et.locations or []) if isinstance(c, dict)]
    if given is None:
        return _value(configured[0]) if configured else None
    if isinstance(given, str):  # Cal.com's older form: the location itself, or its type
        for location in configured:
            if given.strip() in (
                _value(location),
                location.get("type"),
                location.get("integration"),
            ):
                return _value(location)
        raise _refused(configured)
    of_type = [c for c in configured if c.get("type") == given.type]
    if not of_type:
        raise _refused(configured)
    if given.type in ("attendeeAddress", "attendeePhone", "attendeeDefined"):
        written = getattr(given, ATTENDEE_TYPES.get(given.type, "location"))
        if not written:
            key = ATTENDEE_TYPES.get(given.type, "location")
            raise BadRequest(
                f"location.{key} is required for a {given.type} location",
                reason="invalid_location",
            )
        return str(written).strip()
    if given.type == "integration":
        of_type = [c for c in of_type if c.get("integration") == (given.integration or "cal-video")]
    wanted = given.address or given.phone or given.location
    for location in of_type:
        if wanted is None or wanted.strip() == _value(location):
            return _value(location)
    raise _refused(configured)
