"""The waitlist's emails to a student: the offer (with the signed accept link) and the offer
that ran out. The jobs get the entry's id and sign links themselves: no token is written
into the job queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from immersio_booking.config import Settings
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import when
from immersio_booking.models import EventType, User
from immersio_booking.models.waitlist import WaitlistEntry, WaitlistStatus
from immersio_booking.notifications import mailer
from immersio_booking.notifications.mailer import mailbox
from immersio_booking.notifications.messages import language_of
from immersio_booking.notifications.rendering import as_message, render
from immersio_booking.notifications.schools import school_of
from immersio_booking.waitlist import accepting


async def send(settings: Settings, template: str, entry_id: int, status: WaitlistStatus) -> int:
    """Email entry ``entry_id``'s student with ``template`` while the entry is in ``status``;
    returns the number sent (0 when it moved on meanwhile)."""
    async with job_session() as session:
        entry = await session.get(WaitlistEntry, entry_id)
        et = await session.get(EventType, entry.event_type_id) if entry else None
        if entry is None or et is None or entry.status != status:
            return 0
        school = await school_of(session, entry.organization_id)
        host = await session.get(User, et.user_id) if et.user_id else None
        reply_to = school.reply_to(host.name, host.email) if host else school.contact
    language = language_of(entry.language)
    extra: dict[str, Any] = {}
    if status == WaitlistStatus.OFFERED and entry.offer_expires_at is not None:
        secret = settings.resolved_secret_key()
        extra["accept_url"] = accepting.accept_link(
            settings.public_base_url, secret, entry, language
        )
        extra["until"] = when.moment_in(entry.offer_expires_at, entry.time_zone, entry.language)
    end = entry.start_time + timedelta(minutes=et.length)
    rendered = render(
        template,
        language,
        school=school.name,
        accent=school.accent,
        title=et.title,
        recipient_name=entry.name,
        when=when.span(entry.start_time, end, entry.time_zone, entry.language),
        **extra,
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
