"""Queries of out-of-office entries; every query names its organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Literal

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Membership, OutOfOfficeEntry, User

Order = Literal["asc", "desc"]


async def entries_of(
    session: AsyncSession,
    organization_id: int,
    user_id: int,
    take: int,
    skip: int,
    sort_start: Order | None = None,
    sort_end: Order | None = None,
) -> list[OutOfOfficeEntry]:
    """One user's entries; ``sortStart`` wins over ``sortEnd`` (then the id keeps it stable)."""
    order = []
    if sort_start:
        column = OutOfOfficeEntry.start_time
        order.append(column.asc() if sort_start == "asc" else column.desc())
    if sort_end:
        column = OutOfOfficeEntry.end_time
        order.append(column.asc() if sort_end == "asc" else column.desc())
    rows = await session.execute(
        select(OutOfOfficeEntry)
        .where(
            OutOfOfficeEntry.organization_id == organization_id,
            OutOfOfficeEntry.user_id == user_id,
        )
        .order_by(*order, OutOfOfficeEntry.id)
        .limit(take)
        .offset(skip)
    )
    return list(rows.scalars())


async def entry(
    session: AsyncSession, organization_id: int, user_id: int, entry_id: int
) -> OutOfOfficeEntry | None:
    return (
        await session.execute(
            select(OutOfOfficeEntry).where(
                OutOfOfficeEntry.organization_id == organization_id,
                OutOfOfficeEntry.user_id == user_id,
                OutOfOfficeEntry.id == entry_id,
            )
        )
    ).scalar_one_or_none()


async def overlapping(
    session: AsyncSession,
    organization_id: int,
    user_id: int,
    start: datetime,
    end: datetime,
    except_id: int | None = None,
) -> OutOfOfficeEntry | None:
    """An entry of ``user_id`` sharing some time with [start, end) (touching ends do not)."""
    statement = select(OutOfOfficeEntry).where(
        OutOfOfficeEntry.organization_id == organization_id,
        OutOfOfficeEntry.user_id == user_id,
        OutOfOfficeEntry.start_time < end,
        OutOfOfficeEntry.end_time > start,
    )
    if except_id is not None:
        statement = statement.where(OutOfOfficeEntry.id != except_id)
    return (await session.execute(statement.limit(1))).scalar_one_or_none()


# Built once: every slots request runs it (the values are bound parameters).
_AWAY_NEAR = (
    select(OutOfOfficeEntry)
    .where(
        OutOfOfficeEntry.organization_id == bindparam("organization_id"),
        OutOfOfficeEntry.user_id.in_(bindparam("user_ids", expanding=True)),
        OutOfOfficeEntry.start_time < bindparam("end"),
        OutOfOfficeEntry.end_time > bindparam("start"),
    )
    .order_by(OutOfOfficeEntry.start_time, OutOfOfficeEntry.id)
)


async def away_near(
    session: AsyncSession,
    organization_id: int,
    user_ids: Sequence[int],
    start: datetime,
    end: datetime,
) -> list[OutOfOfficeEntry]:
    """Entries of these users that share some time with [start, end), in start order."""
    if not user_ids:
        return []
    rows = await session.execute(
        _AWAY_NEAR,
        {
            "organization_id": organization_id,
            "user_ids": list(user_ids),
            "start": start,
            "end": end,
        },
    )
    return list(rows.scalars())


async def member(session: AsyncSession, organization_id: int, user_id: int) -> User | None:
    """The user if they hold an accepted membership of the organization itself."""
    return (
        await session.execute(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(
                User.organization_id == organization_id,
                User.id == user_id,
                Membership.organization_id == organization_id,
                Membership.team_id == organization_id,
                Membership.accepted.is_(True),
            )
        )
    ).scalar_one_or_none()
