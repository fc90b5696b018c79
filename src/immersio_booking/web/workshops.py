"""What the public pages show of a tenant's workshops: the list, and their free sessions in
the visitor's time zone (through the slots service, so pages and ``/v2/slots`` agree)."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit.validation import validate_time_zone
from immersio_booking.models import EventType, EventTypeHost, User
from immersio_booking.models.metadata import EventTypeMetadata
from immersio_booking.slots import service as slots
from immersio_booking.slots.service import SlotsRequest
from immersio_booking.waitlist import sessions as waitlist_sessions
from immersio_booking.web.memo import ShortLived
from immersio_booking.web.month import Month

# The next sessions are looked for a week ahead first, a month ahead only when a week has
# too few: most workshops fill their card from the first week, at a quarter of the work.
LANDING_HORIZONS = (timedelta(days=7), timedelta(days=30))
SESSIONS_PER_CARD = 3
# How far the booking page looks for its opening month when the current one has no session.
MONTHS_AHEAD = 6


@dataclass(frozen=True)
class FreeSession:
    start: datetime  # in the visitor's zone
    seats_left: int | None
    # A full session of a seated workshop: shown with its waitlist, not bookable.
    full: bool = False


@dataclass(frozen=True)
class WorkshopCard:
    slug: str
    title: str
    description: str | None
    length: int
    price: int
    currency: str
    topic: str | None
    sessions: list[FreeSession]


# Computing free sessions is most of a page's cost, so landing cards (per school and zone) and
# a month of sessions (per workshop, month and zone) are kept a few seconds. What a page shows
# may be that old; what a booking gets never is (POST /v2/bookings checks afresh, under locks).
_cards: ShortLived[list[WorkshopCard]] = ShortLived(ttl=10.0)
_sessions: ShortLived[dict[date, list[FreeSession]]] = ShortLived(ttl=10.0)


def visitor_zone(asked: str | None) -> str:
    """The zone the visitor asked for (``?tz=``), UTC when none or unknown."""
    if asked:
        try:
            return validate_time_zone(asked)
        except ValueError:
            pass
    return "UTC"


def topic_of(et: EventType) -> str | None:
    return EventTypeMetadata.model_validate(et.metadata_ or {}).topic_category


async def public_workshops(session: AsyncSession, organization_id: int) -> list[EventType]:
    return list(
        (
            await session.execute(
                select(EventType)
                .where(EventType.organization_id == organization_id, EventType.hidden.is_(False))
                .order_by(EventType.id)
            )
        ).scalars()
    )


async def teacher_names(session: AsyncSession, organization_id: int) -> list[str]:
    """The named teachers of the school's public workshops (owners and hosts), A to Z."""
    public = select(EventType.id).where(
        EventType.organization_id == organization_id, EventType.hidden.is_(False)
    )
    owners = select(EventType.user_id).where(EventType.id.in_(public))
    hosts = select(EventTypeHost.user_id).where(
        EventTypeHost.organization_id == organization_id, EventTypeHost.event_type_id.in_(public)
    )
    names = await session.execute(
        select(User.name)
        .where(
            or_(User.id.in_(owners), User.id.in_(hosts)),
            User.name.is_not(None),
            User.name != "",
        )
        .distinct()
        .order_by(User.name)
    )
    return [str(name) for name in names.scalars()]


async def free_sessions(
    session: AsyncSession,
    et: EventType,
    window: tuple[datetime, datetime],
    zone: str,
    now: datetime,
    reschedule_uid: str | None = None,
) -> dict[date, list[FreeSession]]:
    """Free start times of ``et`` in ``window``, by local date in ``zone``."""
    found = await slots.available_slots(
        session,
        None,
        SlotsRequest.of_workshop(et.id, window, zone, reschedule_uid),
        now,
    )
    return {
        date.fromisoformat(day): [_session(item, zone) for item in items]
        for day, items in found.items()
    }


def _session(item: dict[str, Any], zone: str) -> FreeSession:
    start = datetime.fromisoformat(item["start"].replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    return FreeSession(start, item.get("seatsRemaining"))


async def cards(
    session: AsyncSession, organization_id: int, zone: str, now: datetime
) -> list[WorkshopCard]:
    return await _cards.get(
        (organization_id, zone), lambda: _compute_cards(session, organization_id, zone, now)
    )


async def shown_sessions(
    session: AsyncSession,
    et: EventType,
    window: tuple[datetime, datetime],
    zone: str,
    now: datetime,
    reschedule_uid: str | None = None,
) -> dict[date, list[FreeSession]]:
    """``free_sessions`` as pages show them: possibly a few seconds old."""

    def compute() -> Awaitable[dict[date, list[FreeSession]]]:
        return free_sessions(session, et, window, zone, now, reschedule_uid)

    if reschedule_uid is not None:  # the booking's own seat counts as free: not shareable
        return await compute()
    return await _sessions.get((et.id, window, zone), compute)


async def with_full_sessions(
    session: AsyncSession,
    et: EventType,
    free: dict[date, list[FreeSession]],
    window: tuple[datetime, datetime],
    zone: str,
    now: datetime,
) -> dict[date, list[FreeSession]]:
    """``free`` with the full sessions of a seated workshop added (``full``), in time order:
    the booking page offers their waitlist. ``/v2/slots?includeFull=true`` lists the same
    full sessions (``waitlist/sessions.full_starts``)."""
    starts = await waitlist_sessions.full_starts(session, et, window, now)
    if not starts:
        return free
    merged = {day: list(items) for day, items in free.items()}
    tz = ZoneInfo(zone)
    for start in starts:
        local = start.astimezone(tz)
        day = merged.setdefault(local.date(), [])
        if all(s.start != local for s in day):
            day.append(FreeSession(local, 0, full=True))
    return {day: sorted(items, key=lambda s: s.start) for day, items in sorted(merged.items())}


async def opening_month(
    session: AsyncSession,
    et: EventType,
    first: Month,
    zone: str,
    now: datetime,
    reschedule_uid: str | None = None,
) -> tuple[Month, dict[date, list[FreeSession]]]:
    """The first month from ``first`` with a free session (looking ``MONTHS_AHEAD`` ahead),
    and its sessions; ``first`` itself when none has any."""
    month = first
    for _ in range(MONTHS_AHEAD + 1):
        free = await shown_sessions(session, et, month.window(zone), zone, now, reschedule_uid)
        if free:
            return month, free
        month = month.following
    return first, {}


async def _compute_cards(
    session: AsyncSession, organization_id: int, zone: str, now: datetime
) -> list[WorkshopCard]:
    out = []
    for et in await public_workshops(session, organization_id):
        upcoming: list[FreeSession] = []
        for horizon in LANDING_HORIZONS:
            by_day = await free_sessions(session, et, (now, now + horizon), zone, now)
            upcoming = [s for day in sorted(by_day) for s in by_day[day]][:SESSIONS_PER_CARD]
            if len(upcoming) == SESSIONS_PER_CARD:
                break
        out.append(
            WorkshopCard(
                et.slug,
                et.title,
                et.description,
                et.length,
                et.price,
                et.currency,
                topic_of(et),
                upcoming,
            )
        )
    return out
