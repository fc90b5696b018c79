"""The invitation email of an invite-only workshop: the student's personal booking link.

The job gets the workshop, the email and the expiry, and signs the link itself: the token is
never written into the job queue."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage

from immersio_booking.bookings import invitations
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.models import EventType, Team
from immersio_booking.notifications import mailer
from immersio_booking.notifications.messages import language_of, render


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
        title, school, slug = et.title, org.name, org.slug
    expires_at = datetime.fromtimestamp(expires, UTC)
    signed = invitations.token(settings.resolved_secret_key(), et, email, expires_at)
    url = invitations.link(settings.public_base_url, slug, et, email, signed)
    chosen = language_of(language)
    subject, body = render(
        chosen,
        "invitation.txt",
        title=title,
        school=school,
        recipient_name=name or email,
        url=url,
        expires=expires_at.strftime("%d/%m/%Y" if chosen == "fr" else "%d %b %Y"),
    )
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = Address(display_name=name or "", addr_spec=email)
    message["Subject"] = subject
    message["Content-Language"] = chosen
    message.set_content(body)
    await mailer.deliver(settings, message)
    return 1
