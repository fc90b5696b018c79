"""Meetings follow the seats: every booking change settles the meetings of the sessions it
touches, in the change's transaction (``bookings.events``), before the emails are queued."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import events
from immersio_booking.db.session import settings_of
from immersio_booking.models import Booking, BookingStatus
from immersio_booking.video import registry, repository, tasks
from immersio_booking.video.meetings import (
    SessionKey,
    keys_of,
    origins_to_settle,
    settle,
    try_locks,
)

listeners = events.Listeners()


async def changed(session: AsyncSession, bookings: Sequence[Booking]) -> None:
    """Settle the sessions of ``bookings`` now where no network is needed (Jitsi rooms,
    copies of an existing meeting); queue the job for the rest."""
    by_organization: dict[int, list[Booking]] = defaultdict(list)
    for booking in bookings:
        by_organization[booking.organization_id].append(booking)
    for organization_id, group in by_organization.items():
        concerned = await _with_video(session, organization_id, group)
        await _settle(session, organization_id, keys_of(concerned))


async def _with_video(
    session: AsyncSession, organization_id: int, bookings: Sequence[Booking]
) -> list[Booking]:
    """The seats whose workshop has meetings (no query beyond the workshop, usually in the
    identity map), and of the others those that have one (one query for all of them)."""
    by_workshop: list[Booking] = []
    others: list[Booking] = []
    for booking in bookings:
        if booking.event_type_id is None:
            continue
        et = await repository.event_type(session, organization_id, booking.event_type_id)
        has_meetings = registry.integration_for(et, booking.location) is not None
        (by_workshop if has_meetings else others).append(booking)
    having = await repository.with_video_references(
        session, organization_id, [b.id for b in others]
    )
    chosen = {b.id for b in by_workshop} | having
    return [b for b in bookings if b.id in chosen]


async def _settle(session: AsyncSession, organization_id: int, keys: list[SessionKey]) -> None:
    if not keys:
        return
    settings = settings_of(session)
    if settings is None:  # a session made without settings (a script): the worker has them
        await tasks.queue(session, organization_id, keys, shared=False)
        return
    everything, origins = await origins_to_settle(session, organization_id, keys)
    if not await try_locks(session, organization_id, everything):
        # A job is at work on one of these sessions: a job of our own settles after it.
        await tasks.queue(session, organization_id, keys, shared=False)
        return
    if await settle(session, organization_id, everything, settings, in_job=False, origins=origins):
        await tasks.queue(session, organization_id, keys, shared=True)


def _accepted(bookings: Sequence[Booking]) -> list[Booking]:
    return [b for b in bookings if b.status == BookingStatus.ACCEPTED]


@listeners.on(events.Booked)
async def _booked(session: AsyncSession, event: events.Booked) -> None:
    await changed(session, event.accepted)


@listeners.on(events.Confirmed)
async def _confirmed(session: AsyncSession, event: events.Confirmed) -> None:
    await changed(session, _accepted([event.booking]))


@listeners.on(events.Paid)
async def _paid(session: AsyncSession, event: events.Paid) -> None:
    await changed(session, _accepted([event.booking]))


@listeners.on(events.Cancelled)
async def _cancelled(session: AsyncSession, event: events.Cancelled) -> None:
    await changed(session, event.bookings)


@listeners.on(events.Rejected)
async def _rejected(session: AsyncSession, event: events.Rejected) -> None:
    await changed(session, [event.booking])


@listeners.on(events.Rescheduled)
async def _rescheduled(session: AsyncSession, event: events.Rescheduled) -> None:
    """The new session first (it may take the old one's meeting along), then the old one."""
    await changed(session, [event.booking, event.previous])


@listeners.on(events.LocationChanged)
async def _location_changed(session: AsyncSession, event: events.LocationChanged) -> None:
    """A session moved to a video location gets its meeting; moved away, loses it."""
    await changed(session, event.bookings)


@listeners.on(events.Reassigned)
async def _reassigned(session: AsyncSession, event: events.Reassigned) -> None:
    await changed(session, event.bookings)
