"""Is a start bookable right now? The slots engine decides, under the booking's locks.

Checks are run twice: without busy time ("is it on the grid, inside hours and window?" → 400)
and, after the locks are held, with everything that is busy ("is it still free?" → 409).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit.errors import BadRequest, Conflict
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import EventType, User
from immersio_booking.slots import repository as slots_repository
from immersio_booking.slots import service as slots
from immersio_booking.slots.engine import compute_slots
from immersio_booking.slots.model import Slot, SlotQuery

NOT_BOOKABLE = (
    'The workshop can\'t be booked at the "start" time provided: it is not one of its slots'
    " (too soon, too far ahead, outside the teacher's hours or off the grid)."
    " Fetch /v2/slots first."
)


@dataclass(frozen=True)
class Exclusions:
    """Holds that belong to this very request: its own reservation, the booking it moves."""

    booking_uid: str | None = None
    reservation_uid: str | None = None


async def hosts_of(session: AsyncSession, et: EventType) -> list[User]:
    return await slots_repository.hosts(session, await slots.host_ids(session, et))


def _window(start: datetime, duration: int) -> tuple[datetime, datetime]:
    return start, start + timedelta(minutes=duration) + timedelta(seconds=1)


async def _slot_at(
    session: AsyncSession,
    et: EventType,
    hosts: list[User],
    start: datetime,
    duration: int | None,
    now: datetime,
    exclusions: Exclusions,
    with_busy: bool,
) -> Slot | None:
    length = duration or et.length
    window = _window(start, length)
    calendars = await slots.calendars(
        session,
        et,
        hosts,
        window,
        now,
        exclusions.booking_uid,
        exclusions.reservation_uid,
        with_busy=with_busy,
    )
    if not calendars:
        return None
    found = compute_slots(
        slots.event_rules(et, calendars[0].time_zone),
        calendars,
        SlotQuery(window[0], window[1], now, calendars[0].time_zone),
        duration,
    )
    return next((s for s in found if s.start == start), None)


async def ensure_on_grid(
    session: AsyncSession,
    et: EventType,
    hosts: list[User],
    starts: Sequence[datetime],
    duration: int | None,
    now: datetime,
) -> None:
    for start in starts:
        if await _slot_at(session, et, hosts, start, duration, now, Exclusions(), False) is None:
            raise BadRequest(
                NOT_BOOKABLE, reason="slot_unavailable", details={"start": start.isoformat()}
            )


async def lock_for(
    session: AsyncSession,
    et: EventType,
    hosts: list[User],
    starts: Sequence[datetime],
    timeout_ms: int,
    extra: Sequence[int] = (),
) -> None:
    """Advisory locks on what the booking consumes: each host's time, each session's seats."""
    keys = [lock_key("host-time", h.id) for h in hosts]
    keys += [lock_key("session", et.id, int(s.timestamp())) for s in starts]
    await lock(session, *keys, *extra, timeout_ms=timeout_ms)


async def free_slot(
    session: AsyncSession,
    et: EventType,
    hosts: list[User],
    start: datetime,
    duration: int | None,
    now: datetime,
    exclusions: Exclusions,
) -> Slot:
    """The slot at ``start`` with everything busy counted, or 409 (taken / seats full)."""
    slot = await _slot_at(session, et, hosts, start, duration, now, exclusions, True)
    if slot is not None:
        return slot
    if et.seats_per_time_slot:
        from immersio_booking.bookings import repository

        seats = await repository.session_seats(session, et.organization_id, et.id, start, now)
        holds = await repository.session_holds(
            session, et.organization_id, et.id, start, now, exclusions.reservation_uid
        )
        if len(seats) + holds >= et.seats_per_time_slot:
            raise Conflict(
                "No more seats left at this workshop session.",
                reason="seats_full",
                details={"seatsTotal": et.seats_per_time_slot},
            )
    raise Conflict(
        "This time is no longer available: the teacher is busy then.",
        reason="slot_unavailable",
        details={"start": start.isoformat()},
    )
