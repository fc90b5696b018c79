"""Queries of workshop whitelists."""

from __future__ import annotations

from sqlalchemy import select
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
