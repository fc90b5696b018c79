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

from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from immersio_booking.config import Settings
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.models import EmailStatus
from immersio_booking.notifications import email_records, mailer

SUBJECT_MAX = 255
ERROR_MAX = 255


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
    async with job_session() as session:
        return await email_records.queued(
            session,
            about.organization_id,
            about.booking_id,
            about.job_id,
            about.kind,
            recipient,
            subject,
        )


async def _finish(about: BookingEmail, row_id: int, **values: object) -> None:
    async with job_session() as session:
        await email_records.finished(session, about.organization_id, row_id, **values)
