"""Wire shapes of bookings (Cal.com 2024-08-13)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, EmailStr, Field, field_validator

from immersio_booking.kit import locale_tags
from immersio_booking.kit.schemas import ApiModel, StrictApiModel
from immersio_booking.kit.validation import MetadataCaps, OneLineText, PersonName, TimeZoneName
from immersio_booking.models.metadata import BookingMetadata

LANGUAGES = (
    "ar",
    "ca",
    "de",
    "es",
    "eu",
    "he",
    "id",
    "ja",
    "lv",
    "pl",
    "ro",
    "sr",
    "th",
    "vi",
    "az",
    "cs",
    "el",
    "es-419",
    "fi",
    "hr",
    "it",
    "km",
    "nl",
    "pt",
    "ru",
    "sv",
    "tr",
    "zh-CN",
    "bg",
    "da",
    "en",
    "et",
    "fr",
    "hu",
    "iw",
    "ko",
    "no",
    "pt-BR",
    "sk",
    "ta",
    "uk",
    "zh-TW",
    "bn",
)
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def _language(value: str) -> str:
    """Cal.com's languages as they are, or one of them with a region (``en-GB``, ``fr-CA``,
    ``es-419``) and/or the hour cycle the person reads (``en-US-u-hc-h23``): kept as given, so
    emails say the time the way the booking page did."""
    if value in LANGUAGES:
        return value
    tag = None if "_" in value else locale_tags.parse(value)  # BCP 47 spells en-GB, not en_GB
    if tag is None or (tag.language not in LANGUAGES and tag.regional not in LANGUAGES):
        raise ValueError(
            f"must be one of {', '.join(LANGUAGES)}, optionally with a region (en-GB, fr-CA)"
            " and an hour cycle (-u-hc-h12 or -u-hc-h23)"
        )
    return value


# At most 15 characters (es-419-u-hc-h23): attendees.locale holds 16.
Language = Annotated[
    str,
    Field(
        max_length=16,
        pattern=r"^[A-Za-z]{2,3}(-([A-Za-z]{2}|[0-9]{3}))?(-u-hc-h(11|12|23|24))?$",
        description="One of Cal.com's languages, optionally with a region and an hour cycle",
        examples=["en", "en-GB", "pt-BR", "en-US-u-hc-h23"],
    ),
    AfterValidator(_language),
]


class AttendeeIn(StrictApiModel):
    name: PersonName
    email: EmailStr
    time_zone: TimeZoneName
    language: Language = "en"
    phone_number: str | None = Field(default=None, pattern=E164.pattern)


class BookingLocationIn(StrictApiModel):
    type: Literal[
        "address",
        "link",
        "phone",
        "integration",
        "attendeeAddress",
        "attendeePhone",
        "attendeeDefined",
        "organizersDefaultApp",
    ]
    integration: str | None = Field(default=None, max_length=64)
    address: OneLineText | None = Field(default=None, min_length=1, max_length=500)
    phone: str | None = Field(default=None, pattern=E164.pattern)
    location: OneLineText | None = Field(default=None, min_length=1, max_length=500)


class BookingCreate(StrictApiModel):
    """Cal.com's union input: unknown keys are refused (400)."""

    start: AwareDatetime
    attendee: AttendeeIn
    event_type_id: int | None = Field(default=None, ge=1, le=2**63 - 1)
    event_type_slug: str | None = Field(default=None, max_length=255)
    username: str | None = Field(default=None, max_length=255)
    team_slug: str | None = Field(default=None, max_length=255)
    organization_slug: str | None = Field(default=None, max_length=255)
    length_in_minutes: int | None = Field(default=None, ge=1, le=1440)
    guests: list[EmailStr] | None = Field(default=None, max_length=20)
    location: BookingLocationIn | str | None = None
    booking_fields_responses: dict[str, Any] | None = None
    metadata: Annotated[BookingMetadata | None, MetadataCaps] = None
    recurrence_count: int | None = Field(default=None, ge=1, le=52)
    # Our extensions: the hold being turned into this booking, and staff marking it paid.
    reservation_uid: str | None = Field(default=None, max_length=64)
    paid_offline: bool = False
    # The signed token of a personal invitation (invite-only workshops; bookings/invitations.py).
    invitation_token: str | None = Field(default=None, max_length=200)
    # Cal.com's field for workshops with requiresBookerEmailVerification (the emailed code).
    email_verification_code: str | None = Field(default=None, max_length=16)

    @field_validator("location")
    @classmethod
    def _legacy_location(
        cls, value: BookingLocationIn | str | None
    ) -> BookingLocationIn | str | None:
        if isinstance(value, str) and not value.strip():
            raise ValueError("location must not be empty")
        return value


class CancelInput(StrictApiModel):
    cancellation_reason: str | None = Field(default=None, max_length=1000)
    cancel_subsequent_bookings: bool = False
    seat_uid: str | None = Field(default=None, max_length=64)


class RescheduleInput(StrictApiModel):
    start: AwareDatetime
    rescheduling_reason: str | None = Field(default=None, max_length=1000)
    rescheduled_by: EmailStr | None = None
    seat_uid: str | None = Field(default=None, max_length=64)


class AbsentAttendeeIn(StrictApiModel):
    email: EmailStr
    absent: bool


class MarkAbsentInput(StrictApiModel):
    """Cal.com's MarkAbsentBookingInput: the host's absence and/or some attendees'."""

    host: bool | None = None
    attendees: list[AbsentAttendeeIn] | None = Field(default=None, max_length=100)


class GuestIn(StrictApiModel):
    email: EmailStr
    name: PersonName | None = None
    time_zone: TimeZoneName | None = None
    language: Language | None = None


class AddGuestsInput(StrictApiModel):
    """Cal.com's AddGuestsInput: at most 10 guests a request."""

    guests: list[GuestIn] = Field(min_length=1, max_length=10)


class LocationInput(StrictApiModel):
    """Cal.com's UpdateBookingLocationInput: one of the workshop's locations."""

    location: BookingLocationIn | Annotated[str, Field(min_length=1, max_length=500)]


class ReassignInput(StrictApiModel):
    reason: OneLineText | None = Field(default=None, max_length=500)


class DeclineInput(ApiModel):
    reason: str | None = Field(default=None, max_length=1000)


class HostOut(ApiModel):
    id: int
    name: str
    email: str
    display_email: str
    username: str
    time_zone: str


class AttendeeOut(ApiModel):
    name: str
    email: str
    display_email: str
    time_zone: str
    language: str | None
    absent: bool = False
    phone_number: str | None = None
    seat_uid: str | None = None


class EventTypeRef(ApiModel):
    id: int
    slug: str


class PaymentOut(ApiModel):
    uid: str
    client_secret: str | None = Field(
        default=None, description="For Stripe.js; only in the reply to the booker"
    )
    publishable_key: str | None = None
    amount: int
    currency: str
    status: str
    payment_url: str | None = None


class BookingOut(ApiModel):
    id: int
    uid: str
    title: str
    description: str | None
    hosts: list[HostOut]
    status: str
    cancellation_reason: str | None = None
    cancelled_by_email: str | None = None
    rejection_reason: str | None = None
    rescheduling_reason: str | None = None
    rescheduled_from_uid: str | None = None
    rescheduled_to_uid: str | None = None
    start: datetime
    end: datetime
    duration: int
    event_type_id: int | None
    event_type: EventTypeRef | None
    meeting_url: str | None = None
    location: str | None
    absent_host: bool = False
    created_at: datetime
    updated_at: datetime | None
    metadata: dict[str, Any]
    rating: int | None = None
    ics_uid: str
    attendees: list[AttendeeOut]
    guests: list[str] | None = None
    booking_fields_responses: dict[str, Any] | None = None
    seat_uid: str | None = None
    recurring_booking_uid: str | None = None
    paid: bool
    hold_expires_at: datetime | None = None
    payment: PaymentOut | None = None
    manage_url: str | None = Field(
        default=None,
        description="The attendee's self-service link (only in create/reschedule replies)",
    )


BookingStatusFilter = Annotated[
    str,
    Field(
        pattern=r"^(upcoming|recurring|past|cancelled|unconfirmed)(,(upcoming|recurring|past|cancelled|unconfirmed))*$"
    ),
]
