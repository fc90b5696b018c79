"""A message from the teacher or the school to the attendees of one session ("email the
attendees" in the dashboard): one email per attendee, each to that attendee alone, answered
to the teacher. The jobs are queued in the request's transaction."""

from __future__ import annotations

from collections.abc import Sequence

from procrastinate import JobContext
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import when
from immersio_booking.models import Attendee, Booking, User
from immersio_booking.notifications import email_log, mailer
from immersio_booking.notifications.messages import language_of
from immersio_booking.notifications.rendering import as_message, render
from immersio_booking.notifications.schools import school_of

KIND = "staff_message"
SUBJECT_MAX = 200
MESSAGE_MAX = 5000


async def send_to_attendees(
    session: AsyncSession, attendees: Sequence[Attendee], subject: str, text: str, sender_id: int
) -> int:
    """Queue one email per attendee (each address once); returns how many were queued."""
    queued = 0
    for attendee in {a.email.lower(): a for a in attendees}.values():
        await defer_in_transaction(
            session,
            send_staff_message,
            attendee_id=attendee.id,
            subject=subject,
            text=text,
            sender_id=sender_id,
        )
        queued += 1
    return queued


@job_app.task(name="send_staff_message", retry=5, pass_context=True)
async def send_staff_message(
    job: JobContext, attendee_id: int, subject: str, text: str, sender_id: int
) -> int:
    """Email the message to the attendee; returns the number sent (0 when the seat is gone)."""
    settings = context.settings()
    async with job_session() as session:
        attendee = await session.get(Attendee, attendee_id)
        booking = await session.get(Booking, attendee.booking_id) if attendee else None
        teacher = await session.get(User, sender_id)
        if attendee is None or booking is None or teacher is None:
            return 0
        school = await school_of(session, booking.organization_id)
        language = language_of(attendee.locale)
        rendered = render(
            KIND,
            language,
            school=school.name,
            accent=school.accent,
            topic=subject,
            paragraphs=[p.strip() for p in text.split("\n\n") if p.strip()],
            teacher=teacher.name or teacher.email,
            title=booking.title,
            when=when.span(booking.start_time, booking.end_time, attendee.time_zone, language),
            recipient_name=attendee.name,
        )
        message = as_message(
            rendered,
            sender=school.sender(settings),
            to=mailer.mailbox(attendee.name, attendee.email),
            reply_to=mailer.mailbox(teacher.name, teacher.email),
            language=language,
        )
    about = email_log.BookingEmail(booking.organization_id, booking.id, KIND, context.job_id(job))
    await email_log.deliver(settings, message, about)
    return 1
