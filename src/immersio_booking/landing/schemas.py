"""Wire shapes of a landing page's settings (``/v2/organizations/{orgId}/landing-page``)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import Color, HttpUrlText
from immersio_booking.landing.sanitizing import clean_bio

TemplateId = Literal["education", "tutor_personal", "center_small", "kids_1", "kids_2"]


class SocialLinks(ApiModel):
    model_config = {"extra": "forbid"}

    facebook: HttpUrlText | None = None
    instagram: HttpUrlText | None = None
    youtube: HttpUrlText | None = None
    tiktok: HttpUrlText | None = None


class LandingPageIn(ApiModel):
    """The whole page (PUT replaces it): fields left out go back to their defaults."""

    template_id: TemplateId = "education"
    primary_color: Color | None = None
    secondary_color: Color | None = None
    logo_url: HttpUrlText | None = None
    hero_image_url: HttpUrlText | None = None
    page_title: str | None = Field(default=None, max_length=120)
    page_subtitle: str | None = Field(default=None, max_length=300)
    teacher_bio: str | None = Field(default=None, max_length=5000)
    teacher_avatar_url: HttpUrlText | None = None
    social_links: SocialLinks = Field(default_factory=SocialLinks)
    cta_text: str | None = Field(default=None, max_length=60)
    meta_title: str | None = Field(default=None, max_length=70)
    meta_description: str | None = Field(default=None, max_length=160)
    is_published: bool = False

    @field_validator("teacher_bio")
    @classmethod
    def _sanitised(cls, value: str | None) -> str | None:
        return clean_bio(value) if value else value


class ContrastWarning(ApiModel):
    field: str
    given: str
    used: str
    reason: Literal["low_contrast"] = "low_contrast"
    message: str


class LandingPageOut(ApiModel):
    organization_id: int
    template_id: str
    primary_color: str | None
    secondary_color: str | None
    logo_url: str | None
    hero_image_url: str | None
    page_title: str | None
    page_subtitle: str | None
    teacher_bio: str | None
    teacher_avatar_url: str | None
    social_links: dict[str, str]
    cta_text: str | None
    meta_title: str | None
    meta_description: str | None
    is_published: bool
    public_url: str
    preview_url: str
    warnings: list[ContrastWarning]
    updated_at: datetime | None
