"""``/v2/organizations/{orgId}/teams`` and their memberships."""

from __future__ import annotations

from fastapi import APIRouter, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import Forbidden, NotFound
from immersio_booking.kit.pagination import PageParams
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.members import memberships
from immersio_booking.members import repository as members_repository
from immersio_booking.members.endpoints import membership_out
from immersio_booking.members.schemas import MembershipCreate, MembershipOut, MembershipPatch
from immersio_booking.models import Membership, Team, User
from immersio_booking.teams import repository, service
from immersio_booking.teams.schemas import MyTeamOut, TeamCreate, TeamOut, TeamPatch
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations/{orgId}/teams", tags=["Organization teams"])


@router.get("")
async def list_teams(
    org: ReadableOrganization,
    session: Session,
    page: PageParams,
) -> Envelope[list[TeamOut]]:
    return ok(
        [
            TeamOut.model_validate(t)
            for t in await repository.teams(session, org.id, page.take, page.skip)
        ]
    )


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_team(
    org: ReadableOrganization,
    body: TeamCreate,
    principal: AuthSubject,
    session: Session,
) -> Envelope[TeamOut]:
    """A sub-team (OWNER/ADMIN of the organization); the creator becomes its OWNER."""
    return ok(TeamOut.model_validate(await service.create(session, principal, org, body)))


@router.get("/me")
async def my_teams(
    org: ReadableOrganization,
    principal: AuthSubject,
    session: Session,
) -> Envelope[list[MyTeamOut]]:
    """The caller's teams in the organization, with role and acceptance."""
    return ok(await service.teams_of(session, org.id, principal.user_id))


@router.get("/{teamId}")
async def get_team(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[TeamOut]:
    return ok(TeamOut.model_validate(await service.get(session, org.id, teamId)))


@router.patch("/{teamId}")
async def patch_team(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    body: TeamPatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[TeamOut]:
    return ok(TeamOut.model_validate(await service.patch(session, principal, org, teamId, body)))


@router.delete("/{teamId}")
async def delete_team(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[TeamOut]:
    team = await service.delete(session, principal, org, teamId)
    return ok(TeamOut.model_validate(team))


async def _team_for_members(
    session: Session, principal: Principal, org_id: int, team_id: int, manage: bool
) -> Team:
    team = await service.get(session, org_id, team_id)
    if not service.can_see_members(principal, org_id, team):
        raise NotFound("Team not found")
    if manage and not service.can_manage_members(principal, org_id, team):
        raise Forbidden(
            "Only team or organization OWNER/ADMIN may change members", reason="role_required"
        )
    return team


async def _team_membership(
    session: Session, org_id: int, team: Team, membership_id: int
) -> tuple[Membership, User]:
    found = await members_repository.membership(session, org_id, team.id, membership_id)
    if found is None:
        raise NotFound("Membership not found")
    return found


@router.get("/{teamId}/memberships")
async def list_team_memberships(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
    page: PageParams,
) -> Envelope[list[MembershipOut]]:
    """Members of a team; a private team shows them only to its members and org admins."""
    team = await _team_for_members(session, principal, org.id, teamId, manage=False)
    rows = await members_repository.memberships(session, org.id, team.id, page.take, page.skip)
    return ok([membership_out(m, u) for m, u in rows])


@router.post("/{teamId}/memberships", status_code=status.HTTP_201_CREATED)
async def create_team_membership(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    body: MembershipCreate,
    principal: AuthSubject,
    session: Session,
) -> Envelope[MembershipOut]:
    team = await _team_for_members(session, principal, org.id, teamId, manage=True)
    return ok(membership_out(*await memberships.add(session, principal, team, body)))


@router.get("/{teamId}/memberships/{membershipId}")
async def get_team_membership(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    membershipId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[MembershipOut]:
    team = await _team_for_members(session, principal, org.id, teamId, manage=False)
    return ok(membership_out(*await _team_membership(session, org.id, team, membershipId)))


@router.patch("/{teamId}/memberships/{membershipId}")
async def patch_team_membership(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    membershipId: ResourceId,  # noqa: N803
    body: MembershipPatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[MembershipOut]:
    team = await _team_for_members(session, principal, org.id, teamId, manage=True)
    membership, user = await _team_membership(session, org.id, team, membershipId)
    membership = await memberships.change(session, principal, team, membership, body)
    return ok(membership_out(membership, user))


@router.delete("/{teamId}/memberships/{membershipId}")
async def delete_team_membership(
    org: ReadableOrganization,
    teamId: ResourceId,  # noqa: N803
    membershipId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[MembershipOut]:
    team = await _team_for_members(session, principal, org.id, teamId, manage=True)
    membership, user = await _team_membership(session, org.id, team, membershipId)
    out = membership_out(membership, user)
    await memberships.remove(session, principal, team, membership)
    return ok(out)
