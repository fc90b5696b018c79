"""The record of every email about a booking: the one path the booking emails take to the
mailer (booking changes, workflow emails, staff messages).

Before the hand-off a row says ``queued``; after it, ``sent`` (with the Message-ID) or
``failed`` (with the server's short answer). Each write is its own short transaction, so a
failure stays recorded while the job's own transaction rolls back and Procrastinate retries
it. A row is one (job, recipient): a retry of the job — automatic, or an operator's — finds
its row, counts the attempt on it, and does not send again to a recipient the first attempt
already reached (a job that emails the student and the teacher and fails on the teacher no
longer emails the student twice).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.models import EmailDelivery, EmailStatus
from immersio_booking.notifications import mailer

SUBJECT_MAX = 255
ERROR_MAX = 255
HISTORY_MAX = 50


@dataclass(frozen=True)
class BookingEmail:
    """What an email is about: the booking, the kind of email (its template or the
    workflow's trigger), and the job sending it (whose retries share its id)."""

    organization_id: int
    booking_id: int
    kind: str
    job_id: int


async def deliver(settings: Settings, message: EmailMessage, about: BookingEmail) -> bool:
    """Send ``message`` through the mailer, recorded; returns False when this job had already
    sent it (a retry). A refusal is recorded, then raised for the job to be retried."""
    recipient = mailer.recipient_of(message).lower()
    if message["Message-ID"] is None:
        message["Message-ID"] = make_msgid(domain=mailer.sender(settings).domain or None)
    row_id = await _queued(about, recipient, str(message["Subject"] or "")[:SUBJECT_MAX])
    if row_id is None:
        return False
    try:
        await mailer.deliver(settings, message)
    except Exception as exc:
        await _finish(about, row_id, status=EmailStatus.FAILED, last_error=short_error(exc))
        raise
    await _finish(
        about,
        row_id,
        status=EmailStatus.SENT,
        message_id=str(message["Message-ID"])[:255],
        sent_at=clock.now(),
    )
    return True


def short_error(exc: Exception) -> str:
    """What the staff page may show of a failure: the mail server's code and answer, else the
    kind of failure only (an exception's text could quote the relay's settings)."""
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        return f"{exc.code} {exc.message}"[:ERROR_MAX]
    return type(exc).__name__[:ERROR_MAX]


async def _queued(about: BookingEmail, recipient: str, subject: str) -> int | None:
    """The row of this (job, recipient), new or counted one attempt more; None when it was
    already sent."""
    statement = (
        insert(EmailDelivery)
        .values(
            organization_id=about.organization_id,
            booking_id=about.booking_id,
            job_id=about.job_id,
            kind=about.kind,
            recipient=recipient,
            subject=subject,
            status=EmailStatus.QUEUED,
            attempts=1,
        )
        .on_conflict_do_update(
            index_elements=["organization_id", "job_id", "recipient"],
            set_={
                "status": EmailStatus.QUEUED,
                "attempts": EmailDelivery.attempts + 1,
                "subject": subject,
            },
            where=EmailDelivery.status != EmailStatus.SENT,
        )
        .returning(EmailDelivery.id)
    )
    async with job_session() as session:
        return (await session.execute(statement)).scalar_one_or_none()


async def _finish(about: BookingEmail, row_id: int, **values: object) -> None:
    async with job_session() as session:
        await session.execute(
            update(EmailDelivery)
            .where(
                EmailDelivery.organization_id == about.organization_id,
                EmailDelivery.id == row_id,
            )
            .values(**values)
        )


async def of_booking(
    session: AsyncSession, organization_id: int, booking_id: int, limit: int = HISTORY_MAX
) -> Sequence[EmailDelivery]:
    """The school's emails about one booking, newest first: the booking page's history."""
    rows = await session.execute(
        select(EmailDelivery)
        .where(
            EmailDelivery.organization_id == organization_id,
            EmailDelivery.booking_id == booking_id,
        )
        .order_by(EmailDelivery.created_at.desc(), EmailDelivery.id.desc())
        .limit(limit)
    )
    return rows.scalars().all()
