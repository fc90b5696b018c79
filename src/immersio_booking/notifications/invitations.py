"""The invitation email of an invite-only workshop: the student's personal booking link.

The job gets the workshop, the email and the expiry, and signs the link itself: the token is
never written into the job queue."""

from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_date

from immersio_booking.bookings import invitations
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit.when import babel_locale
from immersio_booking.models import EventType, Team, User
from immersio_booking.notifications import mailer
from immersio_booking.notifications.mailer import mailbox
from immersio_booking.notifications.messages import language_of
from immersio_booking.notifications.rendering import as_message, render
from immersio_booking.notifications.schools import school_of


@job_app.task(name="send_invitation_email", retry=5, pass_context=False)
async def send_invitation_email(
    event_type_id: int, email: str, name: str | None, language: str | None, expires: int
) -> int:
    """Email ``email`` its link to book ``event_type_id``; returns the number sent (0 when the
    workshop is gone or no longer invite-only)."""
    settings = context.settings()
    async with job_session() as session:
        et = await session.get(EventType, event_type_id)
        org = await session.get(Team, et.organization_id) if et else None
        if et is None or org is None or org.slug is None or not invitations.invite_only(et):
            return 0
        title, slug = et.title, org.slug
        school = await school_of(session, org.id)
        host = await session.get(User, et.user_id) if et.user_id else None
        reply_to = school.reply_to(host.name, host.email) if host else school.contact
    expires_at = datetime.fromtimestamp(expires, UTC)
    signed = invitations.token(settings.resolved_secret_key(), et, email, expires_at)
    url = invitations.link(settings.public_base_url, slug, et, email, signed)
    rendered = render(
        "invitation",
        language_of(language),
        school=school.name,
        accent=school.accent,
        title=title,
        recipient_name=name or email,
        url=url,
        expires=format_date(expires_at.date(), "long", locale=babel_locale(language)),
    )
    message = as_message(
        rendered,
        sender=school.sender(settings),
        to=mailbox(name, email),
        reply_to=reply_to,
        language=language_of(language),
    )
    await mailer.deliver(settings, message)
    return 1
