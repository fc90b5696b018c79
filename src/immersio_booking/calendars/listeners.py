"""Calendars at start-up (``wiring.wire``): the kinds this package reads and writes (CalDAV,
Apple, ICS feeds, Google), Google Meet as a video provider, the live busy check the booking
path asks for, and the calendar events a booking change causes.

Each session whose seats changed gets its event written, moved or removed by
``events_out.write_session_event``, a job queued in the change's transaction."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import busy_check, events
from immersio_booking.calendars import ahead, events_out, google_meet, kinds, live_check
from immersio_booking.calendars.caldav_kind import AppleSource, CalDavSource
from immersio_booking.calendars.google_calendar import GoogleCalendar
from immersio_booking.calendars.ics_feed import IcsFeedSource
from immersio_booking.models import BookingStatus
from immersio_booking.video import registry

listeners = events.Listeners()


def _ask(coming: events.Coming) -> ColumnElement[Any]:
    return ahead.ask(coming.event_type.organization_id, coming.event_type.id, coming.host_ids)


async def _keep(session: AsyncSession, coming: events.Coming, value: Any) -> None:
    et = coming.event_type
    ahead.keep(session, et.organization_id, et.id, coming.host_ids, value)


listeners.preparing(events.Preparer(_ask, _keep))


@listeners.on(events.Booked)
async def _booked(session: AsyncSession, event: events.Booked) -> None:
    await events_out.queue(session, event.accepted, new=True)


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
        await events_out.queue(session, [event.booking], moved_from=event.previous)
    else:
        await events_out.queue(session, [event.previous])


def subscribe() -> None:
    kinds.register(CalDavSource())
    kinds.register(AppleSource())
    kinds.register(IcsFeedSource())
    kinds.register(GoogleCalendar())
    registry.register(google_meet.INTEGRATION, google_meet.resolve)
    busy_check.install(live_check.live_busy)
    listeners.subscribe()


@listeners.on(events.LocationChanged)
async def _location_changed(session: AsyncSession, event: events.LocationChanged) -> None:
    await events_out.queue(session, event.bookings)


@listeners.on(events.Reassigned)
async def _reassigned(session: AsyncSession, event: events.Reassigned) -> None:
    await events_out.queue(session, event.bookings)
