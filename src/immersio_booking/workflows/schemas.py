"""Wire shapes of workflows (Cal.com's names: ``activeOn``, ``isActiveOnAll``, ``timeUnit``,
ordered ``steps`` with ``action``, ``sendTo``, ``reminderBody``, ``emailSubject``...)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from immersio_booking.kit import html
from immersio_booking.kit.pagination import Pagination
from immersio_booking.kit.schemas import ApiModel, Envelope

TIMED_TRIGGERS = ("BEFORE_EVENT", "AFTER_EVENT")
IMMEDIATE_TRIGGERS = (
    "NEW_EVENT",
    "EVENT_CANCELLED",
    "RESCHEDULE_EVENT",
    "BOOKING_REQUESTED",
    "BOOKING_PAID",
)
# Ours (docs/waitlist.md): about a waitlist entry, not a booking; sent at once, by email only.
WAITLIST_TRIGGERS = ("WAITLIST_JOINED", "WAITLIST_OFFERED", "WAITLIST_EXPIRED")
EMAIL_ACTIONS = ("EMAIL_HOST", "EMAIL_ATTENDEE", "EMAIL_ADDRESS")
TEXT_ACTIONS = ("SMS_ATTENDEE", "SMS_NUMBER", "WHATSAPP_ATTENDEE", "WHATSAPP_NUMBER")

Trigger = Literal[
    "BEFORE_EVENT",
    "AFTER_EVENT",
    "NEW_EVENT",
    "EVENT_CANCELLED",
    "RESCHEDULE_EVENT",
    "BOOKING_REQUESTED",
    "BOOKING_PAID",
    "WAITLIST_JOINED",
    "WAITLIST_OFFERED",
    "WAITLIST_EXPIRED",
]
Action = Literal[
    "EMAIL_HOST",
    "EMAIL_ATTENDEE",
    "EMAIL_ADDRESS",
    "SMS_ATTENDEE",
    "SMS_NUMBER",
    "WHATSAPP_ATTENDEE",
    "WHATSAPP_NUMBER",
]
TimeUnit = Literal["MINUTE", "HOUR", "DAY"]
# REMINDER: our default reminder text when no body is given; CUSTOM: the body is required.
Template = Literal["REMINDER", "CUSTOM"]

MAX_STEPS = 20
# What a school may write in a reminder email's body; the rest is stripped (scripts, styles,
# event handlers, forms, images that track).
BODY_TAGS = {"p", "br", "strong", "em", "b", "i", "u", "ul", "ol", "li", "a", "h2", "h3"}
MAX_EVENT_TYPES = 500


class StepIn(ApiModel):
    step_number: int = Field(ge=1, le=MAX_STEPS)
    action: Action
    template: Template = "REMINDER"
    send_to: str | None = Field(default=None, max_length=320)
    reminder_body: str | None = Field(default=None, max_length=20000)
    email_subject: str | None = Field(default=None, max_length=500)
    sender: str | None = Field(default=None, max_length=100)

    @field_validator("reminder_body")
    @classmethod
    def _safe_body(cls, value: str | None) -> str | None:
        return html.clean(value, BODY_TAGS) if value else value


class WorkflowCreate(ApiModel):
    name: str = Field(min_length=1, max_length=255)
    trigger: Trigger
    time: int | None = Field(default=None, ge=0, le=100000)
    time_unit: TimeUnit | None = None
    active: bool = True
    is_active_on_all: bool = False
    active_on: list[int] = Field(default_factory=list, max_length=MAX_EVENT_TYPES)
    steps: list[StepIn] = Field(min_length=1, max_length=MAX_STEPS)


class WorkflowPatch(ApiModel):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    trigger: Trigger | None = None
    time: int | None = Field(default=None, ge=0, le=100000)
    time_unit: TimeUnit | None = None
    active: bool | None = None
    is_active_on_all: bool | None = None
    active_on: list[int] | None = Field(default=None, max_length=MAX_EVENT_TYPES)
    steps: list[StepIn] | None = Field(default=None, min_length=1, max_length=MAX_STEPS)


class StepOut(ApiModel):
    id: int
    step_number: int
    action: str
    template: str | None
    send_to: str | None
    reminder_body: str | None
    email_subject: str | None
    sender: str | None


class WorkflowOut(ApiModel):
    id: int
    name: str
    user_id: int | None
    team_id: int | None
    trigger: str
    time: int | None
    time_unit: str | None
    active: bool
    is_active_on_all: bool
    active_on: list[int]
    steps: list[StepOut]
    created_at: datetime
    updated_at: datetime


class WorkflowPage(Envelope[list[WorkflowOut]]):
    status: Literal["success"] = "success"
    pagination: Pagination
