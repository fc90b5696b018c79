"""Queries of organization users and team memberships; every query names its organization."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Membership, Profile, User

UserRow = tuple[User, Membership | None, Profile | None]


def _users_statement(organization_id: int) -> Select[User, Membership, Profile]:
    return (
        select(User, Membership, Profile)
        .outerjoin(
            Membership,
            (Membership.user_id == User.id) & (Membership.team_id == organization_id),
        )
        .outerjoin(
            Profile,
            (Profile.user_id == User.id) & (Profile.organization_id == organization_id),
        )
        .where(User.organization_id == organization_id)
    )


async def users(
    session: AsyncSession,
    organization_id: int,
    take: int,
    skip: int,
    emails: Sequence[str] | None = None,
) -> list[UserRow]:
    statement = _users_statement(organization_id).order_by(User.id).limit(take).offset(skip)
    if emails:
        statement = statement.where(User.email.in_([e.strip().lower() for e in emails]))
    rows = await session.execute(statement)
    return [(u, m, p) for u, m, p in rows.all()]


async def user(session: AsyncSession, organization_id: int, user_id: int) -> UserRow | None:
    row = (
        await session.execute(_users_statement(organization_id).where(User.id == user_id))
    ).first()
    return (row[0], row[1], row[2]) if row else None


async def count_users(session: AsyncSession, organization_id: int) -> int:
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(User)
                .where(User.organization_id == organization_id)
            )
        ).scalar_one()
    )


def _memberships_statement(organization_id: int, team_id: int) -> Select[Membership, User]:
    return (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == organization_id, Membership.team_id == team_id)
    )


async def memberships(
    session: AsyncSession, organization_id: int, team_id: int, take: int, skip: int
) -> list[tuple[Membership, User]]:
    rows = await session.execute(
        _memberships_statement(organization_id, team_id)
        .order_by(Membership.id)
        .limit(take)
        .offset(skip)
    )
    return [(m, u) for m, u in rows.all()]


async def membership(
    session: AsyncSession, organization_id: int, team_id: int, membership_id: int
) -> tuple[Membership, User] | None:
    row = (
        await session.execute(
            _memberships_statement(organization_id, team_id).where(Membership.id == membership_id)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def membership_of_user(
    session: AsyncSession, organization_id: int, team_id: int, user_id: int
) -> Membership | None:
    return (
        await session.execute(
            select(Membership).where(
                Membership.organization_id == organization_id,
                Membership.team_id == team_id,
                Membership.user_id == user_id,
            )
        )
    ).scalar_one_or_none()


async def count_owners(session: AsyncSession, organization_id: int, team_id: int) -> int:
    return int(
        (
            await session.execute(
                select(func.count())
                .select_from(Membership)
                .where(
                    Membership.organization_id == organization_id,
                    Membership.team_id == team_id,
                    Membership.role == "OWNER",
                    Membership.accepted.is_(True),
                )
            )
        ).scalar_one()
    )


async def profile(session: AsyncSession, organization_id: int, user_id: int) -> Profile | None:
    return (
        await session.execute(
            select(Profile).where(
                Profile.organization_id == organization_id, Profile.user_id == user_id
            )
        )
    ).scalar_one_or_none()


async def admin_emails(session: AsyncSession, organization_id: int) -> list[str]:
    """Emails of the organization's accepted OWNERs and ADMINs (who get operational alerts)."""
    rows = await session.execute(
        select(User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(
            Membership.team_id == organization_id,
            Membership.accepted.is_(True),
            Membership.role.in_(("OWNER", "ADMIN")),
        )
    )
    return list(rows.scalars())
