"""Planning and cancelling workflow reminders, always in the transaction of the change.

A reminder is a row (booking, step, when it is due, the booking's start it was planned for)
and the job that sends it. A timed reminder is due at ``start - offset`` (BEFORE_EVENT) or
``end + offset`` (AFTER_EVENT); when that moment has passed but the event has not started, it is
sent at once. Planning reconciles: what should exist and does stays, what no longer applies is
cancelled with its job, what is missing is added; a reminder already sent is never planned
again for the same moment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs.app import cancel_in_transaction, defer_in_transaction
from immersio_booking.models import (
    Booking,
    BookingStatus,
    ReminderStatus,
    Workflow,
    WorkflowReminder,
    WorkflowStep,
)
from immersio_booking.models.automation import LIVE_REMINDERS
from immersio_booking.workflows import repository
from immersio_booking.workflows.schemas import TIMED_TRIGGERS

# The columns of the unique index that keeps a reminder from being planned twice.
ONCE = ["organization_id", "booking_id", "workflow_step_id", "scheduled_for", "event_start"]
UNIT = {"MINUTE": timedelta(minutes=1), "HOUR": timedelta(hours=1), "DAY": timedelta(days=1)}


def offset(workflow: Workflow) -> timedelta:
    return (workflow.time or 0) * UNIT.get(workflow.time_unit or "HOUR", UNIT["HOUR"])


def due_at(workflow: Workflow, booking: Booking) -> datetime:
    if workflow.trigger == "BEFORE_EVENT":
        return booking.start_time - offset(workflow)
    return booking.end_time + offset(workflow)


def still_worth_sending(workflow: Workflow, booking: Booking, now: datetime) -> bool:
    """A reminder before the event is pointless once it has started; one after it, once its
    moment has passed (it would arrive late)."""
    if workflow.trigger == "BEFORE_EVENT":
        return booking.start_time > now
    return due_at(workflow, booking) > now


# The job that sends a reminder (``workflows.tasks``, which imports this module), by name.
SEND_REMINDER = "send_workflow_reminder"


@dataclass(frozen=True)
class Wanted:
    booking: Booking
    workflow: Workflow
    step: WorkflowStep
    due: datetime


async def _add(session: AsyncSession, wanted: Wanted, trigger: str, now: datetime) -> None:
    """A new reminder row and its job, unless the same reminder exists already (planned by a
    concurrent transaction: the unique index waits for it, then this one does nothing)."""
    booking = wanted.booking
    inserted = await session.execute(
        insert(WorkflowReminder)
        .values(
            organization_id=booking.organization_id,
            booking_id=booking.id,
            workflow_step_id=wanted.step.id,
            trigger=trigger,
            scheduled_for=wanted.due,
            event_start=booking.start_time,
            status=ReminderStatus.SCHEDULED,
        )
        .on_conflict_do_nothing(index_elements=ONCE, index_where=LIVE_REMINDERS)
        .returning(WorkflowReminder.id)
    )
    reminder_id = inserted.scalar_one_or_none()
    if reminder_id is None:
        return
    options = {"schedule_at": wanted.due} if wanted.due > now else None
    job_id = await defer_in_transaction(
        session, SEND_REMINDER, options=options, reminder_id=reminder_id
    )
    await session.execute(
        update(WorkflowReminder).where(WorkflowReminder.id == reminder_id).values(job_id=job_id)
    )


async def _cancel(session: AsyncSession, reminder: WorkflowReminder, why: str) -> None:
    reminder.status = ReminderStatus.CANCELLED
    reminder.outcome = why
    if reminder.job_id is not None:
        await cancel_in_transaction(session, reminder.job_id)


async def _reconcile(
    session: AsyncSession,
    existing: Sequence[WorkflowReminder],
    wanted: Sequence[Wanted],
    now: datetime,
) -> None:
    def key(booking_id: int, step_id: int, due: datetime, start: datetime) -> tuple[object, ...]:
        return (booking_id, step_id, due, start)

    wanted_keys = {key(w.booking.id, w.step.id, w.due, w.booking.start_time): w for w in wanted}
    have = set()
    for reminder in existing:
        k = key(
            reminder.booking_id,
            reminder.workflow_step_id,
            reminder.scheduled_for,
            reminder.event_start,
        )
        if k in wanted_keys or reminder.status != ReminderStatus.SCHEDULED:
            have.add(k)
        else:
            await _cancel(session, reminder, "no longer applies")
    for k, w in wanted_keys.items():
        if k not in have:
            await _add(session, w, w.workflow.trigger, now)
    await session.flush()


async def _wanted_for(
    session: AsyncSession, workflows: Sequence[Workflow], bookings: Sequence[Booking], now: datetime
) -> list[Wanted]:
    if not workflows:
        return []
    steps = await repository.steps_of(
        session, workflows[0].organization_id, [w.id for w in workflows]
    )
    return [
        Wanted(booking, workflow, step, due_at(workflow, booking))
        for booking in bookings
        for workflow in workflows
        if booking.status == BookingStatus.ACCEPTED and still_worth_sending(workflow, booking, now)
        for step in steps[workflow.id]
    ]


async def plan_for_bookings(
    session: AsyncSession,
    bookings: Sequence[Booking],
    now: datetime,
    found: dict[int, list[Workflow]] | None = None,
    new: bool = False,
) -> None:
    """The timed reminders each booking should have now (none unless it is accepted).
    ``found``: the applicable workflows already read, by booking id (any triggers: the timed
    ones are picked here); ``new``: bookings written in this transaction, with no reminder
    planned yet (nothing to read back)."""
    for booking in bookings:
        workflows = await _applicable(session, booking, TIMED_TRIGGERS, found)
        existing = (
            []
            if new
            else await repository.reminders_of_bookings(
                session,
                booking.organization_id,
                [booking.id],
                (ReminderStatus.SCHEDULED, ReminderStatus.SENT, ReminderStatus.SKIPPED),
            )
        )
        timed = [r for r in existing if r.trigger in TIMED_TRIGGERS]
        await _reconcile(session, timed, await _wanted_for(session, workflows, [booking], now), now)


async def _applicable(
    session: AsyncSession,
    booking: Booking,
    triggers: Sequence[str],
    found: dict[int, list[Workflow]] | None,
) -> list[Workflow]:
    if found is None or booking.id not in found:
        return await repository.applicable(session, booking, triggers)
    return [w for w in found[booking.id] if w.trigger in triggers]


async def applicable_by_booking(
    session: AsyncSession, bookings: Sequence[Booking], triggers: Sequence[str]
) -> dict[int, list[Workflow]]:
    """The active workflows of any of ``triggers`` for each booking (one query per booking, for
    callers that would otherwise ask once per trigger)."""
    return {b.id: await repository.applicable(session, b, triggers) for b in bookings}


async def plan_for_workflow(session: AsyncSession, workflow: Workflow, now: datetime) -> None:
    """After a workflow is created or changed: the reminders of its upcoming bookings."""
    steps = (await repository.steps_of(session, workflow.organization_id, [workflow.id]))[
        workflow.id
    ]
    bookings: list[Booking] = []
    if workflow.active and workflow.trigger in TIMED_TRIGGERS:
        bookings = await repository.upcoming_accepted_bookings(session, workflow, now)
    existing = await repository.reminders_of_steps(
        session,
        workflow.organization_id,
        [s.id for s in steps],
        scheduled_or_of_bookings=[b.id for b in bookings],
    )
    timed = [r for r in existing if r.trigger in TIMED_TRIGGERS]
    await _reconcile(session, timed, await _wanted_for(session, [workflow], bookings, now), now)


async def send_now(
    session: AsyncSession,
    bookings: Sequence[Booking],
    trigger: str,
    now: datetime,
    found: dict[int, list[Workflow]] | None = None,
) -> None:
    """Immediate triggers: one reminder per step of each applicable workflow, sent at once
    (``found`` as in ``plan_for_bookings``)."""
    for booking in bookings:
        workflows = await _applicable(session, booking, [trigger], found)
        if not workflows:
            continue
        steps = await repository.steps_of(
            session, booking.organization_id, [w.id for w in workflows]
        )
        for workflow in workflows:
            for step in steps[workflow.id]:
                await _add(session, Wanted(booking, workflow, step, now), trigger, now)


async def cancel_for_bookings(session: AsyncSession, bookings: Sequence[Booking], why: str) -> None:
    """Every timed reminder still waiting for these bookings is cancelled, with its job.
    Messages about a change that did happen (NEW_EVENT, ...) still go, like webhook events."""
    by_organization: dict[int, list[int]] = {}
    for booking in bookings:
        by_organization.setdefault(booking.organization_id, []).append(booking.id)
    for organization_id, ids in by_organization.items():
        for reminder in await repository.reminders_of_bookings(
            session, organization_id, ids, (ReminderStatus.SCHEDULED,)
        ):
            if reminder.trigger in TIMED_TRIGGERS:
                await _cancel(session, reminder, why)
    await session.flush()


async def cancel_for_workflow(session: AsyncSession, workflow: Workflow, why: str) -> None:
    steps = (await repository.steps_of(session, workflow.organization_id, [workflow.id]))[
        workflow.id
    ]
    await cancel_for_steps(session, workflow.organization_id, [s.id for s in steps], why)


async def cancel_for_steps(
    session: AsyncSession, organization_id: int, step_ids: Sequence[int], why: str
) -> None:
    for reminder in await repository.reminders_of_steps(session, organization_id, step_ids):
        await _cancel(session, reminder, why)
    await session.flush()
