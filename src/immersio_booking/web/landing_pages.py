"""``GET /{orgSlug}``, ``/sitemap.xml`` and ``/robots.txt``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from urllib.parse import urlencode
from xml.sax.saxutils import escape

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock, when
from immersio_booking.kit.dependencies import AppSettings, app_settings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.replica import public_read
from immersio_booking.landing import service as landing
from immersio_booking.models import EventType, OrganizationSettings, Team, TenantLandingSettings
from immersio_booking.web import (
    addresses,  # noqa: F401  (registers {orgSlug:school})
    i18n,
    workshops,
)
from immersio_booking.web.rendering import PageRoute, render

router = APIRouter(route_class=PageRoute, include_in_schema=False)

OrgSlug = Annotated[str, Path(max_length=64)]


@dataclass(frozen=True)
class School:
    """A tenant as its public pages need it, read in one query."""

    org: Team
    page: TenantLandingSettings | None
    allows_indexing: bool

    @property
    def published(self) -> bool:
        return self.page is not None and self.page.is_published


async def school_at(session: AsyncSession, slug: str) -> School:
    found = (
        await session.execute(
            select(Team, TenantLandingSettings, OrganizationSettings.allow_seo_indexing)
            .outerjoin(TenantLandingSettings, TenantLandingSettings.tenant_id == Team.id)
            .outerjoin(OrganizationSettings, OrganizationSettings.organization_id == Team.id)
            .where(Team.slug == slug, Team.is_organization.is_(True))
        )
    ).first()
    if found is None:
        raise NotFound("There is no school at this address")
    org, page, allows_indexing = found
    return School(org, page, bool(allows_indexing))


async def published_school(
    session: AsyncSession, request: Request, slug: str, preview: str | None
) -> tuple[School, bool]:
    """The tenant and its page; unpublished pages only with a valid staff preview link."""
    school = await school_at(session, slug)
    previewing = landing.preview_allowed(
        app_settings(request).resolved_secret_key(), school.org.id, preview, clock.now()
    )
    if not school.published and not previewing:
        raise NotFound("There is no school at this address")
    return school, previewing


@router.get("/robots.txt")
async def robots_txt(settings: AppSettings) -> PlainTextResponse:
    base = settings.public_base_url
    return PlainTextResponse(
        "User-agent: *\nDisallow: /booking/\nDisallow: /payment/\nDisallow: /v2/\n"
        f"Sitemap: {base}/sitemap.xml\n"
    )


@router.get("/sitemap.xml")
async def sitemap(session: Session, settings: AppSettings) -> Response:
    """Published pages of the tenants that allow indexing, and their public workshops."""
    base = settings.public_base_url
    rows = await session.execute(
        select(Team.slug, EventType.slug)
        .join(TenantLandingSettings, TenantLandingSettings.tenant_id == Team.id)
        .join(OrganizationSettings, OrganizationSettings.organization_id == Team.id)
        .outerjoin(EventType, (EventType.organization_id == Team.id) & EventType.hidden.is_(False))
        .where(
            Team.is_organization.is_(True),
            TenantLandingSettings.is_published.is_(True),
            OrganizationSettings.allow_seo_indexing.is_(True),
        )
        .order_by(Team.slug, EventType.slug)
    )
    urls: list[str] = []
    for org_slug, event_slug in rows:
        if f"{base}/{org_slug}" not in urls:
            urls.append(f"{base}/{org_slug}")
        if event_slug:
            urls.append(f"{base}/{org_slug}/{event_slug}")
    body = "".join(f"<url><loc>{escape(url)}</loc></url>" for url in urls)
    return Response(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>',
        media_type="application/xml",
    )


@router.get("/{orgSlug:school}")
async def landing_page(
    orgSlug: OrgSlug,  # noqa: N803
    request: Request,
    session: Session,
    settings: AppSettings,
    tz: Annotated[str | None, Query(max_length=64)] = None,
    preview: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    school, previewing = await published_school(session, request, orgSlug, preview)
    return await landing_response(
        request,
        session,
        settings,
        school.org,
        school.page,
        tz=tz,
        index=not previewing and school.allows_indexing,
    )


async def landing_response(
    request: Request,
    session: AsyncSession,
    settings: Settings,
    org: Team,
    page: TenantLandingSettings | None,
    *,
    tz: str | None,
    index: bool,
    framed_by_self: bool = False,
) -> HTMLResponse:
    """The school's page as ``page`` sets it: the public page, or the dashboard's preview of
    settings not saved yet (``framed_by_self``: shown in the editor's frame only)."""
    zone = workshops.visitor_zone(tz)
    now = clock.now()
    base = settings.public_base_url
    language = i18n.choose_language(request)
    # Links to a workshop keep the visitor's zone and the language they chose here.
    kept = {"tz": zone} | ({"lang": language} if "lang" in request.query_params else {})

    def booking_link(slug: str, start: datetime | None = None) -> str:
        """The workshop's booking page; with ``start``, that day shown and that time chosen."""
        chosen = (
            {"month": f"{start:%Y-%m}", "date": start.date().isoformat(), "slot": start.isoformat()}
            if start
            else {}
        )
        return f"/{org.slug}/{slug}?{urlencode(kept | chosen)}"

    return render(
        request,
        f"landing/{page.template_id if page else 'education'}.html",
        {
            "org": org,
            "page": page,
            "palette": landing.palette(page, org.brand_color),
            "cards": await public_read(
                request, session, lambda on: workshops.cards(on, org.id, zone, now)
            ),
            "teachers": await workshops.teacher_names(session, org.id),
            "zone": zone,
            "zone_label": when.zone_name(zone, now, i18n.locale_tag(request, language)),
            "locale_tag": i18n.locale_tag(request, language),
            "booking_link": booking_link,
            "canonical": f"{base}/{org.slug}",
            "robots": "index,follow" if index else "noindex,nofollow",
            "social": (page.social_links if page else None) or {},
        },
        robots=None if index else "noindex",
        framed_by_self=framed_by_self,
    )
