"""The typed shape of ``EventType.extra``: the Cal.com settings a workshop stores and echoes,
and the service's own flags on it. Read and write it through ``EventType.options``.

The stored JSON keeps its spelling: top-level keys in snake_case, the nested Cal.com objects
(``confirmation_policy``, ``color``) in camelCase as they came on the wire. A key is stored only
when it was given: ``None`` means absent (never stored as ``null``), so rows and
``GET /v2/event-types`` answers are the same as when ``extra`` was a raw dict. Keys this model
does not know are kept as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class _Stored(BaseModel):
    model_config = ConfigDict(extra="allow", validate_assignment=True)


class _StoredCamel(_Stored):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True)


class NoticeThresholdOption(_StoredCamel):
    unit: Literal["minutes", "hours"]
    count: int

    def as_timedelta(self) -> timedelta:
        return timedelta(minutes=self.count * (60 if self.unit == "hours" else 1))


class ConfirmationPolicyOption(_StoredCamel):
    """Cal.com's ``confirmationPolicy`` of a workshop that requires confirmation."""

    type: Literal["always", "time"]
    notice_threshold: NoticeThresholdOption | None = None
    block_unconfirmed_bookings_in_booker: bool = True


class ColorOption(_StoredCamel):
    light_theme_hex: str
    dark_theme_hex: str


class PeriodLimitsOption(_Stored):
    """``bookingLimitsCount`` / ``bookingLimitsDuration``: a maximum per period, if set."""

    day: int | None = None
    week: int | None = None
    month: int | None = None
    year: int | None = None

    def items(self) -> list[tuple[str, int]]:
        """The periods that carry a maximum, shortest first."""
        found = ((p, getattr(self, p)) for p in ("day", "week", "month", "year"))
        return [(p, v) for p, v in found if v is not None]


class ActiveBookingsLimitOption(_StoredCamel):
    maximum_active_bookings: int
    offer_reschedule: bool = False


class EventTypeOptions(_Stored):
    """``EventType.extra``, typed. Every field is ``None`` when the key is not stored."""

    # The booking window (``bookingWindow.rolling`` of a days window; absent for the others).
    booking_window_rolling: bool | None = None
    # Set with ``requires_confirmation``: when a booking needs the teacher's confirmation.
    confirmation_policy: ConfirmationPolicyOption | None = None
    # Cal.com settings accepted and echoed (event_types.schemas.PRESENTATION_FIELDS).
    lock_time_zone_toggle_on_booking_page: bool | None = None
    hide_calendar_notes: bool | None = None
    hide_calendar_event_details: bool | None = None
    hide_organizer_email: bool | None = None
    custom_name: str | None = None
    color: ColorOption | None = None
    success_redirect_url: str | None = None
    # Not presentation: only the school's staff (with an API key) may book.
    booking_requires_authentication: bool | None = None
    # Not presentation: the booker proves the email address with a code (bookings.verification).
    requires_booker_email_verification: bool | None = None
    booker_layouts: dict[str, Any] | None = None
    cal_video_settings: dict[str, Any] | None = None
    destination_calendar: dict[str, Any] | None = None
    use_destination_calendar_email: bool | None = None
    show_optimized_slots: bool | None = None
    # Rules on booking (event_types.schemas.RULE_FIELDS; docs/event-type-rules.md).
    booking_limits_count: PeriodLimitsOption | None = None
    booking_limits_duration: PeriodLimitsOption | None = None
    booker_active_bookings_limit: ActiveBookingsLimitOption | None = None
    only_show_first_available_slot: bool | None = None
    offset_start: int | None = None
    disable_cancelling: bool | None = None
    disable_rescheduling: bool | None = None
    interface_language: str | None = None
    allow_rescheduling_past_bookings: bool | None = None
    allow_rescheduling_cancelled_bookings: bool | None = None
    # The waitlist of a full session (docs/waitlist.md): how long an offered seat is held
    # (default 60 minutes, never past 2 hours before the start), and whether the first in line
    # of a free workshop is booked at once instead of offered.
    waitlist_offer_minutes: int | None = None
    waitlist_auto_book: bool | None = None
    # The day (ISO date) the school's admins were last told this workshop has no free slot.
    no_slots_alerted_on: str | None = None

    def to_json(self, fields: Iterable[str] | None = None) -> dict[str, Any]:
        """The JSON to store (only the keys that are set), or only ``fields`` of it."""
        return self.model_dump(
            mode="json",
            by_alias=True,
            exclude_none=True,
            include=set(fields) if fields is not None else None,
        )
