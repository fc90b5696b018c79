"""Is a start bookable right now? The slots engine decides, under the booking's locks.

Checks are run twice: without busy time ("is it on the grid, inside hours and window?" → 400)
and, after the locks are held, with everything that is busy ("is it still free?" → 409).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit.errors import BadRequest, Conflict
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.models import EventType, User
from immersio_booking.slots import out_of_office
from immersio_booking.slots import repository as slots_repository
from immersio_booking.slots import service as slots
from immersio_booking.slots.model import HostCalendar, Slot, SlotQuery

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


@dataclass(frozen=True)
class Workshop:
    """A workshop with its hosts and their working rules, loaded once per request; after
    ``covering``, also who is away near the starts and who stands in for them."""

    et: EventType
    hosts: list[User]
    rules: list[HostCalendar]
    away: out_of_office.Cover = out_of_office.Cover()
    stand_in_rules: tuple[HostCalendar, ...] = ()

    @property
    def people(self) -> list[User]:
        """Everyone a booking may go to: the hosts, then the substitutes standing in."""
        return [*self.hosts, *self.away.stand_ins]


async def load(session: AsyncSession, et: EventType) -> Workshop:
    hosts = await slots_repository.hosts(session, await slots.host_ids(session, et))
    return Workshop(et, hosts, await slots.working_rules(session, et, hosts))


async def covering(
    session: AsyncSession, workshop: Workshop, starts: Sequence[datetime], duration: int | None
) -> Workshop:
    """The workshop with the out-of-office entries around ``starts`` (docs/out-of-office.md)."""
    if not starts:
        return workshop
    last = max(starts) + timedelta(minutes=duration or workshop.et.length)
    away = await out_of_office.cover(session, workshop.et, workshop.hosts, (min(starts), last))
    rules = await slots.working_rules(session, workshop.et, list(away.stand_ins))
    return replace(workshop, away=away, stand_in_rules=tuple(rules))


def _window(start: datetime, duration: int) -> tuple[datetime, datetime]:
    return start, start + timedelta(minutes=duration) + timedelta(seconds=1)


def _slot_at(
    workshop: Workshop,
    calendars: list[HostCalendar],
    start: datetime,
    duration: int | None,
    now: datetime,
    absences: Sequence[out_of_office.Absence] = (),
) -> Slot | None:
    if not calendars:
        return None
    window = _window(start, duration or workshop.et.length)
    found = out_of_office.compute(
        slots.event_rules(workshop.et, calendars[0].time_zone),
        calendars,
        [h.id for h in workshop.hosts],
        absences,
        SlotQuery(window[0], window[1], now, calendars[0].time_zone),
        duration,
    )
    return next((s for s in found if s.start == start), None)


def ensure_on_grid(
    workshop: Workshop, starts: Sequence[datetime], duration: int | None, now: datetime
) -> None:
    """Each start is a slot of the workshop when nothing is busy (else 400): of its hosts, or
    of a substitute standing in then. A host away then is the 409 of ``free_slot``."""
    everyone = [*workshop.rules, *workshop.stand_in_rules]
    absences = workshop.away.absences
    for start in starts:
        if _slot_at(workshop, workshop.rules, start, duration, now) is None and (
            not absences or _slot_at(workshop, everyone, start, duration, now, absences) is None
        ):
            raise BadRequest(
                NOT_BOOKABLE, reason="slot_unavailable", details={"start": start.isoformat()}
            )


def session_key(event_type_id: int, start: datetime) -> int:
    """The lock on one session's seats: every booking, reschedule and waitlist offer of the
    session takes it."""
    return lock_key("session", event_type_id, int(start.timestamp()))


async def lock_for(
    session: AsyncSession,
    workshop: Workshop,
    starts: Sequence[datetime],
    timeout_ms: int,
    extra: Sequence[int] = (),
) -> None:
    """Advisory locks on what the booking consumes: each host's time, each session's seats."""
    keys = [lock_key("host-time", h.id) for h in workshop.people]
    keys += [session_key(workshop.et.id, s) for s in starts]
    await lock(session, *keys, *extra, timeout_ms=timeout_ms)


async def free_slot(
    session: AsyncSession,
    workshop: Workshop,
    start: datetime,
    duration: int | None,
    now: datetime,
    exclusions: Exclusions,
) -> Slot:
    """The slot at ``start`` with everything busy counted, or 409 (taken / seats full)."""
    et = workshop.et
    calendars = await slots.with_busy(
        session,
        et,
        workshop.people,
        [*workshop.rules, *workshop.stand_in_rules],
        _window(start, duration or et.length),
        now,
        exclusions.booking_uid,
        exclusions.reservation_uid,
    )
    slot = _slot_at(workshop, calendars, start, duration, now, workshop.away.absences)
    if slot is not None:
        return slot
    if et.seats_per_time_slot:
        from immersio_booking.bookings import repository

        seats = await repository.seats_taken(session, et.organization_id, et.id, start, now)
        holds = await repository.session_holds(
            session, et.organization_id, et.id, start, now, exclusions.reservation_uid
        )
        if seats + holds >= et.seats_per_time_slot:
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
