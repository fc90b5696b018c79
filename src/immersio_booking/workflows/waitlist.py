"""Workflows on the waitlist's events (WAITLIST_JOINED / WAITLIST_OFFERED / WAITLIST_EXPIRED,
ours): in the transaction of the event, one job per step of each applicable workflow; the job
emails the student (with the entry's signed links) or the teacher / a fixed address.

All three triggers are immediate, so no reminder row is planned (reminders belong to a
booking): the job exists if and only if the event's transaction commits, and it looks again
before sending — the workflow still active with that trigger on that workshop, and the entry
still where the event left it (an offer is not announced once it ended)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import when
from immersio_booking.models import EventType, User, Workflow, WorkflowStep
from immersio_booking.models.waitlist import IN_LINE, WaitlistEntry, WaitlistStatus
from immersio_booking.notifications import mailer
from immersio_booking.notifications.messages import language_of
from immersio_booking.notifications.schools import school_of
from immersio_booking.waitlist import accepting, events, leaving, listing
from immersio_booking.workflows import repository
from immersio_booking.workflows.sending import (
    Sending,
    Wording,
    host_of,
    layout_email,
    recipients_of,
)
from immersio_booking.workflows.templates import Recipient, people_values, time_values

SEND_STEP = "send_waitlist_workflow_step"
# The entry's statuses in which the event's message still holds.
STILL = {
    events.Joined.trigger: IN_LINE,
    events.Offered.trigger: (WaitlistStatus.OFFERED,),
    events.Expired.trigger: (WaitlistStatus.EXPIRED,),
}


async def on_waitlist_event(session: AsyncSession, event: events.WaitlistEvent) -> None:
    entry = event.entry
    workflows = await repository.applicable_on(
        session, entry.organization_id, entry.event_type_id, [event.trigger]
    )
    if not workflows:
        return
    steps = await repository.steps_of(session, entry.organization_id, [w.id for w in workflows])
    for workflow in workflows:
        for step in steps[workflow.id]:
            await defer_in_transaction(
                session, send_step, entry_id=entry.id, step_id=step.id, trigger=event.trigger
            )


def entry_values(
    entry: WaitlistEntry,
    et: EventType,
    host: Recipient,
    recipient: Recipient,
    links: dict[str, str],
    position: int,
) -> dict[str, str]:
    """An entry's ``{VARIABLE}``s. The signed links (``ACCEPT_URL``, ``LEAVE_URL``) are the
    student's keys to their entry: only the student receives them."""
    end = entry.start_time + timedelta(minutes=et.length)
    expires = entry.offer_expires_at
    values = {
        "EVENT_NAME": et.title,
        **time_values(entry.start_time, end, recipient),
        **people_values(recipient, host.name, host.email or "", entry.name, entry.email),
        "WAITLIST_UID": entry.uid,
        "POSITION": str(position) if position else "",
        "OFFER_EXPIRES": (
            when.moment_in(expires, recipient.time_zone, recipient.locale or recipient.language)
            if expires and entry.status == WaitlistStatus.OFFERED
            else ""
        ),
        "ACCEPT_URL": "",
        "LEAVE_URL": "",
    }
    if recipient.is_attendee:
        values |= links
    return values


def _student(entry: WaitlistEntry) -> Recipient:
    return Recipient(
        entry.name,
        entry.email,
        None,
        entry.time_zone,
        language_of(entry.language),
        True,
        entry.language,
    )


def _links(entry: WaitlistEntry, settings: Settings) -> dict[str, str]:
    base, secret = settings.public_base_url, settings.resolved_secret_key()
    language = language_of(entry.language)
    links = {}
    if entry.status in IN_LINE:
        links["LEAVE_URL"] = leaving.leave_link(base, secret, entry, language)
    if entry.status == WaitlistStatus.OFFERED:
        links["ACCEPT_URL"] = accepting.accept_link(base, secret, entry, language)
    return links


async def _why_not(
    session: AsyncSession, entry: WaitlistEntry, workflow: Workflow, trigger: str
) -> str | None:
    if not workflow.active or workflow.trigger != trigger:
        return "workflow changed"
    if not await repository.runs_on(session, workflow, entry.event_type_id):
        return "workflow no longer runs on this event type"
    if entry.status not in STILL[trigger]:
        return "entry moved on"
    return None


async def deliver(
    session: AsyncSession, entry_id: int, step_id: int, trigger: str, settings: Settings
) -> str:
    """Send step ``step_id``'s emails about entry ``entry_id`` if they still hold; returns
    what happened."""
    entry = await session.get(WaitlistEntry, entry_id)
    step = await session.get(WorkflowStep, step_id)
    workflow = await session.get(Workflow, step.workflow_id) if step else None
    et = await session.get(EventType, entry.event_type_id) if entry else None
    if entry is None or step is None or workflow is None or et is None:
        return "gone"
    why_not = await _why_not(session, entry, workflow, trigger)
    if why_not is not None:
        return why_not
    host_user = await session.get(User, et.user_id) if et.user_id else None
    host = host_of(host_user)
    sending = Sending(await school_of(session, entry.organization_id), host.name, host.email or "")
    links = _links(entry, settings)
    position = await listing.position_of(session, entry)
    sent = 0
    for recipient in recipients_of(step, [_student(entry)], host):
        if not step.action.startswith("EMAIL_") or not recipient.email:
            continue  # texts are refused for these triggers when the workflow is written
        values = entry_values(entry, et, host, recipient, links, position)
        wording = Wording(step.email_subject or "", step.reminder_body or "")
        await mailer.deliver(
            settings, layout_email(step, values, wording, sending, recipient, settings)
        )
        sent += 1
    return f"sent to {sent} recipient(s)" if sent else "no recipient"


@job_app.task(name=SEND_STEP, retry=5, pass_context=False)
async def send_step(entry_id: int, step_id: int, trigger: str) -> str:
    settings = context.settings()
    async with job_session() as session:
        return await deliver(session, entry_id, step_id, trigger, settings)
