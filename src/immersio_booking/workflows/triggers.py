"""What a booking change means for workflows, called from ``bookings.events`` in the
transaction of the change: plan, replan or cancel reminders, and queue immediate messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit import clock
from immersio_booking.models import Booking
from immersio_booking.workflows import reminders


def _now() -> datetime:
    return clock.now()


async def accepted(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    """A booking became accepted (booked, confirmed or paid): NEW_EVENT and its reminders."""
    now = _now()
    await reminders.send_now(session, bookings, "NEW_EVENT", now)
    await reminders.plan_for_bookings(session, bookings, now)


async def requested(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    await reminders.send_now(session, bookings, "BOOKING_REQUESTED", _now())


async def paid(session: AsyncSession, booking: Booking) -> None:
    await reminders.send_now(session, [booking], "BOOKING_PAID", _now())


async def cancelled(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    await reminders.cancel_for_bookings(session, bookings, "booking cancelled")
    await reminders.send_now(session, bookings, "EVENT_CANCELLED", _now())


async def rejected(session: AsyncSession, booking: Booking) -> None:
    await reminders.cancel_for_bookings(session, [booking], "booking rejected")


async def rescheduled(session: AsyncSession, booking: Booking) -> None:
    """The old booking's reminders go; the new one gets RESCHEDULE_EVENT and its own."""
    now = _now()
    if booking.from_reschedule is not None:
        old = await session.get(Booking, booking.from_reschedule)
        if old is not None:
            await reminders.cancel_for_bookings(session, [old], "booking rescheduled")
    await reminders.send_now(session, [booking], "RESCHEDULE_EVENT", now)
    await reminders.plan_for_bookings(session, [booking], now)
