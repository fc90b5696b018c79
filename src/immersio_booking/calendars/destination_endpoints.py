"""``PUT /v2/destination-calendars`` (Cal.com's shape): where the caller's sessions are written."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import Field

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.auth.principal import Principal
from immersio_booking.calendars import destination
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.schemas import ApiModel, Envelope, StrictApiModel, ok

router = APIRouter(prefix="/v2/destination-calendars", tags=["Calendars"])


class DestinationIn(StrictApiModel):
    integration: Literal["google_calendar", "caldav_calendar", "apple_calendar"]
    external_id: str = Field(min_length=1, max_length=2000)


class DestinationOut(ApiModel):
    user_id: int
    integration: str
    external_id: str
    credential_id: int | None


def organization_of(principal: Principal) -> int:
    if principal.organization_id is None:
        raise NotFound("The caller belongs to no organization")
    return principal.organization_id


@router.put("")
async def put_destination(
    body: DestinationIn, principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[DestinationOut]:
    """Write the caller's sessions to ``externalId``, a calendar of one of their own
    ``integration`` credentials."""
    row = await destination.choose(
        session,
        organization_of(principal),
        principal.user_id,
        body.integration,
        body.external_id,
        settings,
    )
    return ok(
        DestinationOut(
            user_id=principal.user_id,
            integration=row.integration,
            external_id=row.external_id,
            credential_id=row.credential_id,
        )
    )
