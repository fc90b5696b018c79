"""Queries of event types and their hosts; every query names the organization."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import EventType, EventTypeHost, Membership, Profile, Team, User


async def event_type(
    session: AsyncSession, organization_id: int, event_type_id: int
) -> EventType | None:
    return (
        await session.execute(
            select(EventType).where(
                EventType.id == event_type_id, EventType.organization_id == organization_id
            )
        )
    ).scalar_one_or_none()


async def by_slug(session: AsyncSession, organization_id: int, slug: str) -> EventType | None:
    return (
        await session.execute(
            select(EventType).where(
                EventType.organization_id == organization_id, EventType.slug == slug
            )
        )
    ).scalar_one_or_none()


async def count(session: AsyncSession, organization_id: int) -> int:
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(EventType)
                .where(EventType.organization_id == organization_id)
            )
        ).scalar_one()
    )


async def of_user(
    session: AsyncSession,
    organization_id: int,
    user_id: int,
    include_hidden: bool,
    newest_first: bool,
) -> list[EventType]:
    statement = select(EventType).where(
        EventType.organization_id == organization_id,
        EventType.user_id == user_id,
        EventType.team_id.is_(None),
    )
    if not include_hidden:
        statement = statement.where(EventType.hidden.is_(False))
    order = EventType.id.desc() if newest_first else EventType.id
    return list((await session.execute(statement.order_by(order))).scalars())


async def of_team(
    session: AsyncSession, organization_id: int, team_id: int | None
) -> list[EventType]:
    statement = select(EventType).where(EventType.organization_id == organization_id)
    statement = (
        statement.where(EventType.team_id == team_id)
        if team_id is not None
        else statement.where(EventType.team_id.is_not(None))
    )
    return list((await session.execute(statement.order_by(EventType.id))).scalars())


async def hosts(
    session: AsyncSession, organization_id: int, event_type_ids: Sequence[int]
) -> list[tuple[EventTypeHost, User]]:
    if not event_type_ids:
        return []
    rows = await session.execute(
        select(EventTypeHost, User)
        .join(User, User.id == EventTypeHost.user_id)
        .where(
            EventTypeHost.organization_id == organization_id,
            EventTypeHost.event_type_id.in_(event_type_ids),
        )
        .order_by(EventTypeHost.id)
    )
    return [(h, u) for h, u in rows.all()]


async def accepted_member_ids(
    session: AsyncSession, organization_id: int, team_id: int
) -> list[int]:
    rows = await session.execute(
        select(Membership.user_id).where(
            Membership.organization_id == organization_id,
            Membership.team_id == team_id,
            Membership.accepted.is_(True),
        )
    )
    return [int(r) for r in rows.scalars()]


async def user_in_org_by_username(
    session: AsyncSession, organization_id: int | None, username: str
) -> User | None:
    statement = (
        select(User).join(Profile, Profile.user_id == User.id).where(Profile.username == username)
    )
    if organization_id is not None:
        statement = statement.where(Profile.organization_id == organization_id)
    rows = (await session.execute(statement.limit(2))).scalars().all()
    # Without an organization the username must be unambiguous across tenants.
    return rows[0] if len(rows) == 1 else None


async def organization(session: AsyncSession, organization_id: int) -> Team | None:
    return await session.get(Team, organization_id)


async def teachers(session: AsyncSession, et: EventType) -> list[User]:
    """Who teaches ``et``: its hosts (a team workshop), else its owner; members of its school
    only, in the order they were added."""
    host_ids = select(EventTypeHost.user_id).where(
        EventTypeHost.organization_id == et.organization_id,
        EventTypeHost.event_type_id == et.id,
    )
    wanted = User.id.in_(host_ids) if et.team_id is not None else User.id == et.user_id
    members = select(Membership.user_id).where(Membership.organization_id == et.organization_id)
    rows = await session.execute(select(User).where(wanted, User.id.in_(members)).order_by(User.id))
    return list(rows.scalars())


async def of_organization(session: AsyncSession, organization_id: int) -> list[EventType]:
    """Every workshop of the school, hidden ones too, by title (the dashboard's filters)."""
    statement = select(EventType).where(EventType.organization_id == organization_id)
    return list(
        (await session.execute(statement.order_by(EventType.title, EventType.id))).scalars()
    )
