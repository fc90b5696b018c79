"""``/v2/organizations/{orgId}/users`` and ``/v2/organizations/{orgId}/memberships``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.pagination import PageParams
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.members import memberships, repository, service
from immersio_booking.members.schemas import (
    MembershipOut,
    MembershipUser,
    OrganizationMembershipCreate,
    OrganizationMembershipPatch,
    OrganizationUserCreate,
    OrganizationUserOut,
    OrganizationUserPatch,
)
from immersio_booking.models import Membership, User
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations/{orgId}", tags=["Organization users"])


def membership_out(membership: Membership, user: User) -> MembershipOut:
    return MembershipOut(
        id=membership.id,
        user_id=membership.user_id,
        team_id=membership.team_id,
        accepted=membership.accepted,
        role=membership.role,
        disable_impersonation=membership.disable_impersonation,
        created_at=membership.created_at,
        user=MembershipUser(username=user.username, name=user.name, email=user.email),
    )


@router.get("/users")
async def list_users(
    org: ReadableOrganization,
    session: Session,
    page: PageParams,
    emails: Annotated[str | None, Query(max_length=5000)] = None,
) -> Envelope[list[OrganizationUserOut]]:
    """Teachers and staff of the organization (any member may read)."""
    wanted = [e for e in emails.split(",") if e.strip()] if emails else None
    rows = await repository.users(session, org.id, page.take, page.skip, wanted)
    return ok([service.user_out(row) for row in rows])


@router.post("/users", status_code=status.HTTP_201_CREATED)
async def create_user(
    org: ReadableOrganization,
    body: OrganizationUserCreate,
    principal: AuthSubject,
    session: Session,
) -> Envelope[OrganizationUserOut]:
    """Add a teacher or staff member (OWNER/ADMIN); the plan's ``max_teachers`` applies. They
    are emailed an invitation to the dashboard (a one-time sign-in link valid for 7 days)
    unless ``sendInvitation`` is false."""
    return ok(service.user_out(await service.create(session, principal, org, body)))


@router.get("/users/{userId}")
async def get_user(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[OrganizationUserOut]:
    return ok(service.user_out(await service.get(session, org.id, userId)))


@router.patch("/users/{userId}")
async def patch_user(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    body: OrganizationUserPatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[OrganizationUserOut]:
    """Change a user (OWNER/ADMIN, or the user themself without role changes)."""
    return ok(service.user_out(await service.patch(session, principal, org, userId, body)))


@router.delete("/users/{userId}")
async def delete_user(
    org: ReadableOrganization,
    userId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[OrganizationUserOut]:
    return ok(service.user_out(await service.delete(session, principal, org, userId)))


@router.get("/memberships")
async def list_memberships(
    org: ReadableOrganization,
    session: Session,
    page: PageParams,
) -> Envelope[list[MembershipOut]]:
    rows = await repository.memberships(session, org.id, org.id, page.take, page.skip)
    return ok([membership_out(m, u) for m, u in rows])


@router.post("/memberships", status_code=status.HTTP_201_CREATED)
async def create_membership(
    org: ReadableOrganization,
    body: OrganizationMembershipCreate,
    principal: AuthSubject,
    session: Session,
) -> Envelope[MembershipOut]:
    """Make a user of the organization a member (OWNER/ADMIN); one without a password yet is
    emailed the dashboard invitation unless ``sendInvitation`` is false."""
    principal.require_org_admin(org.id)
    added = await memberships.add(session, principal, org, body, invite=body.send_invitation)
    return ok(membership_out(*added))


async def _org_membership(
    session: Session, org_id: int, membership_id: int
) -> tuple[Membership, User]:
    found = await repository.membership(session, org_id, org_id, membership_id)
    if found is None:
        raise NotFound("Membership not found")
    return found


@router.get("/memberships/{membershipId}")
async def get_membership(
    org: ReadableOrganization,
    membershipId: ResourceId,  # noqa: N803
    session: Session,
) -> Envelope[MembershipOut]:
    return ok(membership_out(*await _org_membership(session, org.id, membershipId)))


@router.patch("/memberships/{membershipId}")
async def patch_membership(
    org: ReadableOrganization,
    membershipId: ResourceId,  # noqa: N803
    body: OrganizationMembershipPatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[MembershipOut]:
    """Role, acceptance, impersonation switch (OWNER/ADMIN; the last OWNER stays); accepting
    a waiting membership emails the dashboard invitation unless ``sendInvitation`` is false."""
    principal.require_org_admin(org.id)
    membership, user = await _org_membership(session, org.id, membershipId)
    membership = await memberships.change(
        session, principal, org, membership, body, invite=body.send_invitation
    )
    return ok(membership_out(membership, user))


@router.delete("/memberships/{membershipId}")
async def delete_membership(
    org: ReadableOrganization,
    membershipId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[MembershipOut]:
    principal.require_org_admin(org.id)
    membership, user = await _org_membership(session, org.id, membershipId)
    out = membership_out(membership, user)
    await memberships.remove(session, principal, org, membership)
    return ok(out)
