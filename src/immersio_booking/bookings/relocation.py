"""A session moved to another of its workshop's locations (Cal.com's
``PATCH /v2/bookings/{uid}/location``): every seat of the session moves, the calendars'
SEQUENCE grows, and ``LocationChanged`` lets video make (or remove) the session's meeting and
tells the students."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events, locations, repository
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.guests import ensure_changeable
from immersio_booking.bookings.schemas import LocationInput
from immersio_booking.kit.errors import BadRequest
from immersio_booking.models import Booking, EventType


async def change_location(
    session: AsyncSession, booking: Booking, actor: Actor, body: LocationInput, now: datetime
) -> Booking:
    locked = await repository.for_update(session, booking.organization_id, booking.id)
    ensure_changeable(actor, locked, now, "location")
    et = await session.get(EventType, locked.event_type_id) if locked.event_type_id else None
    if et is None:
        raise BadRequest("This booking's workshop is gone", reason="invalid_location")
    chosen = locations.location_of(et, body.location)
    if chosen == locked.location:
        return locked
    seats = await repository.session_seats(session, locked) if et.seats_per_time_slot else []
    moved = [locked, *(s for s in seats if s.id != locked.id)]
    previous = locked.location
    for seat in moved:
        seat.location = chosen
        seat.ics_sequence += 1
    await session.flush()
    await events.publish(session, events.LocationChanged(moved, previous))
    return locked
