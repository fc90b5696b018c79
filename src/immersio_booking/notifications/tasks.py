"""Jobs that send booking emails; deferred in the transaction that changed the booking."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import access, repository
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.models import (
    Attendee,
    Booking,
    BookingCancellationHistory,
    EventType,
    User,
)
from immersio_booking.notifications import ics, mailer
from immersio_booking.notifications.messages import STUDENT_ONLY, Recipient, compose

METHOD = {"cancelled": "CANCEL", "declined": "CANCEL"}


@job_app.task(name="send_booking_email", retry=5, pass_context=False)
async def send_booking_email(booking_id: int, kind: str) -> int:
    """Email the student and the host about ``booking_id``; returns the number sent."""
    settings = context.settings()
    async with job_session() as session:
        return await _send(session, booking_id, kind, settings)


async def _send(session: AsyncSession, booking_id: int, kind: str, settings: Any) -> int:
    booking = await session.get(Booking, booking_id)
    if booking is None:
        return 0
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    host = await session.get(User, booking.user_id) if booking.user_id else None
    people = (await repository.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    if not people or host is None:
        return 0
    student = people[0]
    title = et.title if et else booking.title
    host_name = host.name or host.email
    invites = (
        [] if kind in STUDENT_ONLY else await _invites(session, booking, kind, title, host, people)
    )
    refund = await _refund_text(session, booking)
    secret = settings.resolved_secret_key()
    manage = (
        f"{settings.public_base_url}/booking/{booking.uid}/manage?token="
        f"{access.manage_token(secret, booking)}"
        if kind in ("confirmed", "requested", "rescheduled")
        else None
    )
    recipients = [Recipient(student.name, student.email, student.time_zone, student.locale, False)]
    if kind not in STUDENT_ONLY:
        recipients.append(Recipient(host_name, host.email, host.time_zone, host.locale, True))
    for recipient in recipients:
        message = compose(
            kind,
            booking,
            title=title,
            host_name=host_name,
            student_name=student.name,
            recipient=recipient,
            manage_url=manage,
            reason=booking.cancellation_reason or booking.rejection_reason,
            refund=refund,
            invites=invites,
            sender=mailer.sender(settings),
        )
        await mailer.deliver(settings, message)
    return len(recipients)


async def _invites(
    session: AsyncSession,
    booking: Booking,
    kind: str,
    title: str,
    host: User,
    people: Sequence[Attendee],
) -> list[tuple[str, bytes]]:
    """The calendar invite of the change (and, for a move, the old time's cancellation)."""
    organizer = (host.name or host.email, host.email)
    attendees = [(a.name, a.email) for a in people]
    now = clock.now()
    method = METHOD.get(kind, "REQUEST")
    invites = [
        (
            method,
            ics.invite(
                booking,
                method=method,
                summary=title,
                organizer=organizer,
                attendees=attendees,
                description=booking.description,
                now=now,
            ),
        )
    ]
    moved_from = booking.from_reschedule if kind == "rescheduled" else None
    old = await session.get(Booking, moved_from) if moved_from else None
    if old is not None and old.organization_id == booking.organization_id:
        cancel = ics.invite(
            old,
            method="CANCEL",
            summary=title,
            organizer=organizer,
            attendees=attendees,
            description=None,
            now=now,
        )
        invites.append(("CANCEL", cancel))
    return invites


async def _refund_text(session: AsyncSession, booking: Booking) -> str | None:
    row = (
        await session.execute(
            select(BookingCancellationHistory)
            .where(
                BookingCancellationHistory.organization_id == booking.organization_id,
                BookingCancellationHistory.booking_id == booking.id,
            )
            .order_by(BookingCancellationHistory.id.desc())
            .limit(1)
        )
    ).scalar_one_or_none()
    if row is None or not row.refund_amount:
        return None
    payment = await repository.payment_of(session, booking.organization_id, booking.id)
    currency = (payment.currency if payment else "").upper()
    return f"{row.refund_amount / 100:.2f} {currency}".strip()
