"""Queries of the auth domain: keys, principals, impersonation targets."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import ApiKey, Membership, User


async def key_with_user(session: AsyncSession, hashed_key: str) -> tuple[ApiKey, User] | None:
    row = (
        await session.execute(
            select(ApiKey, User)
            .join(User, User.id == ApiKey.user_id)
            .where(ApiKey.hashed_key == hashed_key)
        )
    ).first()
    return (row[0], row[1]) if row else None


async def membership(
    session: AsyncSession, organization_id: int, user_id: int, team_id: int
) -> Membership | None:
    return (
        await session.execute(
            select(Membership).where(
                Membership.organization_id == organization_id,
                Membership.user_id == user_id,
                Membership.team_id == team_id,
            )
        )
    ).scalar_one_or_none()


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def touch_key(session: AsyncSession, key_id: int, now: datetime) -> None:
    await session.execute(update(ApiKey).where(ApiKey.id == key_id).values(last_used_at=now))


async def revoke_keys_of_user(session: AsyncSession, user_id: int, now: datetime) -> int:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.user_id == user_id, ApiKey.revoked_at.is_(None))
        .values(revoked_at=now)
        .returning(ApiKey.id)
    )
    return len(result.all())


async def keys_of_user(session: AsyncSession, user_id: int) -> list[ApiKey]:
    rows = await session.execute(
        select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id)
    )
    return list(rows.scalars())


async def key_of_user(
    session: AsyncSession, user_id: int, key_id: int, *, for_update: bool = False
) -> ApiKey | None:
    query = select(ApiKey).where(ApiKey.id == key_id, ApiKey.user_id == user_id)
    return (
        await session.execute(query.with_for_update() if for_update else query)
    ).scalar_one_or_none()
