"""Queries of organizations (tenants). The tenant-scoped read and the settings row are in
``tenancy.repository``, shared with every domain."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Team


async def by_slug(session: AsyncSession, slug: str) -> Team | None:
    return (
        await session.execute(select(Team).where(Team.slug == slug, Team.is_organization.is_(True)))
    ).scalar_one_or_none()


async def list_all(session: AsyncSession, take: int, skip: int) -> list[Team]:
    rows = await session.execute(
        select(Team)
        .where(Team.is_organization.is_(True))
        .order_by(Team.id)
        .limit(take)
        .offset(skip)
    )
    return list(rows.scalars())


async def search(session: AsyncSession, text: str, take: int) -> list[Team]:
    """Schools whose name or slug contains ``text`` (any case), by name; all when empty."""
    query = select(Team).where(Team.is_organization.is_(True))
    if text:
        pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(Team.name.ilike(pattern) | Team.slug.ilike(pattern))
    rows = await session.execute(query.order_by(Team.name, Team.id).limit(take))
    return list(rows.scalars())
