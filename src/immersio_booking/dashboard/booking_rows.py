"""A page of bookings as the dashboard lists them (and exports them): the student, the
workshop, the teacher, the time in the staff member's zone, the status and the payment."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import repository
from immersio_booking.dashboard.sessions import payment_state
from immersio_booking.kit import when
from immersio_booking.models import Booking, User


@dataclass(frozen=True)
class BookingRow:
    uid: str
    title: str
    start: datetime
    end: datetime
    when: str
    status: str
    payment: str
    amount: int | None
    currency: str | None
    teacher: str
    teacher_email: str
    student: str
    student_email: str


async def rows_of(
    session: AsyncSession,
    organization_id: int,
    bookings: Sequence[Booking],
    zone: str,
    language: str,
) -> list[BookingRow]:
    ids = [b.id for b in bookings]
    people = await repository.attendees_of(session, organization_id, ids)
    payments = await repository.payments_of(session, organization_id, ids)
    teachers: dict[int, User | None] = {}
    rows = []
    for booking in bookings:
        host_id = booking.user_id or 0
        if host_id not in teachers:
            teachers[host_id] = await session.get(User, host_id) if host_id else None
        teacher = teachers[host_id]
        attending = people.get(booking.id) or []
        student = attending[0] if attending else None
        payment = payments.get(booking.id)
        rows.append(
            BookingRow(
                uid=booking.uid,
                title=booking.title,
                start=booking.start_time,
                end=booking.end_time,
                when=when.span(booking.start_time, booking.end_time, zone, language),
                status=str(booking.status),
                payment=payment_state(booking, payment),
                amount=payment.amount if payment else None,
                currency=payment.currency if payment else None,
                teacher=(teacher.name or teacher.email) if teacher else "",
                teacher_email=teacher.email if teacher else "",
                student=student.name if student else "",
                student_email=student.email if student else "",
            )
        )
    return rows
