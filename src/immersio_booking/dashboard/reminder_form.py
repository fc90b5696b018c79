"""The reminder (workflow) form: its fields read into the body of ``POST /v2/organizations/
{id}/workflows`` and the refusals of that schema and of the workflows service placed beside
the fields they are about. Steps are numbered rows ``step-<n>-<field>``; a row without an
action is dropped (the form always offers one blank row to add a step)."""

from __future__ import annotations

from typing import Any

from pydantic.alias_generators import to_snake
from starlette.datastructures import FormData

from immersio_booking.dashboard.form_errors import FORM, FieldError, FieldErrors
from immersio_booking.kit.errors import DomainError
from immersio_booking.workflows.schemas import MAX_STEPS, WorkflowOut

STEP_FIELDS = ("action", "template", "send_to", "email_subject", "reminder_body", "sender")
# The service's refusals, by reason, to the field they are about (a step's: see ``refusal``).
REASON_FIELDS = {
    "offset_required": "time",
    "offset_too_long": "time",
    "active_on_conflict": "active_on",
    "event_type_not_found": "active_on",
    "recipient_required": "send_to",
    "invalid_recipient": "send_to",
    "reminder_body_required": "reminder_body",
}


def blank_step(number: int) -> dict[str, Any]:
    return {"step_number": number, "template": "REMINDER"} | {
        f: "" for f in STEP_FIELDS if f != "template"
    }


def entered_of(workflow: WorkflowOut | None) -> dict[str, Any]:
    """The form's values of a saved reminder (a new one: a day before, email the students)."""
    if workflow is None:
        first = blank_step(1) | {"action": "EMAIL_ATTENDEE"}
        return {
            "name": "",
            "trigger": "BEFORE_EVENT",
            "time": "24",
            "time_unit": "HOUR",
            "active": True,
            "is_active_on_all": True,
            "active_on": [],
            "steps": [first, blank_step(2)],
        }
    steps: list[dict[str, Any]] = [
        {"step_number": s.step_number} | {f: getattr(s, f) or "" for f in STEP_FIELDS}
        for s in workflow.steps
    ]
    return {
        "name": workflow.name,
        "trigger": workflow.trigger,
        "time": "" if workflow.time is None else str(workflow.time),
        "time_unit": workflow.time_unit or "",
        "active": workflow.active,
        "is_active_on_all": workflow.is_active_on_all,
        "active_on": workflow.active_on,
        "steps": steps + [blank_step(max((s.step_number for s in workflow.steps), default=0) + 1)],
    }


def entered_from(form: FormData) -> dict[str, Any]:
    steps = []
    for number in range(1, MAX_STEPS + 2):
        row = {f: str(form.get(f"step-{number}-{f}") or "").strip() for f in STEP_FIELDS}
        if f"step-{number}-action" in form:
            steps.append({"step_number": number} | row)
    return {
        "name": str(form.get("name") or "").strip(),
        "trigger": str(form.get("trigger") or ""),
        "time": str(form.get("time") or "").strip(),
        "time_unit": str(form.get("time_unit") or ""),
        "active": form.get("active") == "1",
        "is_active_on_all": form.get("applies_to") != "chosen",
        "active_on": [str(v) for v in form.getlist("active_on")],
        "steps": steps,
    }


def body_of(entered: dict[str, Any]) -> dict[str, Any]:
    """The API's body; rows without an action are not steps."""
    return {
        "name": entered["name"],
        "trigger": entered["trigger"],
        "time": entered["time"] or None,
        "time_unit": entered["time_unit"] or None,
        "active": entered["active"],
        "is_active_on_all": entered["is_active_on_all"],
        "active_on": [] if entered["is_active_on_all"] else entered["active_on"],
        "steps": [
            {"step_number": s["step_number"]} | {f: s[f] or None for f in STEP_FIELDS}
            for s in entered["steps"]
            if s["action"]
        ],
    }


def field_of(entered: dict[str, Any]) -> Any:
    """A schema error's location → the form field (``("steps", 0, "sendTo")`` → the first
    kept step's ``step-<n>-send_to``)."""
    kept = [s["step_number"] for s in entered["steps"] if s["action"]]

    def field(loc: tuple[str, ...]) -> str:
        if not loc:
            return FORM
        if loc[0] == "steps":
            if len(loc) >= 3 and loc[1].isdigit() and int(loc[1]) < len(kept):
                return f"step-{kept[int(loc[1])]}-{to_snake(loc[2])}"
            return "steps"
        return to_snake(loc[0])

    return field


def refusal(error: DomainError) -> FieldErrors:
    """The service's refusal beside its field (a step's field when it names the step)."""
    field = REASON_FIELDS.get(error.reason, FORM)
    number = error.details.get("stepNumber")
    if number is not None and field in STEP_FIELDS:
        field = f"step-{number}-{field}"
    elif number is not None:
        field = FORM
    return {field: FieldError(error.reason, error.message)}
