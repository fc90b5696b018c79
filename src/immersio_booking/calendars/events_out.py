"""One event per accepted session in the teacher's destination calendar.

A session is a workshop at one start in one school; all its seats share one event. Every
change of a session's seats (booked, confirmed, paid, moved, cancelled, declined) queues the
job ``write_session_event`` in the change's transaction (``calendars.listeners``). The job
takes the session's advisory lock, reads the session as it is now and makes the calendar
agree: it writes the event (title, time, join link, seat count, the students' addresses when
the workshop shows attendees), or removes it when no seat is left. So twenty seats booked at
once make twenty jobs that write one event in turn; a job that runs twice does no harm.

The event is remembered as one ``BookingReference`` per seat (type ``google_calendar`` or
``caldav_calendar``; ``uid`` the event's id there, ``meeting_id`` the session's iCalendar UID,
``external_calendar_id``, ``credential_id``). A moved session (rescheduled) takes its event
along when no seat is left at the old time. While a session's join link is still being made
(a meeting made by a job of the video package), the job looks again later, a bounded number
of times. A calendar that does not answer fails the job, which is retried; the booking stands.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import procrastinate
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links
from immersio_booking.calendars import ahead, destination, google_meet, kinds
from immersio_booking.calendars import events_out_content as content
from immersio_booking.calendars import events_out_queries as queries
from immersio_booking.calendars.google_calendar import GoogleCalendar, google_event_id
from immersio_booking.calendars.source import CalendarUnavailable, SessionEvent
from immersio_booking.config import Settings
from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import (
    Booking,
    BookingReference,
    Credential,
)

TASK = "write_session_event"


@dataclass(frozen=True)
class SessionKey:
    organization_id: int
    event_type_id: int
    start: datetime

    @property
    def lock(self) -> int:
        return lock_key("session-calendar", self.organization_id, self.event_type_id, self.stamp)

    @property
    def stamp(self) -> int:
        return int(self.start.timestamp())


def reference_type(credential_type: str) -> str:
    """Google events are ``google_calendar`` references; CalDAV and iCloud ``caldav_calendar``."""
    return "google_calendar" if credential_type == "google_calendar" else "caldav_calendar"


def session_of(booking: Booking) -> SessionKey | None:
    if booking.event_type_id is None:
        return None
    return SessionKey(booking.organization_id, booking.event_type_id, booking.start_time)


async def queue(
    session: AsyncSession,
    bookings: Sequence[Booking],
    moved_from: Booking | None = None,
    new: bool = False,
) -> None:
    """Queue one job per session the bookings belong to, in the caller's transaction (none
    when no calendar could be concerned: see ``queries.anything_to_write``). ``new``: the
    bookings were made in this transaction (no event of theirs exists yet)."""
    keys = {key for key in map(session_of, bookings) if key is not None}
    if not keys:
        return
    by_school: dict[int, list[Booking]] = {}
    for booking in [*bookings, *([moved_from] if moved_from else [])]:
        by_school.setdefault(booking.organization_id, []).append(booking)
    concerned = {
        organization_id
        for organization_id, seats in by_school.items()
        if await _anything_to_write(session, organization_id, seats, new and not moved_from)
    }
    keys = {key for key in keys if key.organization_id in concerned}
    for key in sorted(keys, key=lambda k: (k.event_type_id, k.stamp)):
        await defer_in_transaction(
            session,
            TASK,
            organization_id=key.organization_id,
            event_type_id=key.event_type_id,
            start=key.stamp,
            moved_from=int(moved_from.start_time.timestamp()) if moved_from else None,
        )


async def _anything_to_write(
    session: AsyncSession, organization_id: int, seats: Sequence[Booking], new: bool
) -> bool:
    """``queries.anything_to_write``, answered from the facts read before the booking's locks
    when they cover these new seats (a new seat has no event yet)."""
    known = ahead.facts(session, organization_id)
    hosts = {b.user_id for b in seats if b.user_id is not None}
    if new and known is not None and known.covers(sorted(hosts)):
        if {b.event_type_id for b in seats} == {known.event_type_id}:
            return known.destination or bool(known.writing & hosts)
    return await queries.anything_to_write(
        session, organization_id, seats, destination.writable_types()
    )


# The references and the event of a session.


async def _remember_event(
    session: AsyncSession,
    organization_id: int,
    seats: Sequence[Booking],
    references: Sequence[BookingReference],
    written: BookingReference,
) -> None:
    """Each seat points at the written event (one reference per seat and type)."""
    by_booking = {r.booking_id: r for r in references if r.type == written.type}
    by_booking |= await queries.references_of_seats(
        session, organization_id, [s.id for s in seats if s.id not in by_booking], written.type
    )
    for seat in seats:
        row = by_booking.get(seat.id)
        if row is None:
            row = BookingReference(
                organization_id=organization_id, booking_id=seat.id, type=written.type
            )
            session.add(row)
        row.uid = written.uid
        row.meeting_id = written.meeting_id
        row.external_calendar_id = written.external_calendar_id
        row.credential_id = written.credential_id
        row.deleted = False
    await session.flush()


async def _existing_event(
    session: AsyncSession, key: SessionKey, moved_from: SessionKey | None
) -> tuple[BookingReference | None, list[BookingReference], bool]:
    """The event the session has, or the one of the session it moved from when no seat is
    left there (it is moved, not made again: the flag says so); and the references to it."""
    here = await queries.event_references(
        session, key.organization_id, key.event_type_id, key.start
    )
    if here or moved_from is None:
        return (here[0] if here else None), here, False
    left = await queries.seats_of(
        session, moved_from.organization_id, moved_from.event_type_id, moved_from.start
    )
    if left:
        return None, [], False
    behind = await queries.event_references(
        session, moved_from.organization_id, moved_from.event_type_id, moved_from.start
    )
    return (behind[0] if behind else None), behind, bool(behind)


async def sync_session(
    session: AsyncSession,
    settings: Settings,
    key: SessionKey,
    moved_from: SessionKey | None = None,
    link_wait: int = 0,
) -> str:
    """Make the teacher's calendar agree with the session (and with the session it moved
    from, under both locks); returns what was done to the session."""
    keys = [key.lock] + ([moved_from.lock] if moved_from else [])
    await lock(
        session, *keys, timeout_ms=int(settings.calendar_fetch_timeout_seconds * 3000) + 5000
    )
    with kinds.using(settings):
        done = await _sync_one(session, settings, key, moved_from, link_wait)
        if moved_from is not None:
            await _sync_one(session, settings, moved_from, None, 0)
    return done


async def _sync_one(
    session: AsyncSession,
    settings: Settings,
    key: SessionKey,
    moved_from: SessionKey | None,
    link_wait: int,
) -> str:
    seats = await queries.seats_of(session, key.organization_id, key.event_type_id, key.start)
    current, references, moved = await _existing_event(session, key, moved_from)
    credential = (
        await queries.credential_in(session, key.organization_id, current.credential_id)
        if current is not None and current.credential_id is not None
        else None
    )
    if not seats:
        if current is None:
            return "nothing"
        if credential is not None and current.external_calendar_id:
            try:
                await destination.writer_for(credential.type).remove(
                    credential, current.external_calendar_id, current.uid
                )
            except CalendarUnavailable as exc:
                if not exc.refused:
                    raise  # retried later
                credential.invalid = True  # nothing more can be done in that calendar
        await queries.forget_event(session, key.organization_id, current.type, current.uid)
        return "removed"
    host = seats[0].user_id
    if current is not None and (credential is None or credential.invalid):
        # its calendar is gone: the event is made again in the destination
        await queries.forget_event(session, key.organization_id, current.type, current.uid)
        current, references, moved = None, [], False
    if current is not None and credential is not None and current.external_calendar_id:
        external_id = current.external_calendar_id
    else:
        if host is None:
            return "no host"
        found = await destination.destination_for(
            session,
            key.organization_id,
            user_id=host,
            event_type_id=key.event_type_id,
            settings=settings,
        )
        if found is None:
            return "no calendar"
        credential, external_id = found.credential, found.external_id
        current, moved = None, False
    assert credential is not None
    event_type = await queries.event_type_in(session, key.organization_id, key.event_type_id)
    links = await meeting_links.links_of(session, key.organization_id, [s.id for s in seats])
    # the teacher's calendar: the teacher's own way in (a moderator's link on Jitsi with tokens)
    found_link = next((links[s.id] for s in seats if s.id in links), None)
    own = meeting_links.for_host(found_link, settings, seats[0].end_time)
    link = own.url if own else None
    uid = (
        current.meeting_id or current.uid
        if current is not None
        else f"{secrets.token_hex(16)}@immersio-booking"
    )
    event = content.session_event(uid, event_type, seats, link)
    try:
        meet = await _meet_in_destination(session, key, seats, credential, external_id)
        if meet is not None and current is not None and current.uid != meet.uid:
            # our event came before the session's Meet event, in the same calendar: the Meet
            # event becomes the session's event, ours goes (one event per session)
            await destination.writer_for(credential.type).remove(
                credential, external_id, current.uid
            )
            await queries.forget_event(session, key.organization_id, current.type, current.uid)
            current, moved = None, False
        event_id = await _write(credential, external_id, event, current, meet)
    except CalendarUnavailable as exc:
        if not exc.refused:
            raise  # retried later; the booking stands
        credential.invalid = True  # the teacher must connect the calendar again
        return "credential refused"
    written = BookingReference(
        type=reference_type(credential.type),
        uid=event_id,
        meeting_id=uid,
        external_calendar_id=external_id,
        credential_id=credential.id,
    )
    if moved and current is not None:
        # moved here from the old session: its references there are done
        await queries.forget_event(session, key.organization_id, current.type, current.uid)
    await _remember_event(session, key.organization_id, seats, references, written)
    if link is None and content.link_expected(event_type, seats):
        await _look_again_for_link(session, settings, key, link_wait)
    return "written"


async def _meet_in_destination(
    session: AsyncSession,
    key: SessionKey,
    seats: Sequence[Booking],
    credential: Credential,
    external_id: str,
) -> BookingReference | None:
    """The session's Google Meet event when it is in the destination calendar itself (the
    primary calendar of the same Google account): the session's event is then that one."""
    if credential.type != "google_calendar":
        return None
    meet = await queries.meet_reference(
        session, key.organization_id, [s.id for s in seats], credential.id
    )
    if meet is None or external_id == google_meet.PRIMARY:
        return meet
    listed = await destination.writer_for(credential.type).calendars(credential)
    return meet if any(c.primary and c.external_id == external_id for c in listed) else None


async def _write(
    credential: Credential,
    external_id: str,
    event: SessionEvent,
    current: BookingReference | None,
    meet: BookingReference | None,
) -> str:
    """Write the event; in Google, into the Meet event or the event already made (by id)."""
    if credential.type != "google_calendar":
        writer = destination.writer_for(credential.type)
        return await writer.write(credential, external_id, event)
    target = meet.uid if meet else current.uid if current else google_event_id(event.uid)
    google = destination.writer_for(credential.type)
    assert isinstance(google, GoogleCalendar)
    return await google.write_event(credential, external_id, event, target)


async def _look_again_for_link(
    session: AsyncSession, settings: Settings, key: SessionKey, link_wait: int
) -> None:
    if link_wait >= settings.calendar_link_wait_attempts:
        return
    await defer_in_transaction(
        session,
        TASK,
        options={
            "schedule_at": clock.now() + timedelta(seconds=settings.calendar_link_wait_seconds)
        },
        organization_id=key.organization_id,
        event_type_id=key.event_type_id,
        start=key.stamp,
        moved_from=None,
        link_wait=link_wait + 1,
    )


def _at(stamp: int) -> datetime:
    return datetime.fromtimestamp(stamp, UTC)


@job_app.task(
    name=TASK,
    retry=procrastinate.RetryStrategy(max_attempts=10, wait=5, linear_wait=30),
    pass_context=False,
)
async def write_session_event(
    organization_id: int,
    event_type_id: int,
    start: int,
    moved_from: int | None = None,
    link_wait: int = 0,
) -> str:
    key = SessionKey(organization_id, event_type_id, _at(start))
    previous = SessionKey(organization_id, event_type_id, _at(moved_from)) if moved_from else None
    async with job_session() as session:
        return await sync_session(session, context.settings(), key, previous, link_wait)
