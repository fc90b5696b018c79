"""Queries of schedules and their availability rows, always inside one organization."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Availability, Membership, Schedule


async def schedule(
    session: AsyncSession, organization_id: int, schedule_id: int
) -> Schedule | None:
    return (
        await session.execute(
            select(Schedule).where(
                Schedule.id == schedule_id, Schedule.organization_id == organization_id
            )
        )
    ).scalar_one_or_none()


async def schedules_of(session: AsyncSession, organization_id: int, user_id: int) -> list[Schedule]:
    rows = await session.execute(
        select(Schedule)
        .where(Schedule.organization_id == organization_id, Schedule.user_id == user_id)
        .order_by(Schedule.id)
    )
    return list(rows.scalars())


async def availability_of(
    session: AsyncSession, organization_id: int, schedule_ids: Sequence[int]
) -> list[Availability]:
    if not schedule_ids:
        return []
    rows = await session.execute(
        select(Availability)
        .where(
            Availability.organization_id == organization_id,
            Availability.schedule_id.in_(schedule_ids),
        )
        .order_by(Availability.id)
    )
    return list(rows.scalars())


async def clear_availability(
    session: AsyncSession, organization_id: int, schedule_id: int, overrides: bool
) -> None:
    kind = Availability.date.is_not(None) if overrides else Availability.date.is_(None)
    await session.execute(
        delete(Availability).where(
            Availability.organization_id == organization_id,
            Availability.schedule_id == schedule_id,
            kind,
        )
    )


async def is_member(session: AsyncSession, organization_id: int, user_id: int) -> bool:
    """Does ``user_id`` belong to the organization (invited or accepted)?"""
    found = await session.execute(
        select(Membership.id).where(
            Membership.organization_id == organization_id,
            Membership.team_id == organization_id,
            Membership.user_id == user_id,
        )
    )
    return found.first() is not None
