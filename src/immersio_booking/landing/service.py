"""Landing page settings: read (defaults until first saved), replace, colours made readable,
and the signed link that lets staff see an unpublished page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.kit import signing
from immersio_booking.landing import contrast
from immersio_booking.landing.schemas import ContrastWarning, LandingPageIn, LandingPageOut
from immersio_booking.models import Team, TenantLandingSettings

PREVIEW = "landing-preview"
PREVIEW_VALIDITY = timedelta(days=7)
DEFAULT_PRIMARY = "#1d4ed8"
DEFAULT_SECONDARY = "#0f766e"


@dataclass(frozen=True)
class Palette:
    primary: str
    secondary: str
    warnings: list[ContrastWarning]


def palette(settings: TenantLandingSettings | None, brand_color: str | None = None) -> Palette:
    """The colours pages use: the tenant's, darkened where white text on them, or they as text
    on the pages' light surfaces, would be hard to read."""
    warnings = []
    chosen = {
        "primaryColor": (settings.primary_color if settings else None)
        or brand_color
        or DEFAULT_PRIMARY,
        "secondaryColor": (settings.secondary_color if settings else None) or DEFAULT_SECONDARY,
    }
    used = {}
    for field, given in chosen.items():
        readable = contrast.readable(given)
        used[field] = readable
        if readable != contrast.to_hex(contrast.parse_hex(given)):
            surface, worst = contrast.worst(given)
            warnings.append(
                ContrastWarning(
                    field=field,
                    given=given,
                    used=readable,
                    message=(
                        f"{given} has a contrast of {worst:.2f}:1 with the {surface} surface"
                        f" of the pages (text on it, or it as text), below WCAG AA's 4.5:1;"
                        f" pages use {readable} instead"
                    ),
                )
            )
    return Palette(used["primaryColor"], used["secondaryColor"], warnings)


async def settings_of(session: AsyncSession, organization_id: int) -> TenantLandingSettings | None:
    return (
        await session.execute(
            select(TenantLandingSettings).where(TenantLandingSettings.tenant_id == organization_id)
        )
    ).scalar_one_or_none()


def preview_token(secret: str, organization_id: int, now: datetime) -> str:
    return signing.sign(secret, PREVIEW, str(organization_id), now + PREVIEW_VALIDITY)


def preview_allowed(secret: str, organization_id: int, token: str | None, now: datetime) -> bool:
    return bool(token) and signing.verify(secret, PREVIEW, str(organization_id), token or "", now)


def out(
    org: Team,
    row: TenantLandingSettings | None,
    base_url: str,
    secret: str,
    now: datetime,
) -> LandingPageOut:
    if row is None:
        fields = LandingPageIn().model_dump(exclude={"social_links"})
        fields["social_links"] = {}
    else:
        fields = {name: getattr(row, name) for name in LandingPageIn.model_fields}
    public_url = f"{base_url}/{org.slug}"
    return LandingPageOut(
        organization_id=org.id,
        **fields,
        public_url=public_url,
        preview_url=f"{public_url}?preview={preview_token(secret, org.id, now)}",
        warnings=palette(row, org.brand_color).warnings,
        updated_at=row.updated_at if row is not None else None,
    )


async def replace(
    session: AsyncSession, principal: Principal, org: Team, body: LandingPageIn
) -> TenantLandingSettings:
    principal.require_org_admin(org.id)
    row = await settings_of(session, org.id)
    if row is None:
        row = TenantLandingSettings(tenant_id=org.id)
        session.add(row)
    values = body.model_dump()
    values["social_links"] = body.social_links.model_dump(exclude_none=True)
    for name, value in values.items():
        setattr(row, name, value)
    await session.flush()
    await session.refresh(row)
    return row
