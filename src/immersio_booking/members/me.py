"""``PATCH /v2/me`` (Cal.com): the caller changes their own profile.

What we store changes (name, time zone, locale, default schedule); the Cal.com fields we do not
store are refused by name (400 ``unsupported_field``), never dropped. An email change is
refused too: the address is how Immersio, invitations and bookings know the person, and
changing it safely needs a proof of the new address that this API does not have.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth import repository as auth_repository
from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.auth.me import describe_me
from immersio_booking.auth.principal import Principal
from immersio_booking.auth.schemas import MeOut
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.kit.schemas import Envelope, ResourceId, StrictApiModel, ok
from immersio_booking.kit.unsupported import UNSUPPORTED_FIELD
from immersio_booking.kit.validation import PersonName, TimeZoneName
from immersio_booking.schedules import repository as schedules_repository

router = APIRouter(tags=["Me and API keys"])

# Cal.com's body fields that we do not store, with what to do instead.
UNSUPPORTED = {
    "email": "changing the email is not supported; ask the organization's admin",
    "weekStart": "the week start is not stored",
    "timeFormat": "the time format is not stored; pages follow the reader's locale",
    "avatarUrl": "avatars are not stored",
    "bio": "a bio is not stored",
    "metadata": "metadata of a user is not stored",
}


class MePatch(StrictApiModel):
    name: PersonName | None = None
    time_zone: TimeZoneName | None = None
    locale: Literal["en", "fr"] | None = None
    default_schedule_id: ResourceId | None = None
    # Cal.com's, refused by name when sent (see UNSUPPORTED):
    email: Any = Field(default=None, description="Not supported: refused with 400")
    week_start: Any = Field(default=None, description="Not supported: refused with 400")
    time_format: Any = Field(default=None, description="Not supported: refused with 400")
    avatar_url: Any = Field(default=None, description="Not supported: refused with 400")
    bio: Any = Field(default=None, description="Not supported: refused with 400")
    metadata: Any = Field(default=None, description="Not supported: refused with 400")


def _refuse_unsupported(body: MePatch) -> None:
    """Every refused field is named at once, in ``details.fields`` as for any unknown key."""
    sent = body.model_dump(by_alias=True, exclude_unset=True)
    refused = [field for field in UNSUPPORTED if field in sent]
    if refused:
        raise BadRequest(
            "; ".join(f"{field} is not supported: {UNSUPPORTED[field]}" for field in refused),
            reason=UNSUPPORTED_FIELD,
            details={"fields": refused},
        )


async def update_me(session: AsyncSession, principal: Principal, body: MePatch) -> None:
    _refuse_unsupported(body)
    user = await auth_repository.get_user(session, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    sent = body.model_fields_set
    for field in ("name", "time_zone", "locale"):
        if field in sent and getattr(body, field) is None:
            raise BadRequest(f"{field} cannot be null", reason="invalid_value")
    if body.default_schedule_id is not None:
        schedule = (
            await schedules_repository.schedule(
                session, user.organization_id, body.default_schedule_id
            )
            if user.organization_id is not None
            else None
        )
        if schedule is None or schedule.user_id != user.id:
            raise NotFound(f"Schedule with ID={body.default_schedule_id} does not exist.")
    elif "default_schedule_id" in sent:
        user.default_schedule_id = None
    if body.name is not None:
        user.name = body.name
    if body.time_zone is not None:
        user.time_zone = body.time_zone
    if body.locale is not None:
        user.locale = body.locale
    if body.default_schedule_id is not None:
        user.default_schedule_id = body.default_schedule_id
    await session.flush()


@router.patch("/v2/me")
async def patch_me(body: MePatch, principal: AuthSubject, session: Session) -> Envelope[MeOut]:
    """Change the caller's name, time zone, locale (``en``, ``fr``) or default schedule (one of
    their own; ``null`` clears it). ``email``, ``weekStart``, ``timeFormat``, ``avatarUrl``,
    ``bio`` and ``metadata`` are refused with 400 ``unsupported_field``."""
    await update_me(session, principal, body)
    return ok(await describe_me(session, principal))
