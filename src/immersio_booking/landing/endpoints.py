"""``/v2/organizations/{orgId}/landing-page``: the tenant's public page settings."""

from __future__ import annotations

from fastapi import APIRouter, Request

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.dependencies import app_settings
from immersio_booking.kit.schemas import Envelope, ok
from immersio_booking.landing import service
from immersio_booking.landing.schemas import LandingPageIn, LandingPageOut
from immersio_booking.models import Team, TenantLandingSettings
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations", tags=["Landing page"])


def _reply(
    request: Request, org: Team, row: TenantLandingSettings | None
) -> Envelope[LandingPageOut]:
    settings = app_settings(request)
    return ok(
        service.out(
            org,
            row,
            settings.public_base_url,
            settings.resolved_secret_key(),
            clock.now(),
        )
    )


@router.get("/{orgId}/landing-page")
async def get_landing_page(
    org: ReadableOrganization, session: Session, request: Request
) -> Envelope[LandingPageOut]:
    """The page's settings, its public address, a signed staff preview link (valid 7 days)
    and contrast warnings for colours the pages had to darken."""
    return _reply(request, org, await service.settings_of(session, org.id))


@router.put("/{orgId}/landing-page")
async def put_landing_page(
    org: ReadableOrganization,
    body: LandingPageIn,
    principal: AuthSubject,
    session: Session,
    request: Request,
) -> Envelope[LandingPageOut]:
    """Replace the page's settings (OWNER/ADMIN). ``teacherBio`` keeps only p, br, strong, em,
    ul, ol, li and links; colours that fail WCAG AA with white text come back in ``warnings``."""
    return _reply(request, org, await service.replace(session, principal, org, body))
