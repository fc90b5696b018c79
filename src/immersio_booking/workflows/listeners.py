"""What a booking change means for workflows, in the transaction of the change
(``bookings.events``): plan, replan or cancel reminders, and queue immediate messages."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.kit import clock
from immersio_booking.models import Booking, BookingStatus
from immersio_booking.workflows import reminders, repository
from immersio_booking.workflows.schemas import TIMED_TRIGGERS

listeners = events.Listeners()


async def _keep(session: AsyncSession, coming: events.Coming, any_active: bool) -> None:
    et = coming.event_type
    await repository.keep_active_on(session, et.organization_id, et.id, any_active)


listeners.preparing(
    events.Preparer(
        lambda coming: repository.any_active_on(
            coming.event_type.organization_id, coming.event_type.id
        ),
        _keep,
    )
)


async def _accepted(session: AsyncSession, bookings: Sequence[Booking], new: bool = False) -> None:
    """Bookings became accepted (booked, confirmed or paid): NEW_EVENT and their reminders.
    ``new``: booked in this transaction (no reminder of theirs to reconcile yet)."""
    now = clock.now()
    found = await reminders.applicable_by_booking(session, bookings, ("NEW_EVENT", *TIMED_TRIGGERS))
    await reminders.send_now(session, bookings, "NEW_EVENT", now, found)
    await reminders.plan_for_bookings(session, bookings, now, found, new=new)


async def _requested(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    await reminders.send_now(session, bookings, "BOOKING_REQUESTED", clock.now())


@listeners.on(events.Booked)
async def _booked(session: AsyncSession, event: events.Booked) -> None:
    await _accepted(session, event.accepted, new=True)
    await _requested(session, event.requested)


@listeners.on(events.Confirmed)
async def _confirmed(session: AsyncSession, event: events.Confirmed) -> None:
    await _accepted(session, [event.booking])


@listeners.on(events.Paid)
async def _paid(session: AsyncSession, event: events.Paid) -> None:
    await reminders.send_now(session, [event.booking], "BOOKING_PAID", clock.now())
    if event.booking.status == BookingStatus.ACCEPTED:
        await _accepted(session, [event.booking])
    else:
        await _requested(session, [event.booking])


@listeners.on(events.Cancelled)
async def _cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await reminders.cancel_for_bookings(session, event.bookings, "booking cancelled")
    await reminders.send_now(session, event.bookings, "EVENT_CANCELLED", clock.now())


@listeners.on(events.Rejected)
async def _rejected(session: AsyncSession, event: events.Rejected) -> None:
    await reminders.cancel_for_bookings(session, [event.booking], "booking rejected")


@listeners.on(events.Rescheduled)
async def _rescheduled(session: AsyncSession, event: events.Rescheduled) -> None:
    """The old booking's reminders go; the new one gets RESCHEDULE_EVENT and its own."""
    now = clock.now()
    await reminders.cancel_for_bookings(session, [event.previous], "booking rescheduled")
    await reminders.send_now(session, [event.booking], "RESCHEDULE_EVENT", now)
    await reminders.plan_for_bookings(session, [event.booking], now)
