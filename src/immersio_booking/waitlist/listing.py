"""The lines as the school reads them, and a student's place in line.

Position is first come, first served: the rank by ``id`` among the entries still in line
(waiting or offered) of the same session. Every query is filtered by the tenant."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit.pagination import Page
from immersio_booking.models.waitlist import IN_LINE, WaitlistEntry


def in_line() -> ColumnElement[bool]:
    return WaitlistEntry.status.in_(IN_LINE)


def _session_of(organization_id: int, event_type_id: int, start: datetime) -> ColumnElement[bool]:
    return and_(
        WaitlistEntry.organization_id == organization_id,
        WaitlistEntry.event_type_id == event_type_id,
        WaitlistEntry.start_time == start,
    )


async def position_of(session: AsyncSession, entry: WaitlistEntry) -> int:
    """1 for the next in line; 0 when the entry is no longer in line."""
    if entry.status not in IN_LINE:
        return 0
    ahead = await session.execute(
        select(func.count())
        .select_from(WaitlistEntry)
        .where(
            _session_of(entry.organization_id, entry.event_type_id, entry.start_time),
            in_line(),
            WaitlistEntry.id <= entry.id,
        )
    )
    return int(ahead.scalar_one())


async def waiting_of(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime, email: str
) -> WaitlistEntry | None:
    """The entry ``email`` has in that session's line, if any."""
    found = await session.execute(
        select(WaitlistEntry).where(
            _session_of(organization_id, event_type_id, start),
            in_line(),
            WaitlistEntry.email == email,
        )
    )
    return found.scalar_one_or_none()


async def waiting_counts(
    session: AsyncSession,
    organization_id: int,
    since: datetime,
    until: datetime,
    event_type_id: int | None = None,
) -> dict[tuple[int, datetime], int]:
    """How many are in line for each session starting in [since, until), by (workshop, start):
    one query for a page of sessions (of one workshop with ``event_type_id``)."""
    query = select(WaitlistEntry.event_type_id, WaitlistEntry.start_time, func.count()).where(
        WaitlistEntry.organization_id == organization_id,
        WaitlistEntry.start_time >= since,
        WaitlistEntry.start_time < until,
        in_line(),
    )
    if event_type_id is not None:
        query = query.where(WaitlistEntry.event_type_id == event_type_id)
    rows = await session.execute(
        query.group_by(WaitlistEntry.event_type_id, WaitlistEntry.start_time)
    )
    return {(et, start): int(count) for et, start, count in rows.all()}


@dataclass(frozen=True)
class Ranked:
    entry: WaitlistEntry
    position: int


def _ranked(where: ColumnElement[bool]) -> Select[int, int]:
    """Entries with their place in line (a running count of the entries in line of their
    session, in id order; 0 for one out of line): in line first, then the others."""
    running = (
        func.count(WaitlistEntry.id)
        .filter(in_line())
        .over(
            partition_by=(WaitlistEntry.event_type_id, WaitlistEntry.start_time),
            order_by=WaitlistEntry.id,
        )
    )
    return select(WaitlistEntry.id, running.label("position")).where(where)


def _rows(rows: list[tuple[WaitlistEntry, int]]) -> list[Ranked]:
    return [Ranked(e, int(p) if e.status in IN_LINE else 0) for e, p in rows]


async def session_line(
    session: AsyncSession, organization_id: int, event_type_id: int, start: datetime, page: Page
) -> tuple[list[Ranked], int]:
    """One session's entries (in line first, in order; then the ended ones), a page of them."""
    where = _session_of(organization_id, event_type_id, start)
    total = await session.execute(select(func.count()).select_from(WaitlistEntry).where(where))
    ranked = _ranked(where).subquery()
    entry = select(WaitlistEntry, ranked.c.position).join(ranked, ranked.c.id == WaitlistEntry.id)
    rows = await session.execute(
        entry.order_by(WaitlistEntry.status.notin_(IN_LINE), WaitlistEntry.id)
        .limit(page.take)
        .offset(page.skip)
    )
    return _rows([(e, p) for e, p in rows.all()]), int(total.scalar_one())


async def workshop_sessions(
    session: AsyncSession, organization_id: int, event_type_id: int, since: datetime, page: Page
) -> tuple[list[tuple[datetime, list[Ranked]]], int]:
    """The upcoming sessions of a workshop that have a line (a page of sessions, soonest
    first), each with its entries as ``session_line`` orders them."""
    where = and_(
        WaitlistEntry.organization_id == organization_id,
        WaitlistEntry.event_type_id == event_type_id,
        WaitlistEntry.start_time >= since,
    )
    starts_query = select(WaitlistEntry.start_time).where(where).distinct()
    total = await session.execute(select(func.count()).select_from(starts_query.subquery()))
    starts = list(
        (
            await session.execute(
                starts_query.order_by(WaitlistEntry.start_time).limit(page.take).offset(page.skip)
            )
        ).scalars()
    )
    if not starts:
        return [], int(total.scalar_one())
    ranked = _ranked(and_(where, WaitlistEntry.start_time.in_(starts))).subquery()
    rows = await session.execute(
        select(WaitlistEntry, ranked.c.position)
        .join(ranked, ranked.c.id == WaitlistEntry.id)
        .order_by(WaitlistEntry.start_time, WaitlistEntry.status.notin_(IN_LINE), WaitlistEntry.id)
    )
    by_start: dict[datetime, list[Ranked]] = {s: [] for s in starts}
    for item in _rows([(e, p) for e, p in rows.all()]):
        by_start[item.entry.start_time].append(item)
    return list(by_start.items()), int(total.scalar_one())


async def by_uid(session: AsyncSession, uid: str) -> WaitlistEntry | None:
    """An entry by its uid, any tenant: the caller proves the right to it (the signed leave
    link, or ``access.staff_workshop`` on its workshop, which fails closed)."""
    found = await session.execute(select(WaitlistEntry).where(WaitlistEntry.uid == uid))
    return found.scalar_one_or_none()
