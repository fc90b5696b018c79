"""The calendar events a booking change causes, queued in the change's transaction
(``bookings.events``): each session whose seats changed gets its event written, moved or
removed by ``events_out.write_session_event``. ``subscribe`` also registers Google as a
calendar kind and Google Meet as a video provider."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.calendars import events_out, google_meet, kinds
from immersio_booking.calendars.google_calendar import GoogleCalendar
from immersio_booking.models import BookingStatus
from immersio_booking.video import registry

listeners = events.Listeners()


@listeners.on(events.Booked)
async def _booked(session: AsyncSession, event: events.Booked) -> None:
    await events_out.queue(session, event.accepted)


@listeners.on(events.Confirmed)
async def _confirmed(session: AsyncSession, event: events.Confirmed) -> None:
    await events_out.queue(session, [event.booking])


@listeners.on(events.Paid)
async def _paid(session: AsyncSession, event: events.Paid) -> None:
    if event.booking.status == BookingStatus.ACCEPTED:
        await events_out.queue(session, [event.booking])


@listeners.on(events.Cancelled)
async def _cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await events_out.queue(session, event.bookings)


@listeners.on(events.Rejected)
async def _rejected(session: AsyncSession, event: events.Rejected) -> None:
    await events_out.queue(session, [event.booking])


@listeners.on(events.Rescheduled)
async def _rescheduled(session: AsyncSession, event: events.Rescheduled) -> None:
    """The new session is written (taking the old event along when no seat is left there),
    and the old session is brought up to date in the same job."""
    if event.booking.status == BookingStatus.ACCEPTED:
        await events_out.queue(session, [event.booking], moved_from=event.previous.start_time)
    else:
        await events_out.queue(session, [event.previous])


def subscribe() -> None:
    kinds.register(GoogleCalendar())
    registry.register(google_meet.INTEGRATION, google_meet.resolve)
    listeners.subscribe()
