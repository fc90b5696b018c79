"""Wire shapes of sub-teams."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import Color, HttpUrlText, MetadataCaps, ShortText, Slug


class TeamOut(ApiModel):
    id: int
    parent_id: int | None
    organization_id: int | None
    name: str
    slug: str | None
    logo_url: str | None
    bio: str | None
    brand_color: str | None
    banner_url: str | None
    is_organization: bool
    is_private: bool
    metadata: dict[str, Any] = Field(validation_alias="metadata_")
    created_at: datetime
    updated_at: datetime


class TeamCreate(ApiModel):
    name: ShortText
    slug: Slug | None = None
    parent_id: int | None = Field(default=None, ge=1)
    logo_url: HttpUrlText | None = None
    bio: str | None = Field(default=None, max_length=5000)
    brand_color: Color | None = None
    banner_url: HttpUrlText | None = None
    is_private: bool = False
    metadata: Annotated[dict[str, Any] | None, MetadataCaps] = None
    auto_accept_creator: bool = True


class TeamPatch(ApiModel):
    name: ShortText | None = None
    slug: Slug | None = None
    logo_url: HttpUrlText | None = None
    bio: str | None = Field(default=None, max_length=5000)
    brand_color: Color | None = None
    banner_url: HttpUrlText | None = None
    is_private: bool | None = None
    metadata: Annotated[dict[str, Any] | None, MetadataCaps] = None


class MyTeamOut(TeamOut):
    role: str
    accepted: bool
