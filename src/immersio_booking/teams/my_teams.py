"""``GET /v2/teams`` (Cal.com): the caller's teams, wherever the caller's school is."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.pagination import PageParams
from immersio_booking.kit.schemas import Envelope, ok
from immersio_booking.teams import service
from immersio_booking.teams.schemas import MyTeamOut

router = APIRouter(prefix="/v2/teams", tags=["Teams"])


@router.get("")
async def list_my_teams(
    principal: AuthSubject, session: Session, page: PageParams
) -> Envelope[list[MyTeamOut]]:
    """The caller's teams in their organization (as ``/v2/organizations/{orgId}/teams/me``),
    by id; ``take``/``skip`` page them. A caller outside any organization has none."""
    if principal.organization_id is None:
        return ok([])
    mine = await service.teams_of(session, principal.organization_id, principal.user_id)
    return ok(mine[page.skip : page.skip + page.take])
