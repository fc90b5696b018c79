"""The team named by ``{teamId}`` inside ``{orgId}``: the organization itself or a sub-team."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.schemas import ResourceId
from immersio_booking.models import Team
from immersio_booking.teams import repository as teams_repository
from immersio_booking.tenancy.dependencies import ReadableOrganization


async def _team_in_organization(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    session: Session,
) -> Team:
    if teamId == org.id:
        return org
    team = await teams_repository.team(session, org.id, teamId)
    if team is None:
        raise NotFound("Team not found")
    return team


TeamInOrganization = Annotated[Team, Depends(_team_in_organization)]
