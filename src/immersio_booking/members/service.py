"""Organization users (teachers and staff): plan limits, auto-accept by email domain, roles."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import Conflict, NotFound
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.members import arrivals, memberships, repository
from immersio_booking.members.provisioning import provision_member, username_taken
from immersio_booking.members.repository import UserRow
from immersio_booking.members.schemas import (
    MembershipPatch,
    OrganizationUserCreate,
    OrganizationUserOut,
    OrganizationUserPatch,
    ProfileOut,
)
from immersio_booking.models import Team
from immersio_booking.subscriptions import service as subscriptions
from immersio_booking.tenancy import repository as tenancy_repository


def user_out(row: UserRow) -> OrganizationUserOut:
    user, membership, profile = row
    return OrganizationUserOut(
        id=user.id,
        uuid=user.uuid,
        email=user.email,
        username=user.username,
        name=user.name,
        time_zone=user.time_zone,
        locale=user.locale,
        default_schedule_id=user.default_schedule_id,
        metadata=user.metadata_ or {},
        created_date=user.created_at,
        organization_id=user.organization_id,
        role=membership.role if membership else None,
        accepted=bool(membership and membership.accepted),
        profile=ProfileOut.model_validate(profile) if profile else None,
    )


def _auto_accepted(email: str, auto_accept_domain: str | None, requested: bool) -> bool:
    """With ``orgAutoAcceptEmail`` set, only that domain is accepted at once; others wait."""
    if auto_accept_domain:
        return email.rsplit("@", 1)[-1].lower() == auto_accept_domain.lower()
    return requested


async def create(
    session: AsyncSession, principal: Principal, org: Team, body: OrganizationUserCreate
) -> UserRow:
    principal.require_org_admin(org.id)
    memberships.require_owner_for(principal, org, body.organization_role)
    # One at a time per organization: the teacher count and the insert must agree.
    await lock(session, lock_key("org-members", org.id))
    await subscriptions.ensure_within(
        session, org.id, "max_teachers", await repository.count_users(session, org.id)
    )
    settings = await tenancy_repository.settings_of(session, org.id)
    email = str(body.email).lower()
    user, _, membership = await provision_member(
        session,
        org,
        email=email,
        name=body.name,
        role=body.organization_role,
        accepted=_auto_accepted(
            email, settings.org_auto_accept_email if settings else None, body.auto_accept
        ),
        username=body.username,
        time_zone=body.time_zone,
        locale=body.locale or "en",
    )
    if body.metadata:
        user.metadata_ = body.metadata
    await session.flush()
    await arrivals.joined(session, principal, org, user, membership, invite=body.send_invitation)
    return await get(session, org.id, user.id)


async def get(session: AsyncSession, organization_id: int, user_id: int) -> UserRow:
    row = await repository.user(session, organization_id, user_id)
    if row is None:
        raise NotFound("User not found")
    return row


async def patch(
    session: AsyncSession,
    principal: Principal,
    org: Team,
    user_id: int,
    body: OrganizationUserPatch,
) -> UserRow:
    user, membership, profile = await get(session, org.id, user_id)
    changes = body.model_dump(exclude_unset=True)
    if user.id != principal.user_id or "organization_role" in changes:
        principal.require_org_admin(org.id)
    if "username" in changes and changes["username"] and changes["username"] != user.username:
        if await username_taken(session, org.id, changes["username"]):
            raise Conflict(
                f"The username {changes['username']} is taken in this organization",
                reason="username_taken",
            )
        user.username = changes["username"]
        if profile is not None:
            profile.username = changes["username"]
    for field in ("name", "time_zone", "locale"):
        if field in changes and (changes[field] is not None or field != "time_zone"):
            setattr(user, field, changes[field])
    if changes.get("metadata") is not None:
        user.metadata_ = {**(user.metadata_ or {}), **changes["metadata"]}
    role = changes.get("organization_role")
    if role is not None and membership is not None:
        await memberships.change(session, principal, org, membership, MembershipPatch(role=role))
    await session.flush()
    return await get(session, org.id, user_id)


async def delete(session: AsyncSession, principal: Principal, org: Team, user_id: int) -> UserRow:
    principal.require_org_admin(org.id)
    row = await get(session, org.id, user_id)
    user, membership, _ = row
    if membership is not None:
        await memberships.remove(session, principal, org, membership)
    await session.delete(user)
    await session.flush()
    return row
