"""The email that carries a booker's verification code (requiresBookerEmailVerification)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import BookerEmailCode, EventType
from immersio_booking.notifications import mailer, messages
from immersio_booking.notifications.rendering import as_message, render
from immersio_booking.notifications.schools import school_of


async def send_booker_code(
    session: AsyncSession, code_id: int, code_hash: str, sealed_code: str, language: str | None
) -> None:
    """Queue the email in the transaction that stores the code's hash."""
    await defer_in_transaction(
        session,
        send_booker_code_email,
        code_id=code_id,
        code_hash=code_hash,
        sealed_code=sealed_code,
        language=language,
    )


@job_app.task(name="send_booker_code_email", retry=3, pass_context=False)
async def send_booker_code_email(
    code_id: int, code_hash: str, sealed_code: str, language: str | None
) -> int:
    """Send the code, unless a newer code replaced it or it expired meanwhile."""
    settings = context.settings()
    async with job_session() as session:
        row = await session.get(BookerEmailCode, code_id)
        if row is None or row.code_hash != code_hash or row.expires_at <= clock.now():
            return 0
        code = SecretBox.of(settings).open(sealed_code)
        school = await school_of(session, row.organization_id)
        et = await session.get(EventType, row.event_type_id) if row.event_type_id else None
        minutes = max(1, round((row.expires_at - clock.now()).total_seconds() / 60))
        chosen = messages.language_of(language)
        rendered = render(
            "booker_code",
            chosen,
            school=school.name,
            accent=school.accent,
            title=f"“{et.title}”" if et else "",
            code=code,
            minutes=minutes,
        )
        message = as_message(
            rendered,
            sender=school.sender(settings),
            to=mailer.mailbox(None, row.email),
            reply_to=school.contact,
            language=chosen,
        )
        await mailer.deliver(settings, message)
        return 1
