"""Wire shapes of event types (workshops), Cal.com 2024-06-14, plus price and metadata."""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from immersio_booking.event_types.fields import BookingField, Location
from immersio_booking.kit.i18n import LANGUAGES
from immersio_booking.kit.schemas import ApiModel, StrictApiModel
from immersio_booking.kit.validation import HttpUrlText, MetadataCaps, ShortText, Slug, refusal
from immersio_booking.models.metadata import EventTypeMetadata

CURRENCY_RE = re.compile(r"^[A-Za-z]{3}$")
Minutes = Annotated[int, Field(ge=0, le=60 * 24 * 365)]
PERIODS = ("day", "week", "month", "year")
Layout = Literal["month", "week", "column"]
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


class PeriodLimits(StrictApiModel):
    """Cal.com's ``bookingLimitsCount``: most bookings per day/week/month/year."""

    day: int | None = Field(default=None, ge=1, le=100_000)
    week: int | None = Field(default=None, ge=1, le=100_000)
    month: int | None = Field(default=None, ge=1, le=100_000)
    year: int | None = Field(default=None, ge=1, le=100_000)

    @model_validator(mode="after")
    def _ascending(self) -> PeriodLimits:
        given = [(k, v) for k in PERIODS if (v := getattr(self, k)) is not None]
        if not given:
            raise ValueError("give at least one of day, week, month, year (or disabled: true)")
        for (small, low), (large, high) in zip(given, given[1:], strict=False):
            if low > high:
                raise ValueError(f"{small} ({low}) is more than {large} ({high})")
        return self


class DurationLimits(PeriodLimits):
    """Cal.com's ``bookingLimitsDuration``: most booked minutes per day/week/month/year."""

    day: int | None = Field(default=None, ge=15, le=1440)
    week: int | None = Field(default=None, ge=15, le=7 * 1440)
    month: int | None = Field(default=None, ge=15, le=31 * 1440)
    year: int | None = Field(default=None, ge=15, le=366 * 1440)


class ActiveBookingsLimit(StrictApiModel):
    maximum_active_bookings: int = Field(ge=1, le=1000)
    offer_reschedule: bool = False


class BookerLayouts(StrictApiModel):
    default_layout: Layout
    enabled_layouts: list[Layout] = Field(min_length=1, max_length=3)

    @model_validator(mode="after")
    def _default_enabled(self) -> BookerLayouts:
        if self.default_layout not in self.enabled_layouts:
            raise ValueError("defaultLayout must be one of enabledLayouts")
        return self


class CalVideoSettings(StrictApiModel):
    disable_recording_for_organizer: bool | None = None
    disable_recording_for_guests: bool | None = None
    enable_automatic_recording_for_organizer: bool | None = None
    enable_automatic_transcription: bool | None = None
    disable_transcription_for_guests: bool | None = None
    disable_transcription_for_organizer: bool | None = None
    redirect_url_on_exit: HttpUrlText | None = None


class DestinationCalendar(StrictApiModel):
    integration: str = Field(min_length=1, max_length=100)
    external_id: str = Field(min_length=1, max_length=500)


class Host(ApiModel):
    user_id: int = Field(ge=1)
    mandatory: bool = False
    priority: Literal["lowest", "low", "medium", "high", "highest"] = "medium"


# Settings we accept, store in ``EventType.options`` (models/options.py: a field of the same
# name each) and echo; they change presentation only.
PRESENTATION_FIELDS = (
    "lock_time_zone_toggle_on_booking_page",
    "booker_layouts",
    "cal_video_settings",
    "destination_calendar",
    "use_destination_calendar_email",
    "show_optimized_slots",
    "hide_calendar_notes",
    "hide_calendar_event_details",
    "hide_organizer_email",
    "custom_name",
    "color",
    "success_redirect_url",
    "booking_requires_authentication",
    "requires_booker_email_verification",  # not presentation: bookings/verification.py
)
# Settings stored the same way that change booking behaviour (docs/event-type-rules.md).
RULE_FIELDS = (
    "booking_limits_count",
    "booking_limits_duration",
    "booker_active_bookings_limit",
    "only_show_first_available_slot",
    "offset_start",
    "disable_cancelling",
    "disable_rescheduling",
    "interface_language",
    "allow_rescheduling_past_bookings",
    "allow_rescheduling_cancelled_bookings",
    "waitlist_offer_minutes",
    "waitlist_auto_book",
)
STORED_FIELDS = PRESENTATION_FIELDS + RULE_FIELDS


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
    booking_limits_count: PeriodLimits | Disabled | None = None
    booking_limits_duration: DurationLimits | Disabled | None = None
    booker_active_bookings_limit: ActiveBookingsLimit | Disabled | None = None
    only_show_first_available_slot: bool | None = None
    offset_start: int | None = Field(default=None, ge=0, le=1440)
    disable_cancelling: bool | None = None
    disable_rescheduling: bool | None = None
    interface_language: str | None = Field(default=None, max_length=10)
    allow_rescheduling_past_bookings: bool | None = None
    allow_rescheduling_cancelled_bookings: bool | None = None
    # Our extensions (docs/waitlist.md): how long a seat offered to the waitlist is held, and
    # booking the first in line at once (free workshops only).
    waitlist_offer_minutes: int | None = Field(default=None, ge=1, le=1440)
    waitlist_auto_book: bool | None = None
    booker_layouts: BookerLayouts | None = None
    cal_video_settings: CalVideoSettings | None = None
    destination_calendar: DestinationCalendar | None = None
    use_destination_calendar_email: bool | None = None
    show_optimized_slots: bool | None = None

    @field_validator("interface_language")
    @classmethod
    def _supported_language(cls, value: str | None) -> str | None:
        # "" is Cal.com's "the visitor's own language"; we speak English and French.
        if value is not None and value not in ("", *LANGUAGES):
            raise ValueError(
                f"interfaceLanguage {value!r} is not supported; use one of"
                f' {", ".join(LANGUAGES)} or "" for the visitor\'s language'
            )
        return value

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not CURRENCY_RE.match(value):
            raise refusal("currency_code", "must be an ISO 4217 currency code like usd or eur")
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
    booking_limits_count: dict[str, int] = Field(default_factory=dict)
    booking_limits_duration: dict[str, int] = Field(default_factory=dict)
    booker_active_bookings_limit: dict[str, Any] = Field(default_factory=lambda: {"disabled": True})
    only_show_first_available_slot: bool = False
    offset_start: int = 0
    disable_cancelling: bool = False
    disable_rescheduling: bool = False
    interface_language: str | None = None
    allow_rescheduling_past_bookings: bool = False
    allow_rescheduling_cancelled_bookings: bool = False
    waitlist_offer_minutes: int | None = None
    waitlist_auto_book: bool = False
    booker_layouts: dict[str, Any] | None = None
    cal_video_settings: dict[str, Any] | None = None
    destination_calendar: dict[str, Any] | None = None
    use_destination_calendar_email: bool = False
    show_optimized_slots: bool = False
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
