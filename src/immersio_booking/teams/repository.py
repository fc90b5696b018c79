"""Queries of sub-teams, always inside one organization."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Membership, Team


async def teams(session: AsyncSession, organization_id: int, take: int, skip: int) -> list[Team]:
    rows = await session.execute(
        select(Team)
        .where(Team.organization_id == organization_id, Team.is_organization.is_(False))
        .order_by(Team.id)
        .limit(take)
        .offset(skip)
    )
    return list(rows.scalars())


async def team(session: AsyncSession, organization_id: int, team_id: int) -> Team | None:
    return (
        await session.execute(
            select(Team).where(
                Team.id == team_id,
                Team.organization_id == organization_id,
                Team.is_organization.is_(False),
            )
        )
    ).scalar_one_or_none()


async def by_slug(session: AsyncSession, parent_id: int, slug: str) -> Team | None:
    return (
        await session.execute(select(Team).where(Team.parent_id == parent_id, Team.slug == slug))
    ).scalar_one_or_none()


async def teams_of_user(
    session: AsyncSession, organization_id: int, user_id: int
) -> list[tuple[Team, Membership]]:
    rows = await session.execute(
        select(Team, Membership)
        .join(Membership, Membership.team_id == Team.id)
        .where(
            Team.organization_id == organization_id,
            Team.is_organization.is_(False),
            Membership.user_id == user_id,
        )
        .order_by(Team.id)
    )
    return [(t, m) for t, m in rows.all()]
