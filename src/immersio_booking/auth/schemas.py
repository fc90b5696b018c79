"""Wire shapes of the caller (``/v2/me``) and API keys."""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, Field

from immersio_booking.kit.schemas import ApiModel, StrictApiModel


class MeMembership(ApiModel):
    team_id: int
    role: str
    accepted: bool
    is_organization: bool


class MeOrganization(ApiModel):
    id: int
    slug: str | None
    is_platform: bool


class MeOut(ApiModel):
    id: int
    uuid: str
    email: str
    username: str | None
    name: str | None
    time_zone: str
    locale: str | None
    default_schedule_id: int | None
    organization_id: int | None
    organization: MeOrganization | None
    is_platform_admin: bool
    memberships: list[MeMembership]
    actor_user_id: int | None = Field(
        default=None, description="The OWNER/ADMIN acting as this user (X-Act-As-User)"
    )


class ApiKeyCreate(ApiModel):
    note: str | None = Field(default=None, max_length=255)
    expires_at: AwareDatetime | None = None


class ApiKeyOut(ApiModel):
    id: int
    masked_key: str
    note: str | None
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreated(ApiKeyOut):
    api_key: str = Field(description="The key itself; shown only in this reply")


class ApiKeyRefresh(StrictApiModel):
    """Cal.com's refresh body: the new key lives ``apiKeyDaysValid`` days (30 by default), or
    never expires."""

    api_key_days_valid: int | None = Field(default=None, ge=1, le=3650)
    api_key_never_expires: bool | None = None


class ApiKeyRefreshed(ApiModel):
    api_key: str = Field(description="The new key; shown only in this reply")
