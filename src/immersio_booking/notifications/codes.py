"""The email that carries a booker's verification code (requiresBookerEmailVerification)."""

from __future__ import annotations

from email.headerregistry import Address
from email.message import EmailMessage

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import get_settings
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import BookerEmailCode, EventType, Team
from immersio_booking.notifications import mailer


async def send_booker_code(session: AsyncSession, code_id: int, sealed_code: str) -> None:
    """Queue the email in the transaction that stores the code's hash."""
    await defer_in_transaction(
        session, send_booker_code_email, code_id=code_id, sealed_code=sealed_code
    )


@job_app.task(name="send_booker_code_email", retry=3, pass_context=False)
async def send_booker_code_email(code_id: int, sealed_code: str) -> int:
    """Send the code, unless a newer code replaced it or it expired meanwhile."""
    settings = get_settings()
    async with job_session() as session:
        row = await session.get(BookerEmailCode, code_id)
        if row is None or row.expires_at <= clock.now():
            return 0
        code = SecretBox.of(settings).open(sealed_code)
        school = await session.get(Team, row.organization_id)
        et = await session.get(EventType, row.event_type_id) if row.event_type_id else None
        minutes = max(1, round((row.expires_at - clock.now()).total_seconds() / 60))
        message = EmailMessage()
        message["To"] = Address(addr_spec=row.email)
        what = f"“{et.title}”" if et else "a workshop"
        message["Subject"] = f"Your code to book {what}: {code}"
        message.set_content(
            f"Your code to book {what} at {school.name if school else 'the school'} is:\n\n"
            f"    {code}\n\n"
            f"Enter it on the booking page within {minutes} minutes. If you did not ask to"
            " book, ignore this email: nothing is booked without the code.\n"
        )
        await mailer.deliver(settings, message)
        return 1
