"""Every query of the email record (``email_deliveries``), each inside one school: the rows
``email_log`` writes around each hand-off to the mailer, and a booking's list of them."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import EmailDelivery, EmailStatus

HISTORY_MAX = 50


async def queued(
    session: AsyncSession,
    organization_id: int,
    booking_id: int,
    job_id: int,
    kind: str,
    recipient: str,
    subject: str,
) -> int | None:
    """The row of this (job, recipient), new or counted one attempt more, now ``queued``; None
    when an earlier attempt of the job already sent it."""
    statement = (
        insert(EmailDelivery)
        .values(
            organization_id=organization_id,
            booking_id=booking_id,
            job_id=job_id,
            kind=kind,
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
    return (await session.execute(statement)).scalar_one_or_none()


async def finished(
    session: AsyncSession, organization_id: int, row_id: int, **values: object
) -> None:
    """Row ``row_id`` after its attempt: ``status`` and what goes with it."""
    await session.execute(
        update(EmailDelivery)
        .where(EmailDelivery.organization_id == organization_id, EmailDelivery.id == row_id)
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
