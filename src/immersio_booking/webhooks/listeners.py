"""The webhook events a booking change triggers, queued in the change's transaction
(``bookings.events``): deliveries now, MEETING_STARTED/ENDED at the session's start and end."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.models import BookingStatus
from immersio_booking.webhooks import emitter, meetings, no_show
from immersio_booking.webhooks.emitter import emit

listeners = events.Listeners()


async def _keep(session: AsyncSession, coming: events.Coming, value: Any) -> None:
    await emitter.keep(session, coming.event_type.organization_id, coming.event_type.id, value)


listeners.preparing(
    events.Preparer(
        lambda coming: emitter.ask(coming.event_type.organization_id, coming.event_type.id),
        _keep,
    )
)


@listeners.on(events.Booked)
async def _booked(session: AsyncSession, event: events.Booked) -> None:
    await emit(session, event.accepted, "BOOKING_CREATED")
    await meetings.schedule(session, event.accepted)
    await emit(session, event.requested, "BOOKING_REQUESTED")
    await emit(session, event.awaiting_payment, "BOOKING_PAYMENT_INITIATED")


@listeners.on(events.Confirmed)
async def _confirmed(session: AsyncSession, event: events.Confirmed) -> None:
    await emit(session, [event.booking], "BOOKING_CREATED")
    await meetings.schedule(session, [event.booking])


@listeners.on(events.Paid)
async def _paid(session: AsyncSession, event: events.Paid) -> None:
    await emit(session, [event.booking], "BOOKING_PAID")
    if event.booking.status == BookingStatus.ACCEPTED:
        await _confirmed(session, events.Confirmed(event.booking))
    else:
        await emit(session, [event.booking], "BOOKING_REQUESTED")


@listeners.on(events.Cancelled)
async def _cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await emit(session, event.bookings, "BOOKING_CANCELLED")


@listeners.on(events.Rejected)
async def _rejected(session: AsyncSession, event: events.Rejected) -> None:
    await emit(session, [event.booking], "BOOKING_REJECTED")


@listeners.on(events.Rescheduled)
async def _rescheduled(session: AsyncSession, event: events.Rescheduled) -> None:
    await emit(session, [event.booking], "BOOKING_RESCHEDULED")
    await meetings.schedule(session, [event.booking])


@listeners.on(events.AbsenceMarked)
async def _absence_marked(session: AsyncSession, event: events.AbsenceMarked) -> None:
    await emit(session, [event.booking], "BOOKING_NO_SHOW_UPDATED", no_show.payload_of(event))
