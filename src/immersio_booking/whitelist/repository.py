"""Queries of workshop whitelists."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import WorkshopWhitelist


async def on_whitelist(
    session: AsyncSession, organization_id: int, event_type_id: int, email: str
) -> bool:
    found = await session.execute(
        select(WorkshopWhitelist.id).where(
            WorkshopWhitelist.organization_id == organization_id,
            WorkshopWhitelist.event_type_id == event_type_id,
            WorkshopWhitelist.email == email.strip().lower(),
        )
    )
    return found.first() is not None


async def whitelist(
    session: AsyncSession, organization_id: int, event_type_id: int
) -> list[WorkshopWhitelist]:
    rows = await session.execute(
        select(WorkshopWhitelist)
        .where(
            WorkshopWhitelist.organization_id == organization_id,
            WorkshopWhitelist.event_type_id == event_type_id,
        )
        .order_by(WorkshopWhitelist.id)
    )
    return list(rows.scalars())


async def whitelist_entry(
    session: AsyncSession, organization_id: int, event_type_id: int, entry_id: int
) -> WorkshopWhitelist | None:
    return (
        await session.execute(
            select(WorkshopWhitelist).where(
                WorkshopWhitelist.organization_id == organization_id,
                WorkshopWhitelist.event_type_id == event_type_id,
                WorkshopWhitelist.id == entry_id,
            )
        )
    ).scalar_one_or_none()


async def sizes(session: AsyncSession, organization_id: int) -> dict[int, int]:
    """How many students each workshop's list holds (workshops with an empty list absent)."""
    rows = await session.execute(
        select(WorkshopWhitelist.event_type_id, func.count())
        .where(WorkshopWhitelist.organization_id == organization_id)
        .group_by(WorkshopWhitelist.event_type_id)
    )
    return {event_type_id: int(n) for event_type_id, n in rows.all()}
