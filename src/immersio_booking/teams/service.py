"""Sub-team rules: slugs unique within the parent, private teams hide their members."""

from __future__ import annotations

import re

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import BadRequest, Conflict, NotFound
from immersio_booking.models import Membership, Team
from immersio_booking.organizations.platform_metadata import refuse_platform_keys
from immersio_booking.organizations.schemas import checked_team_metadata
from immersio_booking.teams import repository
from immersio_booking.teams.schemas import MyTeamOut, TeamCreate, TeamOut, TeamPatch


def _slug_of(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:64].strip("-")
    if not slug:
        raise BadRequest("Give a slug: none can be made from this name", reason="invalid_slug")
    return slug


async def teams_of(session: AsyncSession, organization_id: int, user_id: int) -> list[MyTeamOut]:
    """The user's teams in the organization, with their role and whether they accepted."""
    return [
        MyTeamOut(**TeamOut.model_validate(t).model_dump(), role=m.role, accepted=m.accepted)
        for t, m in await repository.teams_of_user(session, organization_id, user_id)
    ]


async def get(session: AsyncSession, organization_id: int, team_id: int) -> Team:
    found = await repository.team(session, organization_id, team_id)
    if found is None:
        raise NotFound("Team not found")
    return found


async def _ensure_slug_free(
    session: AsyncSession, parent_id: int, slug: str, except_id: int | None = None
) -> None:
    existing = await repository.by_slug(session, parent_id, slug)
    if existing is not None and existing.id != except_id:
        raise Conflict(f"The slug '{slug}' is taken in this team", reason="slug_taken")


async def create(session: AsyncSession, principal: Principal, org: Team, body: TeamCreate) -> Team:
    principal.require_org_admin(org.id)
    metadata = checked_team_metadata(body.metadata) or {}
    refuse_platform_keys(principal, {}, metadata)
    parent_id = org.id
    if body.parent_id is not None and body.parent_id != org.id:
        parent_id = (await get(session, org.id, body.parent_id)).id
    slug = body.slug or _slug_of(body.name)
    await _ensure_slug_free(session, parent_id, slug)
    team = Team(
        name=body.name,
        slug=slug,
        parent_id=parent_id,
        organization_id=org.id,
        is_organization=False,
        is_private=body.is_private,
        logo_url=body.logo_url,
        bio=body.bio,
        brand_color=body.brand_color,
        banner_url=body.banner_url,
        metadata_=metadata,
    )
    session.add(team)
    await session.flush()
    if body.auto_accept_creator:
        session.add(
            Membership(
                user_id=principal.user_id,
                team_id=team.id,
                organization_id=org.id,
                role="OWNER",
                accepted=True,
            )
        )
        await session.flush()
    await session.refresh(team)
    return team


async def patch(
    session: AsyncSession, principal: Principal, org: Team, team_id: int, body: TeamPatch
) -> Team:
    team = await get(session, org.id, team_id)
    if principal.roles.get(team.id) not in ("OWNER", "ADMIN"):
        principal.require_org_admin(org.id)
    changes = body.model_dump(exclude_unset=True)
    if changes.get("metadata"):
        refuse_platform_keys(principal, team.metadata_, checked_team_metadata(changes["metadata"]))
    if changes.get("slug"):
        await _ensure_slug_free(session, team.parent_id or org.id, changes["slug"], team.id)
    for field, value in changes.items():
        if field == "metadata":
            team.metadata_ = {**(team.metadata_ or {}), **(checked_team_metadata(value) or {})}
        elif field in ("name", "slug", "is_private") and value is None:
            continue
        else:
            setattr(team, field, value)
    await session.flush()
    await session.refresh(team)
    return team


async def delete(session: AsyncSession, principal: Principal, org: Team, team_id: int) -> Team:
    principal.require_org_admin(org.id)
    team = await get(session, org.id, team_id)
    await session.delete(team)
    await session.flush()
    return team


def can_see_members(principal: Principal, org_id: int, team: Team) -> bool:
    """Private teams show their members only to their members and organization admins."""
    return not team.is_private or team.id in principal.roles or principal.is_org_admin(org_id)


def can_manage_members(principal: Principal, org_id: int, team: Team) -> bool:
    return principal.roles.get(team.id) in ("OWNER", "ADMIN") or principal.is_org_admin(org_id)
