"""The waitlist reacts to bookings: a freed seat is offered to the next in line in the
transaction that frees it (a cancellation, a reschedule away, a declined request, an unpaid
hold that ran out, a seat count raised by staff), and a student in line who books a seat of
that session leaves the line as BOOKED."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.event_types import events as event_types
from immersio_booking.kit import clock
from immersio_booking.models import Attendee, Booking, EventType, SlotReservation
from immersio_booking.models.waitlist import IN_LINE, WaitlistEntry, WaitlistStatus
from immersio_booking.waitlist import offers

listeners = events.Listeners()


async def freed(session: AsyncSession, seats: Iterable[Booking]) -> None:
    """Offer the seats of these (no longer holding) bookings, session by session in a fixed
    order (two transactions freeing seats of the same sessions lock them alike)."""
    sessions = {
        (b.event_type_id, b.start_time): b.user_id for b in seats if b.event_type_id is not None
    }
    now = clock.now()
    for (event_type_id, start), host_id in sorted(sessions.items(), key=lambda s: s[0]):
        et = await session.get(EventType, event_type_id)
        if et is not None and et.seats_per_time_slot:
            await offers.refill(session, et, start, now, host_id)


@listeners.on(events.Cancelled)
async def on_cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await freed(session, event.bookings)


@listeners.on(events.Rescheduled)
async def on_rescheduled(session: AsyncSession, event: events.Rescheduled) -> None:
    if (event.previous.event_type_id, event.previous.start_time) != (
        event.booking.event_type_id,
        event.booking.start_time,
    ):
        await freed(session, [event.previous])


@listeners.on(events.Rejected)
async def on_rejected(session: AsyncSession, event: events.Rejected) -> None:
    await freed(session, [event.booking])


@listeners.on(events.HoldsExpired)
async def on_holds_expired(session: AsyncSession, event: events.HoldsExpired) -> None:
    await freed(session, event.bookings)


async def _seated(session: AsyncSession, booking: Booking) -> bool:
    """The booking flow loaded the workshop already: read from the session, no query."""
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    return bool(et and et.seats_per_time_slot)


@listeners.on(events.Booked)
async def on_booked(session: AsyncSession, event: events.Booked) -> None:
    """Students in line who got a seat of that session (their offer, or a public seat) are
    BOOKED; an offer left unused by a public booking is handed on."""
    ids = [b.id for b in event.bookings if await _seated(session, b)]
    if not ids:
        return  # no query on the booking path of a workshop without seats
    rows = await session.execute(
        select(WaitlistEntry, Booking.uid)
        .join(Booking, Booking.id.in_(ids))
        .join(Attendee, Attendee.booking_id == Booking.id)
        .where(
            WaitlistEntry.organization_id == Booking.organization_id,
            WaitlistEntry.event_type_id == Booking.event_type_id,
            WaitlistEntry.start_time == Booking.start_time,
            WaitlistEntry.email == Attendee.email,
            WaitlistEntry.status.in_(IN_LINE),
        )
        .with_for_update(of=WaitlistEntry)
    )
    handed_on: list[tuple[EventType, datetime]] = []
    now = clock.now()
    for entry, booking_uid in rows.all():
        if entry.reservation_uid:
            unused = await session.execute(
                delete(SlotReservation).where(
                    SlotReservation.organization_id == entry.organization_id,
                    SlotReservation.uid == entry.reservation_uid,
                    SlotReservation.expires_at > now,
                )
            )
            et = await session.get(EventType, entry.event_type_id)
            if unused.rowcount and et is not None:  # type: ignore[attr-defined]
                handed_on.append((et, entry.start_time))
        entry.status = WaitlistStatus.BOOKED
        entry.booking_uid = booking_uid
        entry.ended_at = now
    await session.flush()
    for et, start in handed_on:
        await offers.refill(session, et, start, now)


def subscribe() -> None:
    """Bookings' events, and the seat counts staff raise (``event_types.events``)."""
    listeners.subscribe()
    event_types.on_seats_raised(seats_raised)


async def seats_raised(session: AsyncSession, et: EventType) -> None:
    """Each upcoming session with students waiting gets the new seats offered."""
    now = clock.now()
    starts = await session.execute(
        select(WaitlistEntry.start_time)
        .where(
            WaitlistEntry.organization_id == et.organization_id,
            WaitlistEntry.event_type_id == et.id,
            WaitlistEntry.status == WaitlistStatus.WAITING,
            WaitlistEntry.start_time > now,
        )
        .distinct()
        .order_by(WaitlistEntry.start_time)
    )
    for start in starts.scalars():
        await offers.refill(session, et, start, now)
