"""The caller as ``/v2/me`` describes it (read by ``GET`` and answered by ``PATCH``)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.auth import repository
from immersio_booking.auth.principal import Principal
from immersio_booking.auth.schemas import MeMembership, MeOrganization, MeOut
from immersio_booking.kit.errors import NotFound
from immersio_booking.models import Team


async def describe_me(session: AsyncSession, principal: Principal) -> MeOut:
    user = await repository.get_user(session, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    org = await session.get(Team, user.organization_id) if user.organization_id else None
    memberships = await global_lookups.memberships_of_user(session, user.id)
    return MeOut(
        id=user.id,
        uuid=user.uuid,
        email=user.email,
        username=user.username,
        name=user.name,
        time_zone=user.time_zone,
        locale=user.locale,
        default_schedule_id=user.default_schedule_id,
        organization_id=user.organization_id,
        organization=MeOrganization(id=org.id, slug=org.slug, is_platform=org.is_platform)
        if org
        else None,
        is_platform_admin=user.is_platform_admin,
        memberships=[
            MeMembership(
                team_id=m.team_id, role=m.role, accepted=m.accepted, is_organization=is_org
            )
            for m, is_org in memberships
        ],
        actor_user_id=principal.actor_user_id,
    )
