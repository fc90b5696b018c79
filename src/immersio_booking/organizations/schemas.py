"""Wire shapes of organizations and their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import EmailStr, Field, field_validator

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import (
    Color,
    HttpUrlText,
    MetadataCaps,
    OrganizationSlug,
    PersonName,
    ShortText,
)
from immersio_booking.models.metadata import TeamMetadata
from immersio_booking.subscriptions.schemas import PlanType


def checked_team_metadata(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return TeamMetadata.model_validate(value).model_dump(mode="json", exclude_unset=True)


class OrganizationOut(ApiModel):
    id: int
    parent_id: int | None
    name: str
    slug: str | None
    logo_url: str | None
    bio: str | None
    brand_color: str | None
    banner_url: str | None
    contact_email: str | None
    is_organization: bool
    is_private: bool
    is_platform: bool
    metadata: dict[str, Any] = Field(validation_alias="metadata_")
    created_at: datetime
    updated_at: datetime


class OrganizationPatch(ApiModel):
    name: ShortText | None = None
    slug: OrganizationSlug | None = None
    logo_url: HttpUrlText | None = None
    bio: str | None = Field(default=None, max_length=5000)
    brand_color: Color | None = None
    banner_url: HttpUrlText | None = None
    # Replies to the school's emails go here (null: to the teacher of the booking).
    contact_email: Annotated[EmailStr, Field(max_length=254)] | None = None
    is_private: bool | None = None
    metadata: Annotated[dict[str, Any] | None, MetadataCaps] = None

    _metadata = field_validator("metadata")(checked_team_metadata)


class OrganizationSettingsOut(ApiModel):
    organization_id: int
    is_admin_reviewed: bool
    is_organization_verified: bool
    is_organization_configured: bool
    org_auto_accept_email: str | None
    lock_event_type_creation: bool
    admin_gets_no_slots_notification: bool
    allow_seo_indexing: bool


class OrganizationSettingsPatch(ApiModel):
    is_admin_reviewed: bool | None = None
    is_organization_verified: bool | None = None
    is_organization_configured: bool | None = None
    org_auto_accept_email: str | None = Field(
        default=None,
        max_length=255,
        pattern=r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$",
        description="An email domain (example.com): new users with it are accepted at once",
    )
    lock_event_type_creation: bool | None = None
    admin_gets_no_slots_notification: bool | None = None
    allow_seo_indexing: bool | None = None

    @field_validator("org_auto_accept_email", mode="before")
    @classmethod
    def _domain_only(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().lower().removeprefix("@")
        return value


class OrganizationCreate(ApiModel):
    name: ShortText
    slug: OrganizationSlug
    owner_email: EmailStr
    owner_name: PersonName | None = None
    plan: PlanType = "lite"


class CreatedOrganization(ApiModel):
    id: int
    slug: str


class CreatedOwner(ApiModel):
    id: int
    email: str


class OrganizationCreated(ApiModel):
    organization: CreatedOrganization
    owner: CreatedOwner
    api_key: str
