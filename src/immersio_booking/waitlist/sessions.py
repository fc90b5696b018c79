"""Which sessions of a seated workshop are full right now, so that the booking page can offer
their waitlist: seats held by bookings and by unexpired holds (offers included) fill them, as
the booking flow counts them. ``/v2/slots`` leaves full sessions out, as Cal.com does, unless
asked with ``includeFull=true`` (ours): then it lists these, with the counts of the lines
(``lines``, installed as ``slots.full_sessions``' port)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Booking, EventType, SlotReservation
from immersio_booking.slots.full_sessions import Lines
from immersio_booking.slots.repository import blocking
from immersio_booking.waitlist import listing


async def full_starts(
    session: AsyncSession, et: EventType, window: tuple[datetime, datetime], now: datetime
) -> list[datetime]:
    """The starts in ``window`` (and after ``now``) whose seats are all taken or held."""
    if not et.seats_per_time_slot:
        return []
    taken: dict[datetime, int] = {}
    booked = (
        select(Booking.start_time, func.count())
        .where(
            Booking.organization_id == et.organization_id,
            Booking.event_type_id == et.id,
            Booking.start_time >= window[0],
            Booking.start_time > now,
            Booking.start_time < window[1],
            blocking(now),
        )
        .group_by(Booking.start_time)
    )
    held = (
        select(SlotReservation.start_time, func.count())
        .where(
            SlotReservation.organization_id == et.organization_id,
            SlotReservation.event_type_id == et.id,
            SlotReservation.start_time >= window[0],
            SlotReservation.start_time > now,
            SlotReservation.start_time < window[1],
            SlotReservation.expires_at > now,
        )
        .group_by(SlotReservation.start_time)
    )
    for query in (booked, held):
        for start, count in (await session.execute(query)).all():
            taken[start] = taken.get(start, 0) + int(count)
    return sorted(s for s, n in taken.items() if n >= et.seats_per_time_slot)


async def lines(
    session: AsyncSession, et: EventType, window: tuple[datetime, datetime], now: datetime
) -> Lines:
    """The full sessions of ``et`` in ``window`` and how many are in line for each of its
    sessions there (one query for all the counts): numbers only, nobody's name."""
    waiting = await listing.waiting_counts(session, et.organization_id, *window, et.id)
    return Lines(
        await full_starts(session, et, window, now),
        {start: count for (_, start), count in waiting.items()},
    )
