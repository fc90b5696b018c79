"""Workflows of an organization: the rules of their shape, and keeping their reminders in step
with them (created, changed or deleted in the same transaction)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings.schemas import E164
from immersio_booking.kit import clock
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.kit.unsupported import UnsupportedField
from immersio_booking.models import Workflow, WorkflowStep
from immersio_booking.workflows import reminders, repository
from immersio_booking.workflows.schemas import (
    TIMED_TRIGGERS,
    WAITLIST_TRIGGERS,
    StepIn,
    StepOut,
    WorkflowCreate,
    WorkflowOut,
    WorkflowPatch,
)

# A reminder further ahead than this is a mistake, not a reminder.
LONGEST_OFFSET = timedelta(days=366)


def _check_timing(trigger: str, time: int | None, time_unit: str | None) -> None:
    if trigger not in TIMED_TRIGGERS:
        return
    if time is None or time_unit is None:
        raise BadRequest(
            f"{trigger} needs time and timeUnit (how long before or after the event)",
            reason="offset_required",
        )
    if time * reminders.UNIT[time_unit] > LONGEST_OFFSET:
        raise BadRequest("time is more than a year", reason="offset_too_long")


def _check_steps(steps: Sequence[StepIn]) -> None:
    numbers = [s.step_number for s in steps]
    if len(set(numbers)) != len(numbers):
        raise BadRequest("Two steps have the same stepNumber", reason="duplicate_step_number")
    for step in steps:
        where = {"stepNumber": step.step_number}
        if step.action == "EMAIL_ADDRESS":
            if not step.send_to:
                raise BadRequest(
                    "EMAIL_ADDRESS needs sendTo", reason="recipient_required", details=where
                )
            try:
                validate_email(step.send_to, check_deliverability=False)
            except EmailNotValidError:
                raise BadRequest(
                    "sendTo is not an email address", reason="invalid_recipient", details=where
                ) from None
        elif step.action in ("SMS_NUMBER", "WHATSAPP_NUMBER"):
            if not step.send_to:
                raise BadRequest(
                    f"{step.action} needs sendTo", reason="recipient_required", details=where
                )
            if not E164.match(step.send_to):
                raise BadRequest(
                    "sendTo is not a phone number in E.164 form (+33612345678)",
                    reason="invalid_recipient",
                    details=where,
                )
        if step.template == "CUSTOM" and not step.reminder_body:
            raise BadRequest(
                "A CUSTOM template needs reminderBody",
                reason="reminder_body_required",
                details=where,
            )


def _check_waitlist_steps(trigger: str, steps: Sequence[StepIn | WorkflowStep]) -> None:
    """A waitlist trigger's steps are emails written by the school: an entry has no phone
    number (texts are refused, naming the step's action), and our default text is a reminder of
    a booking, so each step brings its own subject and body."""
    if trigger not in WAITLIST_TRIGGERS:
        return
    ordered = sorted(steps, key=lambda s: s.step_number)
    texts = [
        f"steps.{i}.action={s.action} (with trigger {trigger})"
        for i, s in enumerate(ordered)
        if not s.action.startswith("EMAIL_")
    ]
    if texts:
        raise UnsupportedField(texts, where="field")
    for i, step in enumerate(ordered):
        written = (("reminderBody", step.reminder_body), ("emailSubject", step.email_subject))
        for field, given in written:
            if not given:
                raise BadRequest(
                    f"steps.{i}.{field} is required with trigger {trigger}",
                    reason="reminder_body_required",
                    details={"stepNumber": step.step_number, "field": field},
                )


async def _check_event_types(
    session: AsyncSession, organization_id: int, is_active_on_all: bool, active_on: list[int]
) -> None:
    if is_active_on_all and active_on:
        raise BadRequest("Give activeOn or isActiveOnAll, not both", reason="active_on_conflict")
    known = await repository.known_event_type_ids(session, organization_id, active_on)
    missing = sorted(set(active_on) - known)
    if missing:  # another tenant's event type is simply not found
        raise NotFound(
            f"Event type(s) {', '.join(map(str, missing))} not found",
            reason="event_type_not_found",
            details={"eventTypeIds": missing},
        )


async def _set_steps(session: AsyncSession, workflow: Workflow, steps: Sequence[StepIn]) -> None:
    """Steps are matched by stepNumber: kept ones keep their id (and reminders), others go."""
    current = {
        s.step_number: s
        for s in (await repository.steps_of(session, workflow.organization_id, [workflow.id]))[
            workflow.id
        ]
    }
    given = {s.step_number for s in steps}
    gone = [s for n, s in current.items() if n not in given]
    await reminders.cancel_for_steps(
        session, workflow.organization_id, [s.id for s in gone], "step removed"
    )
    for step in gone:
        await session.delete(step)
    await session.flush()
    for spec in steps:
        row = current.get(spec.step_number)
        if row is None:
            row = WorkflowStep(
                organization_id=workflow.organization_id,
                workflow_id=workflow.id,
                step_number=spec.step_number,
                extra={},
            )
            session.add(row)
        row.action = spec.action
        row.template = spec.template
        row.send_to = spec.send_to
        row.reminder_body = spec.reminder_body or None
        row.email_subject = spec.email_subject or None
        row.sender = spec.sender or None
    await session.flush()


async def out(session: AsyncSession, workflows: Sequence[Workflow]) -> list[WorkflowOut]:
    if not workflows:
        return []
    organization_id = workflows[0].organization_id
    ids = [w.id for w in workflows]
    steps = await repository.steps_of(session, organization_id, ids)
    event_types = await repository.event_type_ids_of(session, organization_id, ids)
    return [
        WorkflowOut(
            id=w.id,
            name=w.name,
            user_id=w.user_id,
            team_id=w.team_id,
            trigger=w.trigger,
            time=w.time,
            time_unit=w.time_unit,
            active=w.active,
            is_active_on_all=w.is_active_on_all,
            active_on=event_types[w.id],
            steps=[StepOut.model_validate(s) for s in steps[w.id]],
            created_at=w.created_at,
            updated_at=w.updated_at,
        )
        for w in workflows
    ]


async def get(session: AsyncSession, organization_id: int, workflow_id: int) -> Workflow:
    found = await repository.workflow(session, organization_id, workflow_id, for_update=True)
    if found is None:
        raise NotFound(f"Workflow with id {workflow_id} not found", reason="workflow_not_found")
    return found


async def create(session: AsyncSession, organization_id: int, body: WorkflowCreate) -> Workflow:
    _check_timing(body.trigger, body.time, body.time_unit)
    _check_steps(body.steps)
    _check_waitlist_steps(body.trigger, body.steps)
    await _check_event_types(session, organization_id, body.is_active_on_all, body.active_on)
    timed = body.trigger in TIMED_TRIGGERS
    workflow = Workflow(
        organization_id=organization_id,
        team_id=organization_id,
        name=body.name,
        trigger=body.trigger,
        time=body.time if timed else None,
        time_unit=body.time_unit if timed else None,
        active=body.active,
        is_active_on_all=body.is_active_on_all,
    )
    session.add(workflow)
    await session.flush()
    await repository.set_event_types(session, workflow, body.active_on)
    await _set_steps(session, workflow, body.steps)
    await reminders.plan_for_workflow(session, workflow, clock.now())
    return workflow


async def patch(
    session: AsyncSession, organization_id: int, workflow_id: int, body: WorkflowPatch
) -> Workflow:
    workflow = await get(session, organization_id, workflow_id)
    given = body.model_fields_set
    trigger = body.trigger or workflow.trigger
    timed = trigger in TIMED_TRIGGERS
    time = body.time if "time" in given else workflow.time
    time_unit = body.time_unit if "time_unit" in given else workflow.time_unit
    _check_timing(trigger, time, time_unit)
    if body.steps is not None:
        _check_steps(body.steps)
        _check_waitlist_steps(trigger, body.steps)
    elif trigger in WAITLIST_TRIGGERS:  # the steps it keeps must suit the new trigger
        kept = await repository.steps_of(session, organization_id, [workflow.id])
        _check_waitlist_steps(trigger, kept[workflow.id])
    is_active_on_all = workflow.is_active_on_all
    if body.is_active_on_all is not None:
        is_active_on_all = body.is_active_on_all
    elif body.active_on:  # a list of event types replaces "all of them"
        is_active_on_all = False
    if body.active_on is not None or body.is_active_on_all is not None:
        active_on = body.active_on
        if active_on is None:  # only isActiveOnAll given: all → no list; chosen → keep the list
            current = await repository.event_type_ids_of(session, organization_id, [workflow.id])
            active_on = [] if is_active_on_all else current[workflow.id]
        await _check_event_types(session, organization_id, is_active_on_all, active_on)
        await repository.set_event_types(session, workflow, active_on)
    if body.name is not None:
        workflow.name = body.name
    if body.active is not None:
        workflow.active = body.active
    workflow.trigger = trigger
    workflow.time = time if timed else None
    workflow.time_unit = time_unit if timed else None
    workflow.is_active_on_all = is_active_on_all
    now = clock.now()
    workflow.updated_at = now  # also when only its steps or event types changed
    await session.flush()
    if body.steps is not None:
        await _set_steps(session, workflow, body.steps)
    await reminders.plan_for_workflow(session, workflow, now)
    return workflow


async def remove(session: AsyncSession, organization_id: int, workflow_id: int) -> WorkflowOut:
    workflow = await get(session, organization_id, workflow_id)
    [shown] = await out(session, [workflow])
    await reminders.cancel_for_workflow(session, workflow, "workflow deleted")
    await session.delete(workflow)
    await session.flush()
    return shown
