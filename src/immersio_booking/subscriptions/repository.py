"""Queries of tenant subscriptions."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import TenantSubscription


async def of_tenant(session: AsyncSession, organization_id: int) -> TenantSubscription | None:
    return (
        await session.execute(
            select(TenantSubscription).where(TenantSubscription.tenant_id == organization_id)
        )
    ).scalar_one_or_none()
