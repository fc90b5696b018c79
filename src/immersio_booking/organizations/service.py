"""Organization rules: creation with an owner, profile and settings changes."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import service as auth_service
from immersio_booking.auth.principal import Principal
from immersio_booking.kit.errors import Conflict, Forbidden
from immersio_booking.members.provisioning import provision_member
from immersio_booking.models import OrganizationSettings, Team
from immersio_booking.organizations import repository
from immersio_booking.organizations.platform_metadata import refuse_platform_keys
from immersio_booking.organizations.schemas import (
    CreatedOrganization,
    CreatedOwner,
    OrganizationCreate,
    OrganizationCreated,
    OrganizationPatch,
    OrganizationSettingsOut,
    OrganizationSettingsPatch,
)
from immersio_booking.subscriptions import service as subscriptions
from immersio_booking.subscriptions.schemas import SubscriptionPut
from immersio_booking.tenancy import repository as tenancy_repository

# Verification is the platform's word about a tenant, not the tenant's own.
PLATFORM_ONLY_SETTINGS = frozenset({"is_admin_reviewed", "is_organization_verified"})


async def _ensure_slug_free(session: AsyncSession, slug: str, except_id: int | None = None) -> None:
    existing = await repository.by_slug(session, slug)
    if existing is not None and existing.id != except_id:
        raise Conflict(f"The slug '{slug}' is taken", reason="slug_taken")


async def create_organization(
    session: AsyncSession, body: OrganizationCreate
) -> OrganizationCreated:
    """A tenant with its settings, an accepted OWNER, the owner's first API key and a plan."""
    await _ensure_slug_free(session, body.slug)
    org = Team(name=body.name, slug=body.slug, is_organization=True, metadata_={})
    session.add(org)
    await session.flush()
    org.organization_id = org.id
    session.add(OrganizationSettings(organization_id=org.id))
    owner, _, _ = await provision_member(
        session,
        org,
        email=str(body.owner_email),
        name=body.owner_name,
        role="OWNER",
        accepted=True,
    )
    if body.plan != "lite":
        await subscriptions.put(session, org.id, SubscriptionPut(plan_type=body.plan))
    _, raw_key = await auth_service.issue_key(session, owner, note="created with organization")
    return OrganizationCreated(
        organization=CreatedOrganization(id=org.id, slug=body.slug),
        owner=CreatedOwner(id=owner.id, email=owner.email),
        api_key=raw_key,
    )


async def patch_organization(
    session: AsyncSession, principal: Principal, org: Team, body: OrganizationPatch
) -> Team:
    principal.require_org_admin(org.id)
    changes = body.model_dump(exclude_unset=True)
    refuse_platform_keys(principal, org.metadata_, changes.get("metadata"))
    if "slug" in changes and changes["slug"] is not None:
        await _ensure_slug_free(session, changes["slug"], except_id=org.id)
    for field, value in changes.items():
        if field == "metadata":
            org.metadata_ = {**(org.metadata_ or {}), **(value or {})}
        elif field in ("name", "slug") and value is None:
            continue  # required columns cannot be cleared
        else:
            setattr(org, field, value)
    await session.flush()
    await session.refresh(org)
    return org


async def settings_of(session: AsyncSession, organization_id: int) -> OrganizationSettings:
    settings = await tenancy_repository.settings_of(session, organization_id)
    if settings is None:  # organizations made before settings existed get them on first read
        settings = OrganizationSettings(organization_id=organization_id)
        session.add(settings)
        await session.flush()
    return settings


def settings_out(settings: OrganizationSettings) -> OrganizationSettingsOut:
    return OrganizationSettingsOut.model_validate(settings)


async def patch_settings(
    session: AsyncSession,
    principal: Principal,
    organization_id: int,
    body: OrganizationSettingsPatch,
) -> OrganizationSettings:
    principal.require_org_admin(organization_id)
    changes = body.model_dump(exclude_unset=True)
    if PLATFORM_ONLY_SETTINGS & changes.keys() and not principal.is_platform_admin:
        raise Forbidden(
            "Only a platform admin may change verification flags",
            reason="platform_admin_required",
        )
    settings = await settings_of(session, organization_id)
    for field, value in changes.items():
        if value is None and field != "org_auto_accept_email":
            continue
        setattr(settings, field, value)
    await session.flush()
    return settings
