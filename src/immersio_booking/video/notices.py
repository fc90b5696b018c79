"""Telling a school's OWNER/ADMINs what went wrong with its meetings, by email from a job."""

from __future__ import annotations

from email.message import EmailMessage

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.members.repository import admin_emails
from immersio_booking.notifications import mailer
from immersio_booking.video import repository

log = structlog.get_logger(__name__)


async def tell_admins(session: AsyncSession, organization_id: int, subject: str, text: str) -> None:
    """Queue the email in the caller's transaction (sent if and only if it commits)."""
    log.warning("video_admin_notice", organization_id=organization_id, subject=subject)
    await defer_in_transaction(
        session, video_admin_notice, organization_id=organization_id, subject=subject, text=text
    )


@job_app.task(name="video_admin_notice", retry=5)
async def video_admin_notice(organization_id: int, subject: str, text: str) -> int:
    """Email each OWNER/ADMIN of the school; returns how many were sent."""
    settings = context.settings()
    async with job_session() as session:
        emails = await admin_emails(session, organization_id)
        school = await repository.organization_name(session, organization_id)
    for address in emails:
        message = EmailMessage()
        message["To"] = mailer.mailbox(None, address)
        message["Subject"] = f"{school}: {subject}"
        message.set_content(text + "\n")
        await mailer.deliver(settings, message)
    return len(emails)
