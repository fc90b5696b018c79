"""Tenant lookups every domain needs: the readable organization and its settings row."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import NotFound
from immersio_booking.models import OrganizationSettings, Team


async def readable_organization(
    session: AsyncSession, principal: Principal, organization_id: int
) -> Team:
    """The organization if the caller belongs to it (or is a platform admin); else 404."""
    if not principal.can_see_organization(organization_id):
        raise NotFound("Organization not found")
    org = await session.get(Team, organization_id)
    if org is None or not org.is_organization:
        raise NotFound("Organization not found")
    return org


async def settings_of(session: AsyncSession, organization_id: int) -> OrganizationSettings | None:
    return (
        await session.execute(
            select(OrganizationSettings).where(
                OrganizationSettings.organization_id == organization_id
            )
        )
    ).scalar_one_or_none()
