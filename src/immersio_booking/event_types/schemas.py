"""Wire shapes of event types (workshops), Cal.com 2024-06-14, plus price and metadata."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from immersio_booking.event_types.fields import BookingField, Location
from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import HttpUrlText, MetadataCaps, ShortText, Slug
from immersio_booking.models.metadata import EventTypeMetadata

CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")
Minutes = Annotated[int, Field(ge=0, le=60 * 24 * 365)]
# Buffers are bounded (a day) so a slot query can bound its search for neighbouring bookings.
BufferMinutes = Annotated[int, Field(ge=0, le=1440)]


class Disabled(ApiModel):
    disabled: Literal[True]


class DaysWindow(ApiModel):
    type: Literal["businessDays", "calendarDays"]
    value: int = Field(ge=1, le=3650)
    rolling: bool = False


class RangeWindow(ApiModel):
    type: Literal["range"]
    value: Annotated[list[date], Field(min_length=2, max_length=2)]

    @model_validator(mode="after")
    def _ordered(self) -> RangeWindow:
        if self.value[1] < self.value[0]:
            raise ValueError("the range's end date is before its start date")
        return self


class NoticeThreshold(ApiModel):
    unit: Literal["minutes", "hours"]
    count: int = Field(ge=1, le=100000)


class ConfirmationPolicy(ApiModel):
    type: Literal["always", "time"]
    notice_threshold: NoticeThreshold | None = None
    block_unconfirmed_bookings_in_booker: bool = True

    @model_validator(mode="after")
    def _threshold_for_time(self) -> ConfirmationPolicy:
        if self.type == "time" and self.notice_threshold is None:
            raise ValueError("a 'time' confirmation policy needs noticeThreshold")
        return self


class Recurrence(ApiModel):
    frequency: Literal["weekly", "monthly"]
    interval: int = Field(ge=1, le=12)
    occurrences: int = Field(ge=2, le=52)


class Seats(ApiModel):
    seats_per_time_slot: int = Field(ge=1, le=1000)
    show_attendee_info: bool
    show_availability_count: bool


class Color(ApiModel):
    light_theme_hex: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    dark_theme_hex: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")


class Host(ApiModel):
    user_id: int = Field(ge=1)
    mandatory: bool = False
    priority: Literal["lowest", "low", "medium", "high", "highest"] = "medium"


# Settings we accept, store in ``EventType.options`` (models/options.py: a field of the same
# name each) and echo; they change presentation only.
PRESENTATION_FIELDS = (
    "lock_time_zone_toggle_on_booking_page",
    "hide_calendar_notes",
    "hide_calendar_event_details",
    "hide_organizer_email",
    "custom_name",
    "color",
    "success_redirect_url",
    "booking_requires_authentication",
    "requires_booker_email_verification",  # not presentation: bookings/verification.py
)


class _EventTypeFields(ApiModel):
    length_in_minutes_options: list[Annotated[int, Field(ge=1, le=1440)]] | None = Field(
        default=None, max_length=20
    )
    description: str | None = Field(default=None, max_length=10000)
    locations: list[Location] | None = Field(default=None, min_length=1, max_length=20)
    booking_fields: list[BookingField] | None = Field(default=None, max_length=50)
    disable_guests: bool | None = None
    slot_interval: int | None = Field(default=None, ge=1, le=1440)
    minimum_booking_notice: Minutes | None = None
    before_event_buffer: BufferMinutes | None = None
    after_event_buffer: BufferMinutes | None = None
    schedule_id: int | None = Field(default=None, ge=1)
    booking_window: DaysWindow | RangeWindow | Disabled | None = None
    confirmation_policy: ConfirmationPolicy | Disabled | None = None
    recurrence: Recurrence | Disabled | None = None
    seats: Seats | Disabled | None = None
    hidden: bool | None = None
    price: int | None = Field(default=None, ge=0, le=100_000_000, description="minor units")
    currency: str | None = Field(default=None, description="ISO 4217 code, e.g. usd")
    metadata: Annotated[EventTypeMetadata | None, MetadataCaps] = None
    lock_time_zone_toggle_on_booking_page: bool | None = None
    hide_calendar_notes: bool | None = None
    hide_calendar_event_details: bool | None = None
    hide_organizer_email: bool | None = None
    custom_name: str | None = Field(default=None, max_length=255)
    color: Color | None = None
    success_redirect_url: HttpUrlText | None = None
    booking_requires_authentication: bool | None = None
    requires_booker_email_verification: bool | None = None

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not CURRENCY_RE.match(value):
            raise ValueError("must be an ISO 4217 currency code like usd or eur")
        return value.lower()

    @field_validator("length_in_minutes_options")
    @classmethod
    def _unique_options(cls, value: list[int] | None) -> list[int] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("lengthInMinutesOptions must be unique")
        return value


class EventTypeCreate(_EventTypeFields):
    length_in_minutes: int = Field(ge=1, le=1440)
    title: ShortText
    slug: Slug

    @model_validator(mode="after")
    def _options_include_length(self) -> EventTypeCreate:
        options = self.length_in_minutes_options
        if options and self.length_in_minutes not in options:
            raise ValueError("lengthInMinutesOptions must include lengthInMinutes")
        return self


class EventTypePatch(_EventTypeFields):
    length_in_minutes: int | None = Field(default=None, ge=1, le=1440)
    title: ShortText | None = None
    slug: Slug | None = None


class TeamEventTypeCreate(EventTypeCreate):
    scheduling_type: Literal["collective", "roundRobin", "COLLECTIVE", "ROUND_ROBIN"]
    hosts: list[Host] | None = Field(default=None, max_length=200)
    assign_all_team_members: bool = False


class TeamEventTypePatch(EventTypePatch):
    scheduling_type: Literal["collective", "roundRobin", "COLLECTIVE", "ROUND_ROBIN"] | None = None
    hosts: list[Host] | None = Field(default=None, max_length=200)
    assign_all_team_members: bool | None = None


class EventTypeUser(ApiModel):
    id: int
    name: str | None
    username: str | None
    avatar_url: str | None = None
    brand_color: str | None = None
    dark_brand_color: str | None = None
    week_start: str = "Monday"
    metadata: dict[str, Any] = Field(default_factory=dict)


class HostOut(ApiModel):
    user_id: int
    mandatory: bool
    priority: str
    name: str | None
    username: str | None
    avatar_url: str | None = None


class EventTypeTeam(ApiModel):
    id: int
    slug: str | None
    name: str
    logo_url: str | None
    banner_url: str | None
    brand_color: str | None


class EventTypeOut(ApiModel):
    """Cal.com's EventType (and TeamEventType when ``teamId`` is set)."""

    id: int
    owner_id: int | None
    length_in_minutes: int
    length_in_minutes_options: list[int] | None = None
    title: str
    slug: str
    description: str
    locations: list[dict[str, Any]]
    booking_fields: list[dict[str, Any]]
    recurrence: dict[str, Any] | None
    disable_guests: bool
    slot_interval: int | None
    minimum_booking_notice: int
    before_event_buffer: int
    after_event_buffer: int
    metadata: dict[str, Any]
    price: int
    currency: str
    lock_time_zone_toggle_on_booking_page: bool = False
    success_redirect_url: str | None = None
    is_instant_event: bool = False
    users: list[EventTypeUser]
    schedule_id: int | None
    booking_window: dict[str, Any]
    confirmation_policy: dict[str, Any]
    seats: dict[str, Any]
    seats_per_time_slot: int | None
    seats_show_availability_count: bool
    requires_confirmation: bool
    hidden: bool
    hide_calendar_notes: bool = False
    hide_calendar_event_details: bool = False
    hide_organizer_email: bool = False
    booking_requires_authentication: bool = False
    requires_booker_email_verification: bool = False
    custom_name: str | None = None
    color: dict[str, Any] | None = None
    booking_url: str
    organization_id: int
    team_id: int | None = None
    scheduling_type: str | None = None
    hosts: list[HostOut] | None = None
    team: EventTypeTeam | None = None


class DeletedEventType(ApiModel):
    id: int
    length_in_minutes: int
    slug: str
    title: str
