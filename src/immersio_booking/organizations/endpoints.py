"""``/v2/organizations``: the tenant itself, its settings, and platform-admin creation."""

from __future__ import annotations

from fastapi import APIRouter, status

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.pagination import PageParams
from immersio_booking.kit.schemas import Envelope, ok
from immersio_booking.organizations import repository, service
from immersio_booking.organizations.schemas import (
    OrganizationCreate,
    OrganizationCreated,
    OrganizationOut,
    OrganizationPatch,
    OrganizationSettingsOut,
    OrganizationSettingsPatch,
)
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations", tags=["Organizations"])


@router.get("")
async def list_organizations(
    principal: AuthSubject, session: Session, page: PageParams
) -> Envelope[list[OrganizationOut]]:
    """Every organization (platform admin only)."""
    principal.require_platform_admin()
    orgs = await repository.list_all(session, page.take, page.skip)
    return ok([OrganizationOut.model_validate(org) for org in orgs])


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_organization(
    body: OrganizationCreate, principal: AuthSubject, session: Session
) -> Envelope[OrganizationCreated]:
    """Create a tenant with its owner; the owner's API key is shown once (platform admin only)."""
    principal.require_platform_admin()
    return ok(await service.create_organization(session, body))


@router.get("/{orgId}")
async def get_organization(
    org: ReadableOrganization,
) -> Envelope[OrganizationOut]:
    return ok(OrganizationOut.model_validate(org))


@router.patch("/{orgId}")
async def patch_organization(
    org: ReadableOrganization,
    body: OrganizationPatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[OrganizationOut]:
    """Name, slug, logo, bio, brand colour, banner, privacy, metadata (OWNER/ADMIN)."""
    org = await service.patch_organization(session, principal, org, body)
    return ok(OrganizationOut.model_validate(org))


@router.get("/{orgId}/settings")
async def get_settings(
    org: ReadableOrganization,
    session: Session,
) -> Envelope[OrganizationSettingsOut]:
    return ok(service.settings_out(await service.settings_of(session, org.id)))


@router.patch("/{orgId}/settings")
async def patch_settings(
    org: ReadableOrganization,
    body: OrganizationSettingsPatch,
    principal: AuthSubject,
    session: Session,
) -> Envelope[OrganizationSettingsOut]:
    settings = await service.patch_settings(session, principal, org.id, body)
    return ok(service.settings_out(settings))
