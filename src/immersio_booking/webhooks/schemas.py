"""Wire shapes of webhook subscriptions (Cal.com's WebhookOutput; the id is a UUID string)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field, field_validator

from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.validation import HttpUrlText, refusal

# Cal.com's trigger list (documented values and the rest of its enum).
TRIGGERS = (
    "BOOKING_CREATED",
    "BOOKING_RESCHEDULED",
    "BOOKING_CANCELLED",
    "BOOKING_REJECTED",
    "BOOKING_REQUESTED",
    "BOOKING_PAYMENT_INITIATED",
    "BOOKING_PAID",
    "BOOKING_NO_SHOW_UPDATED",
    "MEETING_STARTED",
    "MEETING_ENDED",
    "RECORDING_READY",
    "FORM_SUBMITTED",
    "AFTER_HOSTS_CAL_VIDEO_NO_SHOW",
    "AFTER_GUESTS_CAL_VIDEO_NO_SHOW",
    "WRONG_ASSIGNMENT_REPORT",
    "INSTANT_MEETING",
    "RECORDING_TRANSCRIPTION_GENERATED",
    "OOO_CREATED",
    # Ours (docs/waitlist.md).
    "WAITLIST_JOINED",
    "WAITLIST_OFFERED",
    "WAITLIST_EXPIRED",
)


def _triggers(value: list[str] | None) -> list[str] | None:
    if value is None:
        return None
    unknown = sorted(set(value) - set(TRIGGERS))
    if unknown:
        raise refusal(
            "unknown_trigger",
            "unknown trigger(s) {unknown}; each value in triggers must be one of {known}",
            unknown=", ".join(unknown),
            known=", ".join(TRIGGERS),
        )
    return list(dict.fromkeys(value))  # duplicates collapsed, order kept


class WebhookCreate(ApiModel):
    subscriber_url: HttpUrlText
    triggers: list[str] = Field(min_length=1, max_length=len(TRIGGERS) * 2)
    active: bool = True
    payload_template: str | None = Field(default=None, max_length=20000)
    secret: str | None = Field(default=None, min_length=8, max_length=255)
    version: str | None = Field(default=None, pattern=r"^2021-10-20$")

    _check_triggers = field_validator("triggers")(_triggers)


class WebhookPatch(ApiModel):
    subscriber_url: HttpUrlText | None = None
    triggers: list[str] | None = Field(default=None, min_length=1, max_length=len(TRIGGERS) * 2)
    active: bool | None = None
    payload_template: str | None = Field(default=None, max_length=20000)
    secret: str | None = Field(default=None, min_length=8, max_length=255)

    _check_triggers = field_validator("triggers")(_triggers)


class WebhookOut(ApiModel):
    id: str
    payload_template: str | None
    triggers: list[str]
    subscriber_url: str
    active: bool
    secret: str | None = Field(default=None, description="Only in the reply that set it")
    user_id: int | None = None
    event_type_id: int | None = None
    team_id: int | None = None


class DeliveryOut(ApiModel):
    id: str
    trigger: str
    status: str
    attempts: int
    next_attempt_at: datetime | None
    last_attempt_at: datetime | None
    last_status_code: int | None
    last_response: str | None = Field(description="The first 1,000 characters of the answer")
    created_at: datetime
