"""The email that tells a student they are on the waitlist: the session, their place in line,
and the signed link to leave it.

The job gets the entry's id and signs the link itself: the token is never written into the
job queue."""

from __future__ import annotations

from datetime import timedelta

from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import when
from immersio_booking.models import EventType, User
from immersio_booking.models.waitlist import IN_LINE, WaitlistEntry
from immersio_booking.notifications import mailer
from immersio_booking.notifications.mailer import mailbox
from immersio_booking.notifications.messages import language_of
from immersio_booking.notifications.rendering import as_message, render
from immersio_booking.notifications.schools import school_of
from immersio_booking.waitlist import leaving, listing


@job_app.task(name="send_waitlist_joined_email", retry=5, pass_context=False)
async def send_waitlist_joined_email(entry_id: int) -> int:
    """Email the student of entry ``entry_id``; returns the number sent (0 when the entry is
    gone or already out of line)."""
    settings = context.settings()
    async with job_session() as session:
        entry = await session.get(WaitlistEntry, entry_id)
        et = await session.get(EventType, entry.event_type_id) if entry else None
        if entry is None or et is None or entry.status not in IN_LINE:
            return 0
        position = await listing.position_of(session, entry)
        school = await school_of(session, entry.organization_id)
        host = await session.get(User, et.user_id) if et.user_id else None
        reply_to = school.reply_to(host.name, host.email) if host else school.contact
    language = language_of(entry.language)
    end = entry.start_time + timedelta(minutes=et.length)
    rendered = render(
        "waitlist_joined",
        language,
        school=school.name,
        accent=school.accent,
        title=et.title,
        recipient_name=entry.name,
        when=when.span(entry.start_time, end, entry.time_zone, entry.language),
        position=position,
        leave_url=leaving.leave_link(
            settings.public_base_url, settings.resolved_secret_key(), entry, language
        ),
    )
    message = as_message(
        rendered,
        sender=school.sender(settings),
        to=mailbox(entry.name, entry.email),
        reply_to=reply_to,
        language=language,
    )
    await mailer.deliver(settings, message)
    return 1
