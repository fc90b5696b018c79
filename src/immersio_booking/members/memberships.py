"""Membership rules shared by organizations and their sub-teams.

Only an OWNER grants or takes away OWNER, and only an OWNER changes anything on an OWNER's
membership; a team always keeps at least one accepted OWNER. Both rules run under an advisory
lock per team, so two parallel demotions cannot leave none. Whoever is removed from the
organization loses their API keys in the same transaction.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import service as auth_service
from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import Conflict, Forbidden, NotFound
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.members import arrivals, repository
from immersio_booking.members.schemas import MembershipCreate, MembershipPatch
from immersio_booking.models import Membership, Team, User


def _is_owner(principal: Principal, team: Team) -> bool:
    org_id = team.organization_id or team.id
    return (
        principal.is_platform_admin
        or principal.roles.get(team.id) == "OWNER"
        or principal.roles.get(org_id) == "OWNER"
    )


def require_owner_for(principal: Principal, team: Team, *roles: str | None) -> None:
    if "OWNER" in roles and not _is_owner(principal, team):
        raise Forbidden("Only an OWNER may grant or remove the OWNER role", reason="owner_required")


async def _guard_last_owner(session: AsyncSession, team: Team, membership: Membership) -> None:
    if membership.role == "OWNER" and membership.accepted:
        if await repository.count_owners(session, team.organization_id or team.id, team.id) <= 1:
            raise Conflict("The last OWNER cannot be removed or demoted", reason="last_owner")


async def add(
    session: AsyncSession,
    principal: Principal,
    team: Team,
    body: MembershipCreate,
    *,
    invite: bool = True,
) -> tuple[Membership, User]:
    """``body.user_id`` (a user of the organization) joins ``team``; joining the organization
    itself invites them to the dashboard unless ``invite`` is false (``arrivals``)."""
    org_id = team.organization_id or team.id
    require_owner_for(principal, team, body.role)
    user = await session.get(User, body.user_id)
    if user is None or user.organization_id != org_id:
        raise NotFound("User not found in this organization", reason="user_not_found")
    if await repository.membership_of_user(session, org_id, team.id, user.id) is not None:
        raise Conflict("The user is already a member of this team", reason="already_member")
    membership = Membership(
        user_id=user.id,
        team_id=team.id,
        organization_id=org_id,
        role=body.role,
        accepted=body.accepted,
        disable_impersonation=body.disable_impersonation,
    )
    session.add(membership)
    await session.flush()
    await session.refresh(membership)
    await arrivals.joined(session, principal, team, user, membership, invite=invite)
    return membership, user


async def change(
    session: AsyncSession,
    principal: Principal,
    team: Team,
    membership: Membership,
    body: MembershipPatch,
    *,
    invite: bool = True,
) -> Membership:
    """Role, acceptance, impersonation switch; accepting a waiting membership of the school
    sends its invitation now, unless ``invite`` is false (``arrivals``)."""
    waiting = not membership.accepted
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    if membership.role == "OWNER" and changes and not _is_owner(principal, team):
        raise Forbidden("Only an OWNER may change an OWNER's membership", reason="owner_required")
    if "role" in changes and changes["role"] != membership.role:
        require_owner_for(principal, team, changes["role"], membership.role)
        await lock(session, lock_key("team-owners", team.id))
        if membership.role == "OWNER":
            await _guard_last_owner(session, team, membership)
    if changes.get("accepted") is False and membership.accepted:
        await lock(session, lock_key("team-owners", team.id))
        await _guard_last_owner(session, team, membership)
    for field, value in changes.items():
        setattr(membership, field, value)
    await session.flush()
    if invite and waiting and membership.accepted:
        user = await session.get(User, membership.user_id)
        assert user is not None  # a membership's user (ON DELETE CASCADE)
        await arrivals.accepted(session, principal, team, user)
    return membership


async def remove(
    session: AsyncSession, principal: Principal, team: Team, membership: Membership
) -> None:
    require_owner_for(principal, team, membership.role)
    await lock(session, lock_key("team-owners", team.id))
    await _guard_last_owner(session, team, membership)
    await session.delete(membership)
    if team.is_organization:  # out of the organization: nothing of theirs may still act
        await auth_service.revoke_all_keys(session, membership.user_id)
    await session.flush()
