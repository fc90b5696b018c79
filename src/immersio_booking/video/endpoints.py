"""``/v2/organizations/{orgId}/conferencing/zoom``: the school's Zoom (OWNER/ADMIN only)."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.schemas import Envelope, ok
from immersio_booking.models import Credential
from immersio_booking.tenancy.dependencies import ReadableOrganization
from immersio_booking.video import zoom
from immersio_booking.video.zoom import ZoomAppIn, ZoomConnectionOut

router = APIRouter(prefix="/v2/organizations/{orgId}/conferencing/zoom", tags=["Conferencing"])


def _not_connected() -> NotFound:
    return NotFound("Zoom is not connected", reason="zoom_not_connected")


async def _connected(session: Session, organization_id: int) -> Credential:
    credential = await zoom.zoom_credential(session, organization_id)
    if credential is None:
        raise _not_connected()
    return credential


@router.put("")
async def put_zoom(
    org: ReadableOrganization,
    body: ZoomAppIn,
    principal: AuthSubject,
    session: Session,
    settings: AppSettings,
) -> Envelope[ZoomConnectionOut]:
    """Connect the school's Zoom Server-to-Server OAuth app (checked with Zoom, stored
    encrypted, never shown again): live workshops on Zoom get their meetings there."""
    principal.require_org_admin(org.id)
    return ok(await zoom.connect(session, org.id, body, settings))


@router.get("")
async def get_zoom(
    org: ReadableOrganization, principal: AuthSubject, session: Session
) -> Envelope[ZoomConnectionOut]:
    principal.require_org_admin(org.id)
    return ok(zoom.masked_out(await _connected(session, org.id)))


@router.delete("")
async def delete_zoom(
    org: ReadableOrganization, principal: AuthSubject, session: Session
) -> Envelope[ZoomConnectionOut]:
    """Disconnect Zoom: new sessions get Jitsi links; existing meetings stay as they are."""
    principal.require_org_admin(org.id)
    credential = await _connected(session, org.id)
    out = zoom.masked_out(credential)
    await session.delete(credential)
    await session.flush()
    return ok(out)
