"""One meeting per session, shared by its accepted seats: made, copied, moved and removed.

A session is (organization, workshop, start). ``settle`` brings the meetings of some sessions
in line with their seats, under a transaction advisory lock per session:

- accepted seats and a meeting: seats without it get a copy of its reference; seats that left
  (cancelled, declined) have theirs marked deleted;
- accepted seats and no meeting: a seat that was rescheduled from a session now empty takes
  that session's meeting along (``update`` to the new time: same link); otherwise a meeting is
  made (``create``);
- no accepted seat but a meeting: it is removed (``delete``) and its references marked deleted.

In a booking's transaction (``in_job=False``) nothing goes over the network: Jitsi rooms and
copies are made there; what needs a provider's API is left to the ``video_meetings`` job
(``True`` is returned). The job (``in_job=True``) does all of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links
from immersio_booking.config import Settings
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import Booking, BookingReference, BookingStatus
from immersio_booking.video import notices, registry, repository, zoom
from immersio_booking.video.jitsi import REFERENCE_TYPE as JITSI
from immersio_booking.video.jitsi import JitsiProvider
from immersio_booking.video.provider import (
    CredentialRefused,
    Meeting,
    SessionInfo,
    VideoProvider,
)

log = structlog.get_logger(__name__)

# A job waits this long for a booking transaction holding a session's lock.
JOB_LOCK_TIMEOUT_MS = 60_000


@dataclass(frozen=True, order=True)
class SessionKey:
    event_type_id: int
    start: datetime

    @classmethod
    def of(cls, booking: Booking) -> SessionKey | None:
        if booking.event_type_id is None:
            return None
        return cls(booking.event_type_id, booking.start_time)

    def lock_key(self, organization_id: int) -> int:
        return lock_key("video-session", organization_id, self.event_type_id, self.stamp)

    @property
    def stamp(self) -> int:
        return int(self.start.timestamp())


def keys_of(bookings: Sequence[Booking]) -> list[SessionKey]:
    found: list[SessionKey] = []
    for booking in bookings:
        key = SessionKey.of(booking)
        if key is not None and key not in found:
            found.append(key)
    return found


def meeting_of(reference: BookingReference) -> Meeting:
    return Meeting(
        reference_type=reference.type,
        uid=reference.uid,
        url=reference.meeting_url or "",
        meeting_id=reference.meeting_id,
        password=reference.meeting_password,
        credential_id=reference.credential_id,
    )


@dataclass
class _Session:
    """One session's rows, read under its lock."""

    key: SessionKey
    seats: Sequence[Booking]
    references: Sequence[BookingReference]
    # When ``seats`` holds only the accepted seats joining the meeting: the ids of the seats
    # no longer accepted that still have a live reference.
    left: set[int] | None = None

    @property
    def gone(self) -> set[int]:
        if self.left is not None:
            return self.left
        return {s.id for s in self.seats if s.status != BookingStatus.ACCEPTED}

    @property
    def accepted(self) -> list[Booking]:
        return [s for s in self.seats if s.status == BookingStatus.ACCEPTED]

    @property
    def live(self) -> list[BookingReference]:
        return [r for r in self.references if not r.deleted]


async def _read(session: AsyncSession, organization_id: int, key: SessionKey) -> _Session:
    seats = await repository.seats(session, organization_id, key.event_type_id, key.start)
    references = await repository.session_references(
        session, organization_id, key.event_type_id, key.start
    )
    return _Session(key, seats, references)


Origins = dict[SessionKey, list[SessionKey]]


async def _origins(
    session: AsyncSession, organization_id: int, keys: Sequence[SessionKey]
) -> Origins:
    """For each of ``keys``, the sessions its accepted seats were rescheduled from (their
    meeting may move)."""
    previous_ids: dict[SessionKey, list[int]] = {}
    for key in keys:
        previous_ids[key] = await repository.rescheduled_from(
            session, organization_id, key.event_type_id, key.start
        )
    everyone = [i for ids in previous_ids.values() for i in ids]
    previous = {
        b.id: b for b in await repository.bookings_by_ids(session, organization_id, everyone)
    }
    return {
        key: [k for k in keys_of([previous[i] for i in ids if i in previous]) if k != key]
        for key, ids in previous_ids.items()
    }


async def try_locks(
    session: AsyncSession, organization_id: int, keys: Sequence[SessionKey]
) -> bool:
    """Take every session's lock without waiting; False when one is held elsewhere."""
    ordered = sorted({k.lock_key(organization_id) for k in keys})
    calls = ", ".join(f"pg_try_advisory_xact_lock(:k{i})" for i in range(len(ordered)))
    row = (
        await session.execute(
            text(f"SELECT {calls}"), {f"k{i}": key for i, key in enumerate(ordered)}
        )
    ).one()
    return all(row)


async def session_info(
    session: AsyncSession, organization_id: int, key: SessionKey, seat: Booking
) -> SessionInfo:
    et = await repository.event_type(session, organization_id, key.event_type_id)
    host = await repository.user(session, seat.user_id) if seat.user_id else None
    return SessionInfo(
        organization_id=organization_id,
        event_type_id=key.event_type_id,
        title=et.title if et else seat.title,
        start=seat.start_time,
        end=seat.end_time,
        host_user_id=seat.user_id,
        host_email=host.email if host else None,
        host_name=host.name if host else None,
        time_zone=host.time_zone if host else "UTC",
    )


async def _attach(
    session: AsyncSession, state: _Session, seats: Sequence[Booking], meeting: Meeting
) -> None:
    """Give each seat a reference to ``meeting`` (reusing its row of that type, if any)."""
    by_seat = {(r.booking_id, r.type): r for r in state.references}
    rows: list[BookingReference] = []
    for seat in seats:
        row = by_seat.get((seat.id, meeting.reference_type))
        if row is None:
            row = BookingReference(
                organization_id=seat.organization_id,
                booking_id=seat.id,
                type=meeting.reference_type,
            )
            session.add(row)
        row.uid = meeting.uid
        row.meeting_url = meeting.url
        row.meeting_id = meeting.meeting_id
        row.meeting_password = meeting.password
        row.credential_id = meeting.credential_id
        row.deleted = False
        rows.append(row)
    await session.flush()
    meeting_links.written(session, rows)


def _mark_deleted(references: Sequence[BookingReference]) -> None:
    for reference in references:
        reference.deleted = True


class _NeedsJob(Exception):
    """Work that needs a provider's API, outside a job."""


class Settler:
    def __init__(
        self, session: AsyncSession, organization_id: int, settings: Settings, *, in_job: bool
    ) -> None:
        self.session = session
        self.organization_id = organization_id
        self.settings = settings
        self.in_job = in_job
        # Origins already read under the booking's locks (outside a job only).
        self.origins: Origins = {}

    async def _refused(self, provider: VideoProvider, error: CredentialRefused, what: str) -> None:
        """A provider refused the school's credential: mark it invalid (a Zoom app, so that
        later sessions fall back to Jitsi at once) and tell the admins once."""
        if provider.reference_type != zoom.ZOOM:
            await notices.tell_admins(
                self.session,
                self.organization_id,
                f"{provider.reference_type} refused the connection",
                f"The video provider ({provider.reference_type}) refused the connection while"
                f" it {what}. Reconnect it; meanwhile new sessions get a Jitsi link.",
            )
            return
        if error.credential_id is not None and await zoom.mark_invalid(
            self.session, self.organization_id, error.credential_id
        ):
            await notices.tell_admins(
                self.session,
                self.organization_id,
                "Zoom refused the school's app: reconnect Zoom",
                f"Zoom refused the school's Server-to-Server OAuth app while it {what}. New"
                " sessions get a Jitsi link until Zoom is connected again (PUT"
                " /v2/organizations/{orgId}/conferencing/zoom).",
            )

    async def _provider_for(
        self, reference: BookingReference, info: SessionInfo
    ) -> VideoProvider | None:
        if reference.type == JITSI:
            return JitsiProvider(self.settings)
        if not self.in_job:
            raise _NeedsJob
        return await registry.for_reference_type(self.session, reference.type, info, self.settings)

    async def _create(self, state: _Session, integration: str, info: SessionInfo) -> Meeting:
        if registry.runs_in_transaction(integration):
            return await JitsiProvider(self.settings).create(info)
        if not self.in_job:
            raise _NeedsJob
        provider = await registry.resolve(self.session, integration, info, self.settings)
        if provider is None:
            log.warning(
                "video_provider_unavailable_fallback_jitsi",
                organization_id=self.organization_id,
                integration=integration,
                event_type_id=state.key.event_type_id,
            )
            await notices.tell_admins(
                self.session,
                self.organization_id,
                f"a session got a Jitsi link instead of {integration}",
                f"The session of {info.title} at {info.start:%Y-%m-%d %H:%M} UTC should have had"
                f" a {integration} meeting, but {integration} is not connected (or its"
                " connection was refused). Its students got a Jitsi Meet link instead.",
            )
            return await JitsiProvider(self.settings).create(info)
        try:
            return await provider.create(info)
        except CredentialRefused as refused:
            await self._refused(provider, refused, f"made a meeting for {info.title}")
            return await JitsiProvider(self.settings).create(info)

    async def _move_here(self, state: _Session) -> bool:
        """Move here the meeting of a session this one's seats were rescheduled from, when
        that session has no seat left (``update``: same meeting, new time); True when done.

        Outside a job, a meeting that needs the provider's API is copied to the seats at once
        (the students keep a working link while it moves) and the job does the ``update``;
        if the update fails, the copy stays."""
        known = self.origins.get(state.key)
        if known is None:
            known = (await _origins(self.session, self.organization_id, [state.key]))[state.key]
        for origin in known:
            old = await _read(self.session, self.organization_id, origin)
            if old.accepted or not old.live:
                continue
            reference = old.live[0]
            if state.live and state.live[0].uid != reference.uid:
                continue  # this session has a meeting of its own: the old one goes
            if reference.type != JITSI and not self.in_job:
                if not state.live:
                    await _attach(self.session, state, state.accepted, meeting_of(reference))
                raise _NeedsJob
            info = await session_info(
                self.session, self.organization_id, state.key, state.accepted[0]
            )
            provider = await self._provider_for(reference, info)
            if provider is None:
                continue
            try:
                moved = await provider.update(meeting_of(reference), info)
            except CredentialRefused as refused:
                await self._refused(provider, refused, f"moved a meeting of {info.title}")
                continue
            await _attach(self.session, state, state.accepted, moved)
            _mark_deleted(old.live)
            return True
        return False

    async def _remove(self, state: _Session, info: SessionInfo) -> None:
        reference = state.live[0]
        provider = await self._provider_for(reference, info)
        if provider is None:
            log.warning("video_meeting_left_in_place", type=reference.type, uid=reference.uid)
        else:
            try:
                await provider.delete(meeting_of(reference))
            except CredentialRefused as refused:
                await self._refused(provider, refused, f"removed a meeting of {info.title}")
        _mark_deleted(state.live)

    async def _joining(self, key: SessionKey) -> _Session | None:
        """Outside a job, for a session no seat was rescheduled into (the booking's locks keep
        it so): what settling reads, bounded by the seats that change, not the session's size —
        the accepted seats without the meeting, the meeting, and the references of the seats
        no longer accepted. None when the meeting stays with its seats (the full reading)."""
        if self.in_job or self.origins.get(key) != []:
            return None
        seats, meeting_id = await repository.seats_without_the_meeting(
            self.session, self.organization_id, key.event_type_id, key.start
        )
        if not seats:
            return None
        rows = await repository.meeting_and_leavers(
            self.session,
            self.organization_id,
            key.event_type_id,
            key.start,
            meeting_id,
            [s.id for s in seats],
        )
        left = {r.booking_id for r, accepted in rows if not accepted and not r.deleted}
        return _Session(key, seats, [r for r, _ in rows], left)

    async def settle_one(self, key: SessionKey) -> None:
        state = await self._joining(key) or await _read(self.session, self.organization_id, key)
        accepted, live = state.accepted, state.live
        if accepted and await self._move_here(state):
            pass
        elif accepted and live:
            keep = meeting_of(live[0])
            joining = [
                s
                for s in accepted
                if not any(r.booking_id == s.id and r.uid == keep.uid for r in live)
            ]
            await _attach(self.session, state, joining, keep)
            gone = state.gone
            _mark_deleted([r for r in live if r.booking_id in gone])
        elif accepted:
            et = await repository.event_type(self.session, self.organization_id, key.event_type_id)
            integration = registry.integration_for(et, accepted[0].location)
            if integration is None:
                return
            info = await session_info(self.session, self.organization_id, key, accepted[0])
            await _attach(
                self.session, state, accepted, await self._create(state, integration, info)
            )
        elif live:
            seat = next(s for s in state.seats if any(r.booking_id == s.id for r in live))
            info = await session_info(self.session, self.organization_id, key, seat)
            await self._remove(state, info)
        await self.session.flush()


async def sessions_to_settle(
    session: AsyncSession, organization_id: int, keys: Sequence[SessionKey]
) -> list[SessionKey]:
    """``keys``, then the sessions their seats were rescheduled from (a meeting may move from
    one to the other, so both are locked and settled together, the new one first)."""
    return (await origins_to_settle(session, organization_id, keys))[0]


async def origins_to_settle(
    session: AsyncSession, organization_id: int, keys: Sequence[SessionKey]
) -> tuple[list[SessionKey], Origins]:
    """``sessions_to_settle``, and the origins of each of ``keys`` read on the way (``settle``
    outside a job takes them: the booking's locks keep them as they are)."""
    origins = await _origins(session, organization_id, keys)
    found: list[SessionKey] = []
    for key in keys:
        found += [k for k in origins[key] if k not in found and k not in keys]
    return [*keys, *found], origins


async def settle(
    session: AsyncSession,
    organization_id: int,
    keys: Sequence[SessionKey],
    settings: Settings,
    *,
    in_job: bool,
    origins: Origins | None = None,
) -> bool:
    """Settle the meetings of ``keys`` (from ``sessions_to_settle``), in order. Outside a job
    the caller holds the sessions' locks (``try_locks``) and True means a job must finish the
    work; in a job the locks are taken here (waiting for booking transactions)."""
    if in_job:
        await lock(
            session, *(k.lock_key(organization_id) for k in keys), timeout_ms=JOB_LOCK_TIMEOUT_MS
        )
    settler = Settler(session, organization_id, settings, in_job=in_job)
    if origins is not None and not in_job:
        settler.origins = dict(origins)
    for key in keys:
        try:
            await settler.settle_one(key)
        except _NeedsJob:
            return True
    return False
