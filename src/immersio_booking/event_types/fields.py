"""Booking form fields and locations of an event type (Cal.com 2024-06-14 shapes)."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import Field, TypeAdapter, model_validator

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import HttpUrlText

CUSTOM_FIELD_TYPES = (
    "phone",
    "address",
    "text",
    "number",
    "textarea",
    "select",
    "multiselect",
    "multiemail",
    "checkbox",
    "radio",
    "boolean",
    "url",
)
OPTION_TYPES = frozenset({"select", "multiselect", "checkbox", "radio"})
DEFAULT_SLUG_TYPES = {
    "title": "text",
    "notes": "textarea",
    "guests": "multiemail",
    "rescheduleReason": "textarea",
    "location": "radioInput",
}
SLUG_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,63}$")
E164 = re.compile(r"^\+[1-9]\d{6,14}$")
INTEGRATIONS = (
    "cal-video",
    "google-meet",
    "zoom",
    "whereby-video",
    "whatsapp-video",
    "webex-video",
    "telegram-video",
    "tandem",
    "jitsi",
    "skype-video",
    "discord-video",
    "facetime-video",
    "sirius-video",
    "office365-video",
)


class BookingField(ApiModel):
    """One form field. Defaults are named by ``type`` (name, email) or ``slug`` (notes, ...)."""

    type: str | None = None
    slug: str | None = Field(default=None, max_length=64)
    label: str | None = Field(default=None, max_length=255)
    required: bool | None = None
    placeholder: str | None = Field(default=None, max_length=255)
    hidden: bool | None = None
    disable_on_prefill: bool | None = None
    options: list[Annotated[str, Field(min_length=1, max_length=255)]] | None = Field(
        default=None, max_length=100
    )

    @model_validator(mode="after")
    def _valid_kind(self) -> BookingField:
        if self.type in ("name", "splitName", "email"):
            if self.type == "email" and (self.required is False or self.hidden is True):
                raise ValueError("the email field must stay required and visible")
            return self
        if self.type is None:
            if self.slug not in DEFAULT_SLUG_TYPES:
                raise ValueError(
                    f"a field without type must be a default field: {', '.join(DEFAULT_SLUG_TYPES)}"
                )
            return self
        if self.type not in CUSTOM_FIELD_TYPES:
            raise ValueError(
                f"unsupported booking field type '{self.type}'; use one of "
                + ", ".join(CUSTOM_FIELD_TYPES)
            )
        if not self.slug or not SLUG_RE.match(self.slug):
            raise ValueError("custom booking fields need a slug of letters, digits, - or _")
        if self.label is None or self.required is None:
            raise ValueError("custom booking fields need a label and required")
        if self.type in OPTION_TYPES and not self.options:
            raise ValueError(f"'{self.type}' fields need options")
        if self.options is not None and len(set(self.options)) != len(self.options):
            raise ValueError("options must be unique")
        return self


def default_fields() -> list[dict[str, Any]]:
    return [
        {"isDefault": True, "type": "name", "slug": "name", "required": True, "hidden": False},
        {"isDefault": True, "type": "email", "slug": "email", "required": True, "hidden": False},
        {
            "isDefault": True,
            "type": "textarea",
            "slug": "notes",
            "required": False,
            "hidden": False,
        },
        {
            "isDefault": True,
            "type": "multiemail",
            "slug": "guests",
            "required": False,
            "hidden": False,
        },
    ]


def stored_fields(fields: list[BookingField]) -> list[dict[str, Any]]:
    """The full form as stored: defaults first (overridable), then custom fields in order."""
    defaults = {f["slug"]: f for f in default_fields()}
    custom: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in fields:
        if item.type in ("name", "splitName", "email"):
            slug = "email" if item.type == "email" else "name"
        else:
            slug = item.slug or ""
        if slug in seen:
            raise ValueError(f"booking field slug '{slug}' is used twice")
        seen.add(slug)
        given = item.model_dump(by_alias=True, exclude_none=True)
        if slug in defaults or item.type is None:
            kind = DEFAULT_SLUG_TYPES.get(slug, given.get("type"))
            base = defaults.get(
                slug, {"isDefault": True, "slug": slug, "required": False, "hidden": False}
            )
            defaults[slug] = {**base, **given, "slug": slug, "type": kind, "isDefault": True}
        else:
            custom.append({"isDefault": False, "hidden": False, **given})
    return [*defaults.values(), *custom]


class AddressLocation(ApiModel):
    type: Literal["address"]
    address: str = Field(min_length=1, max_length=500)
    public: bool = False


class LinkLocation(ApiModel):
    type: Literal["link"]
    link: HttpUrlText
    public: bool = False


class PhoneLocation(ApiModel):
    type: Literal["phone"]
    phone: str = Field(pattern=E164.pattern)
    public: bool = False


class IntegrationLocation(ApiModel):
    type: Literal["integration"]
    integration: Literal[INTEGRATIONS]  # type: ignore[valid-type]


class AttendeeLocation(ApiModel):
    type: Literal["attendeeAddress", "attendeePhone", "attendeeDefined"]


class OrganizersDefaultAppLocation(ApiModel):
    type: Literal["organizersDefaultApp"]


Location = Annotated[
    AddressLocation
    | LinkLocation
    | PhoneLocation
    | IntegrationLocation
    | AttendeeLocation
    | OrganizersDefaultAppLocation,
    Field(discriminator="type"),
]
LOCATIONS = TypeAdapter(list[Location])
DEFAULT_LOCATIONS: list[dict[str, Any]] = [{"type": "integration", "integration": "cal-video"}]
