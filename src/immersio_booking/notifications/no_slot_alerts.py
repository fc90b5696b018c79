"""The daily no-slots alert: where ``adminGetsNoSlotsNotification`` is on, the organization's
OWNER/ADMINs hear about each public workshop that shows no slot in its whole booking window
(at most once a day per workshop)."""

from __future__ import annotations

from datetime import datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.members.repository import admin_emails
from immersio_booking.models import EventType, OrganizationSettings, Team
from immersio_booking.notifications import mailer
from immersio_booking.slots import repository, service
from immersio_booking.slots.engine import compute_slots
from immersio_booking.slots.model import SlotQuery

# How far ahead a workshop without a booking window is looked at.
UNLIMITED_HORIZON = timedelta(days=60)


def _window(et: EventType, now: datetime) -> tuple[datetime, datetime]:
    if et.period_type == "RANGE" and et.period_start_date and et.period_end_date:
        return max(now, et.period_start_date), et.period_end_date + timedelta(days=1)
    if et.period_type == "ROLLING" and et.period_days:
        return now, now + timedelta(days=et.period_days * 7 // 5 + 3)
    return now, now + UNLIMITED_HORIZON


async def has_slots(session: AsyncSession, et: EventType, now: datetime) -> bool:
    hosts = await repository.hosts(session, await service.host_ids(session, et))
    rules = await service.working_rules(session, et, hosts)
    if not rules:
        return False
    start, end = _window(et, now)
    while start < end:  # at most 93 days per look, like the API
        chunk_end = min(end, start + timedelta(days=93))
        calendars = await service.with_busy(session, et, hosts, rules, (start, chunk_end), now)
        found = compute_slots(
            service.event_rules(et, calendars[0].time_zone),
            calendars,
            SlotQuery(start, chunk_end, now, calendars[0].time_zone),
        )
        if found:
            return True
        start = chunk_end
    return False


async def send_no_slot_alerts(
    session: AsyncSession, settings: Settings, now: datetime | None = None
) -> int:
    """Email admins about workshops with no slot; returns how many workshops were reported."""
    moment = now or clock.now()
    today = moment.date().isoformat()
    orgs = await session.execute(
        select(Team)
        .join(OrganizationSettings, OrganizationSettings.organization_id == Team.id)
        .where(OrganizationSettings.admin_gets_no_slots_notification.is_(True))
    )
    reported = 0
    for org in orgs.scalars():
        workshops = (
            (
                await session.execute(
                    select(EventType).where(
                        EventType.organization_id == org.id, EventType.hidden.is_(False)
                    )
                )
            )
            .scalars()
            .all()
        )
        empty = []
        for et in workshops:
            if et.options.no_slots_alerted_on == today:
                continue
            if not await has_slots(session, et, moment):
                empty.append(et)
                options = et.options
                options.no_slots_alerted_on = today
                et.options = options
        if not empty:
            continue
        admins = await admin_emails(session, org.id)
        for email in admins:
            message = EmailMessage()
            message["To"] = mailer.mailbox(None, email)
            message["Subject"] = f"{len(empty)} workshop(s) of {org.name} cannot be booked"
            lines = [
                f"- {et.title} ({settings.public_base_url}/{org.slug}/{et.slug})" for et in empty
            ]
            message.set_content(
                "These workshops show no free time in their whole booking window: check the"
                " teachers' hours, the booking window and the seats.\n\n" + "\n".join(lines) + "\n"
            )
            await mailer.deliver(settings, message)
        reported += len(empty)
    await session.flush()
    return reported


@job_app.periodic(cron="0 7 * * *")
@job_app.task(name="no_slot_alerts", queueing_lock="no_slot_alerts")
async def no_slot_alerts(timestamp: int) -> int:
    """Daily: tell admins (who asked for it) about public workshops nobody can book."""
    del timestamp
    async with job_session() as session:
        return await send_no_slot_alerts(session, context.settings())
