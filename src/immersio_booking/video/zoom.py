"""Zoom meetings for a school that connected its Server-to-Server OAuth app.

The app is stored as a ``zoom_video`` Credential of the organization (``team_id`` = the
organization), the client secret sealed with the service's encryption keys; it is never
returned (the API shows whether it is connected or invalid, and the client id masked).
Meetings are made by a job (``video.tasks``), never in a request.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox, mask
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.kit.schemas import ApiModel
from immersio_booking.models import Credential
from immersio_booking.video.provider import Meeting, ProviderFailed, SessionInfo
from immersio_booking.video.zoom_client import ZoomApp, ZoomClient, credentials_work

ZOOM = "zoom_video"
APP_SLUG = "zoom"
SEALED = ("client_secret",)


class ZoomAppIn(ApiModel):
    account_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")
    client_id: str = Field(min_length=1, max_length=128, pattern=r"^[A-Za-z0-9_\-]+$")
    client_secret: str = Field(min_length=1, max_length=256, pattern=r"^[!-~]+$")


class ZoomConnectionOut(ApiModel):
    status: str  # "connected" or "invalid"
    invalid: bool
    client_id: str  # masked


class ZoomUnreachable(DomainError):
    status_code = 502
    reason = "zoom_unreachable"


async def zoom_credential(session: AsyncSession, organization_id: int) -> Credential | None:
    return (
        await session.execute(
            select(Credential).where(
                Credential.organization_id == organization_id,
                Credential.team_id == organization_id,
                Credential.type == ZOOM,
            )
        )
    ).scalar_one_or_none()


def opened(box: SecretBox, credential: Credential) -> ZoomApp:
    key = credential.key
    return ZoomApp(
        account_id=str(key["account_id"]),
        client_id=str(key["client_id"]),
        client_secret=box.open(key["client_secret"]),
        credential_id=credential.id,
    )


def masked_out(credential: Credential) -> ZoomConnectionOut:
    return ZoomConnectionOut(
        status="invalid" if credential.invalid else "connected",
        invalid=credential.invalid,
        client_id=mask(str(credential.key["client_id"])),
    )


async def connect(
    session: AsyncSession, organization_id: int, body: ZoomAppIn, settings: Settings
) -> ZoomConnectionOut:
    """Check the app with Zoom (a token is fetched), then store it sealed; refused
    credentials are never stored (400 ``zoom_credentials_refused``)."""
    app = ZoomApp(body.account_id, body.client_id, body.client_secret)
    try:
        works = await credentials_work(settings, app)
    except ProviderFailed:
        raise ZoomUnreachable(
            "Zoom could not be reached to check the credentials; try again"
        ) from None
    if not works:
        raise BadRequest(
            "Zoom refused these credentials: check the account id, client id and client secret"
            " of the Server-to-Server OAuth app",
            reason="zoom_credentials_refused",
        )
    credential = await zoom_credential(session, organization_id)
    if credential is None:
        credential = Credential(
            organization_id=organization_id, team_id=organization_id, type=ZOOM, app_id=APP_SLUG
        )
        session.add(credential)
    box = SecretBox.of(settings)
    credential.key = {
        "account_id": body.account_id,
        "client_id": body.client_id,
        "client_secret": box.seal(body.client_secret),
    }
    credential.invalid = False
    await session.flush()
    return masked_out(credential)


async def mark_invalid(session: AsyncSession, organization_id: int, credential_id: int) -> bool:
    """Mark the school's credential refused; True when it was valid until now."""
    credential = (
        await session.execute(
            select(Credential).where(
                Credential.organization_id == organization_id, Credential.id == credential_id
            )
        )
    ).scalar_one_or_none()
    if credential is None or credential.invalid:
        return False
    credential.invalid = True
    await session.flush()
    return True


async def rotate_all(session: AsyncSession, settings: Settings) -> int:
    """Re-encrypt every Zoom client secret under the first key (``admin rotate-keys``)."""
    box = SecretBox.of(settings)
    count = 0
    for credential in await global_lookups.credentials_to_reseal(session):
        if credential.type != ZOOM:
            continue
        credential.key = {k: box.rotate(v) if k in SEALED else v for k, v in credential.key.items()}
        count += 1
    await session.flush()
    return count


def _zoom_time(info: SessionInfo) -> str:
    return info.start.strftime("%Y-%m-%dT%H:%M:%SZ")


def _meeting_body(info: SessionInfo) -> dict[str, Any]:
    return {
        "topic": info.title[:200],
        "type": 2,  # scheduled
        "start_time": _zoom_time(info),
        "duration": max(1, int((info.end - info.start).total_seconds() // 60)),
        "timezone": "UTC",
        "settings": {"join_before_host": True, "waiting_room": False},
    }


class ZoomProvider:
    reference_type = ZOOM

    def __init__(self, settings: Settings, app: ZoomApp) -> None:
        self.client = ZoomClient(settings, app)
        self.credential_id = app.credential_id

    async def create(self, session: SessionInfo) -> Meeting:
        response = await self.client.call("POST", "/v2/users/me/meetings", _meeting_body(session))
        if response.status_code != 201:
            raise ProviderFailed(f"Zoom did not create the meeting ({response.status_code})")
        made = response.json()
        return Meeting(
            reference_type=ZOOM,
            uid=str(made["id"]),
            url=str(made["join_url"]),
            meeting_id=str(made["id"]),
            password=made.get("password"),
            credential_id=self.credential_id,
        )

    async def update(self, meeting: Meeting, session: SessionInfo) -> Meeting:
        response = await self.client.call(
            "PATCH", f"/v2/meetings/{meeting.meeting_id or meeting.uid}", _meeting_body(session)
        )
        if response.status_code == 404:  # removed in Zoom meanwhile: make a new one
            return await self.create(session)
        if response.status_code not in (200, 204):
            raise ProviderFailed(f"Zoom did not move the meeting ({response.status_code})")
        return replace(meeting, credential_id=self.credential_id)

    async def delete(self, meeting: Meeting) -> None:
        response = await self.client.call(
            "DELETE", f"/v2/meetings/{meeting.meeting_id or meeting.uid}"
        )
        if response.status_code not in (200, 204, 404):
            raise ProviderFailed(f"Zoom did not delete the meeting ({response.status_code})")


async def resolve(
    session: AsyncSession, info: SessionInfo, settings: Settings
) -> ZoomProvider | None:
    """The school's Zoom, or None when it has not connected Zoom or its app was refused."""
    credential = await zoom_credential(session, info.organization_id)
    if credential is None or credential.invalid:
        return None
    return ZoomProvider(settings, opened(SecretBox.of(settings), credential))
