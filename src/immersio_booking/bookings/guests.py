"""Guests added to a booking after it was made (Cal.com's ``POST /v2/bookings/{uid}/guests``):
by the host or the school, at most 10 a request and 30 people on a booking, each told by
email (``GuestsAdded``). A seat of a seated workshop holds one student: a guest there would
need a seat of their own, so it is booked, not added."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events, repository
from immersio_booking.bookings.access import Actor
from immersio_booking.bookings.schemas import GuestIn
from immersio_booking.kit.errors import BadRequest, Forbidden
from immersio_booking.models import Attendee, Booking, BookingStatus, EventType

MAX_PEOPLE_PER_BOOKING = 30  # Cal.com's MAX_TOTAL_GUESTS_PER_BOOKING


def ensure_changeable(actor: Actor, booking: Booking, now: datetime, what: str) -> None:
    """Staff only, on a booking still to come (accepted or pending)."""
    if not actor.is_staff:
        raise Forbidden(f"Only the host or the school may change {what}", reason="staff_only")
    if booking.status not in (BookingStatus.ACCEPTED, BookingStatus.PENDING):
        raise BadRequest(
            f"This booking is {booking.status}: its {what} can no longer change",
            reason="booking_closed",
        )
    if booking.end_time <= now:
        raise BadRequest(
            f"This session is over: its {what} can no longer change", reason="booking_over"
        )


async def add_guests(
    session: AsyncSession, booking: Booking, actor: Actor, guests: Sequence[GuestIn], now: datetime
) -> Booking:
    locked = await repository.for_update(session, booking.organization_id, booking.id)
    ensure_changeable(actor, locked, now, "guests")
    et = await session.get(EventType, locked.event_type_id) if locked.event_type_id else None
    if et is not None and et.seats_per_time_slot:
        raise BadRequest(
            "A seat holds one student: book a seat for each guest instead",
            reason="guests_not_allowed_for_seats",
        )
    people = (await repository.attendees_of(session, locked.organization_id, [locked.id])).get(
        locked.id, []
    )
    known = {p.email.lower() for p in people}
    new: dict[str, GuestIn] = {}
    for guest in guests:
        email = str(guest.email).strip().lower()
        if email not in known:
            new.setdefault(email, guest)
    if not new:
        raise BadRequest("Every guest given is already on this booking", reason="guests_present")
    if len(people) + len(new) > MAX_PEOPLE_PER_BOOKING:
        raise BadRequest(
            f"A booking has at most {MAX_PEOPLE_PER_BOOKING} attendees and guests",
            reason="too_many_guests",
            details={"max": MAX_PEOPLE_PER_BOOKING, "current": len(people)},
        )
    booker = people[0] if people else None
    for email, guest in new.items():
        session.add(
            Attendee(
                organization_id=locked.organization_id,
                booking_id=locked.id,
                email=email,
                name=guest.name or email.split("@")[0],
                time_zone=guest.time_zone or (booker.time_zone if booker else "UTC"),
                locale=guest.language or (booker.locale if booker else None),
            )
        )
    locked.ics_sequence += 1
    await session.flush()
    await events.publish(session, events.GuestsAdded(locked, list(new)))
    return locked
