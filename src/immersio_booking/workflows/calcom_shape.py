"""Cal.com's v2 workflow body (``activation``, ``trigger {type, offset}``, ``steps`` with
``message``), read onto our ``WorkflowCreate``/``WorkflowPatch`` and answered back in its shape.

One workflow service behind both shapes. What Cal.com's body can say and we cannot do (text
messages, verified sender addresses, the rating/completed templates, calendar files in
reminders, routing-form and Cal Video no-show triggers) is refused with 400
``unsupported_field`` naming the value, never stored and ignored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.unsupported import UnsupportedField
from immersio_booking.workflows.schemas import (
    MAX_EVENT_TYPES,
    MAX_STEPS,
    TIMED_TRIGGERS,
    StepIn,
    WorkflowCreate,
    WorkflowOut,
    WorkflowPatch,
)

CalcomTrigger = Literal[
    "beforeEvent",
    "afterEvent",
    "newEvent",
    "eventCancelled",
    "rescheduleEvent",
    "bookingRequested",
    "bookingPaid",
    "bookingRejected",
    "bookingPaymentInitiated",
    "bookingNoShowUpdated",
    "afterHostsCalVideoNoShow",
    "afterGuestsCalVideoNoShow",
    "formSubmitted",
    "formSubmittedNoEvent",
    "waitlistJoined",
    "waitlistOffered",
    "waitlistExpired",
]
CalcomAction = Literal[
    "email_host",
    "email_attendee",
    "email_address",
    "sms_attendee",
    "sms_number",
    "whatsapp_attendee",
    "whatsapp_number",
]
CalcomTemplate = Literal["reminder", "custom", "rescheduled", "completed", "rating", "cancelled"]
# Cal.com's recipient of the host is spelled "const" (its HOST constant), as its outputs say.
CalcomRecipient = Literal["const", "attendee", "email", "phone_number"]

TRIGGERS = {
    "beforeEvent": "BEFORE_EVENT",
    "afterEvent": "AFTER_EVENT",
    "newEvent": "NEW_EVENT",
    "eventCancelled": "EVENT_CANCELLED",
    "rescheduleEvent": "RESCHEDULE_EVENT",
    "bookingRequested": "BOOKING_REQUESTED",
    "bookingPaid": "BOOKING_PAID",
    # Ours, not Cal.com's (docs/waitlist.md), in Cal.com's spelling.
    "waitlistJoined": "WAITLIST_JOINED",
    "waitlistOffered": "WAITLIST_OFFERED",
    "waitlistExpired": "WAITLIST_EXPIRED",
}
ACTIONS = {"email_host": ("EMAIL_HOST", "const"), "email_attendee": ("EMAIL_ATTENDEE", "attendee")}
RECIPIENTS = {
    "EMAIL_HOST": "const",
    "EMAIL_ATTENDEE": "attendee",
    "EMAIL_ADDRESS": "email",
    "SMS_ATTENDEE": "attendee",
    "WHATSAPP_ATTENDEE": "attendee",
    "SMS_NUMBER": "phone_number",
    "WHATSAPP_NUMBER": "phone_number",
}


class CalcomOffset(ApiModel):
    value: int = Field(ge=0, le=100000)
    unit: Literal["minute", "hour", "day"]


class CalcomTriggerIn(ApiModel):
    type: CalcomTrigger
    offset: CalcomOffset | None = None


class CalcomActivation(ApiModel):
    is_active_on_all_event_types: bool = False
    active_on_event_type_ids: list[int] = Field(default_factory=list, max_length=MAX_EVENT_TYPES)


class CalcomMessage(ApiModel):
    subject: str = Field(max_length=500)
    html: str | None = Field(default=None, max_length=20000)
    text: str | None = Field(default=None, max_length=20000)


class CalcomStep(ApiModel):
    action: CalcomAction
    step_number: int = Field(ge=1, le=MAX_STEPS)
    recipient: CalcomRecipient
    template: CalcomTemplate
    sender: str = Field(max_length=100)
    include_calendar_event: bool = False
    message: CalcomMessage
    verified_email_id: int | None = None
    verified_phone_id: int | None = None
    phone_required: bool | None = None


class CalcomStepUpdate(CalcomStep):
    id: int | None = Field(default=None, ge=1)


class CalcomWorkflowCreate(ApiModel):
    """Cal.com's ``CreateWorkflowDto``."""

    name: str = Field(min_length=1, max_length=255)
    activation: CalcomActivation
    trigger: CalcomTriggerIn
    steps: list[CalcomStep] = Field(min_length=1, max_length=MAX_STEPS)


class CalcomWorkflowPatch(ApiModel):
    """Cal.com's ``UpdateWorkflowDto``: what is given replaces what was."""

    name: str | None = Field(default=None, min_length=1, max_length=255)
    activation: CalcomActivation | None = None
    trigger: CalcomTriggerIn | None = None
    steps: list[CalcomStepUpdate] | None = Field(default=None, min_length=1, max_length=MAX_STEPS)


def _step(index: int, step: CalcomStep) -> StepIn:
    where = f"steps.{index}"
    refused = [
        f"{where}.{name}"
        for name, given in (
            ("verifiedEmailId", step.verified_email_id is not None),
            ("verifiedPhoneId", step.verified_phone_id is not None),
            ("phoneRequired", step.phone_required is not None),
            ("message.text", step.message.text is not None),
        )
        if given
    ]
    if step.action not in ACTIONS:  # texts and verified addresses are not offered here
        refused.append(f"{where}.action={step.action}")
    if step.template not in ("reminder", "custom"):
        refused.append(f"{where}.template={step.template}")
    if step.include_calendar_event:
        refused.append(f"{where}.includeCalendarEvent=true")
    if refused:
        raise UnsupportedField(refused, where="field")
    action, recipient = ACTIONS[step.action]
    if step.recipient != recipient:
        raise BadRequest(
            f"{where}.recipient must be {recipient} for {step.action}",
            reason="validation_failed",
            details={"stepNumber": step.step_number},
        )
    return StepIn(
        step_number=step.step_number,
        action=action,
        template="CUSTOM" if step.template == "custom" else "REMINDER",
        reminder_body=step.message.html or None,
        email_subject=step.message.subject or None,
        sender=step.sender or None,
    )


def _timing(trigger: CalcomTriggerIn) -> dict[str, Any]:
    if trigger.type not in TRIGGERS:
        raise UnsupportedField([f"trigger.type={trigger.type}"], where="field")
    ours = TRIGGERS[trigger.type]
    if trigger.offset is not None and ours not in TIMED_TRIGGERS:
        raise UnsupportedField(["trigger.offset"], where="field")
    offset = trigger.offset
    return {
        "trigger": ours,
        "time": offset.value if offset else None,
        "time_unit": offset.unit.upper() if offset else None,
    }


def _activation(activation: CalcomActivation) -> dict[str, Any]:
    return {
        "is_active_on_all": activation.is_active_on_all_event_types,
        "active_on": activation.active_on_event_type_ids,
    }


def create_input(body: CalcomWorkflowCreate) -> WorkflowCreate:
    return WorkflowCreate(
        name=body.name,
        **_timing(body.trigger),
        **_activation(body.activation),
        steps=[_step(i, s) for i, s in enumerate(body.steps)],
    )


def patch_input(body: CalcomWorkflowPatch, current: WorkflowOut) -> WorkflowPatch:
    """A step's ``id`` (as Cal.com's GET gave it) must be the step of that ``stepNumber``: we
    match steps by number, so an id that moves a step is refused rather than misread."""
    fields: dict[str, Any] = {}
    if body.name is not None:
        fields["name"] = body.name
    if body.trigger is not None:
        fields |= _timing(body.trigger)
    if body.activation is not None:
        fields |= _activation(body.activation)
    if body.steps is not None:
        numbers = {s.id: s.step_number for s in current.steps}
        for index, step in enumerate(body.steps):
            if step.id is not None and numbers.get(step.id) != step.step_number:
                raise BadRequest(
                    f"steps.{index}.id is not the step {step.step_number} of this workflow",
                    reason="step_not_found",
                    details={"stepNumber": step.step_number, "id": step.id},
                )
        fields["steps"] = [_step(i, s) for i, s in enumerate(body.steps)]
    return WorkflowPatch(**fields)


class CalcomOffsetOut(ApiModel):
    value: int
    unit: str


class CalcomTriggerOut(ApiModel):
    type: str
    offset: CalcomOffsetOut | None = None


class CalcomActivationOut(ApiModel):
    is_active_on_all_event_types: bool
    active_on_event_type_ids: list[int]


class CalcomMessageOut(ApiModel):
    subject: str
    html: str | None = None
    text: str | None = None


class CalcomStepOut(ApiModel):
    id: int
    step_number: int
    action: str
    recipient: str
    email: str | None = None
    phone: str | None = None
    template: str
    include_calendar_event: bool = False
    sender: str
    message: CalcomMessageOut


class CalcomWorkflowOut(ApiModel):
    """Cal.com's ``WorkflowOutput``; a step made in our shape (a text message, an address)
    is shown in Cal.com's words for it."""

    id: int
    name: str
    user_id: int | None
    team_id: int | None
    activation: CalcomActivationOut
    trigger: CalcomTriggerOut
    steps: list[CalcomStepOut]
    created_at: datetime
    updated_at: datetime


def workflow_out(workflow: WorkflowOut) -> CalcomWorkflowOut:
    back = {ours: theirs for theirs, ours in TRIGGERS.items()}
    offset = None
    if workflow.time is not None and workflow.time_unit is not None:
        offset = CalcomOffsetOut(value=workflow.time, unit=workflow.time_unit.lower())
    return CalcomWorkflowOut(
        id=workflow.id,
        name=workflow.name,
        user_id=workflow.user_id,
        team_id=workflow.team_id,
        activation=CalcomActivationOut(
            is_active_on_all_event_types=workflow.is_active_on_all,
            active_on_event_type_ids=workflow.active_on,
        ),
        trigger=CalcomTriggerOut(type=back[workflow.trigger], offset=offset),
        steps=[
            CalcomStepOut(
                id=s.id,
                step_number=s.step_number,
                action=s.action.lower(),
                recipient=RECIPIENTS[s.action],
                email=s.send_to if s.action == "EMAIL_ADDRESS" else None,
                phone=s.send_to if s.action.endswith("_NUMBER") else None,
                template=(s.template or "REMINDER").lower(),
                sender=s.sender or "",
                message=CalcomMessageOut(
                    subject=s.email_subject or "",
                    **{"html" if s.action.startswith("EMAIL_") else "text": s.reminder_body},
                ),
            )
            for s in workflow.steps
        ],
        created_at=workflow.created_at,
        updated_at=workflow.updated_at,
    )


def is_calcom_body(value: Any) -> bool:
    """A body in Cal.com's shape: it has ``activation``, a ``trigger`` object, or steps in
    Cal.com's form (lower-case ``action``, a ``message``). ``{"name": ...}`` alone reads the
    same in both and is taken as ours."""
    if not isinstance(value, dict):
        return isinstance(value, CalcomWorkflowCreate | CalcomWorkflowPatch)
    if "activation" in value or isinstance(value.get("trigger"), dict):
        return True
    steps = value.get("steps")
    return isinstance(steps, list) and any(
        isinstance(s, dict) and ("message" in s or str(s.get("action", "")).islower())
        for s in steps
    )
