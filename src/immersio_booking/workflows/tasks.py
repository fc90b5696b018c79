"""The job that sends one workflow reminder, deferred in the transaction that planned it.

It looks again before sending: the reminder must still be waiting (a job that runs twice sends
once), and a timed reminder's booking must still be accepted at the start it was planned for,
under a workflow that is still active with the same trigger and still runs on its event type.
Anything else marks the reminder cancelled as stale and sends nothing.
"""

from __future__ import annotations

from datetime import datetime

from procrastinate import JobContext
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.models import (
    Booking,
    BookingStatus,
    ReminderStatus,
    Workflow,
    WorkflowReminder,
    WorkflowStep,
)
from immersio_booking.notifications import email_log
from immersio_booking.workflows import repository
from immersio_booking.workflows.reminders import SEND_REMINDER, still_worth_sending
from immersio_booking.workflows.schemas import TIMED_TRIGGERS
from immersio_booking.workflows.sending import send_step
from immersio_booking.workflows.texting import TextSender, text_sender


async def _why_stale(
    session: AsyncSession,
    reminder: WorkflowReminder,
    booking: Booking,
    workflow: Workflow,
    now: datetime,
) -> str | None:
    if not workflow.active or workflow.trigger != reminder.trigger:
        return "workflow changed"
    if not await repository.runs_on(session, workflow, booking.event_type_id):
        return "workflow no longer runs on this event type"
    if reminder.trigger not in TIMED_TRIGGERS:
        return None
    if booking.status != BookingStatus.ACCEPTED or booking.start_time != reminder.event_start:
        return "booking cancelled or moved"
    if not still_worth_sending(workflow, booking, now):
        return "too late"
    return None


async def deliver(
    session: AsyncSession,
    reminder_id: int,
    settings: Settings,
    texts: TextSender,
    now: datetime | None = None,
    *,
    job_id: int,
) -> str:
    """Send reminder ``reminder_id`` if it still should be; returns its status afterwards.
    ``job_id``: the job sending it (its emails are recorded under it, ``email_log``)."""
    moment = now or clock.now()
    reminder = await session.get(WorkflowReminder, reminder_id, with_for_update=True)
    if reminder is None:
        return "gone"
    if reminder.status != ReminderStatus.SCHEDULED:
        return reminder.status
    booking = await session.get(Booking, reminder.booking_id)
    step = await session.get(WorkflowStep, reminder.workflow_step_id)
    workflow = await session.get(Workflow, step.workflow_id) if step else None
    if booking is None or step is None or workflow is None:
        return "gone"
    stale = await _why_stale(session, reminder, booking, workflow, moment)
    if stale is not None:
        reminder.status = ReminderStatus.CANCELLED
        reminder.outcome = stale
        return ReminderStatus.CANCELLED
    kind = f"workflow_{reminder.trigger.lower()}"
    about = email_log.BookingEmail(booking.organization_id, booking.id, kind, job_id)
    reminder.outcome = await send_step(session, step, booking, settings, texts, about)
    reminder.status = (
        ReminderStatus.SKIPPED if reminder.outcome == "no recipient" else ReminderStatus.SENT
    )
    reminder.sent_at = moment
    return reminder.status


@job_app.task(name=SEND_REMINDER, retry=5, pass_context=True)
async def send_workflow_reminder(job: JobContext, reminder_id: int) -> str:
    settings = context.settings()
    async with job_session() as session:
        return await deliver(
            session, reminder_id, settings, text_sender(settings), job_id=context.job_id(job)
        )
