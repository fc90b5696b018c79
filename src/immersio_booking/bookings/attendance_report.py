"""The attendance report of a school: per workshop and per student, the sessions that have
started, how many seats were attended and how many were marked absent.

An attendee counts as attended unless the host or the school marked them absent
(``mark-absent``): a session nobody marked reads as fully attended. Only accepted bookings
whose session has started count; the rate is attended / (attended + absent)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.models import Attendee, Booking, BookingStatus, EventType


@dataclass(frozen=True)
class ReportQuery:
    event_type_id: int | None
    student_email: str | None
    after_start: datetime | None
    before_end: datetime | None


@dataclass(frozen=True)
class Line:
    """One row of the report: a workshop (``key`` its id) or a student (``key`` the email)."""

    key: int | str
    label: str
    sessions: int
    attended: int
    absent: int

    @property
    def rate(self) -> float | None:
        counted = self.attended + self.absent
        return round(self.attended / counted, 4) if counted else None


@dataclass(frozen=True)
class Report:
    by_workshop: list[Line]
    by_student: list[Line]


_ABSENT = func.count(case((Attendee.no_show.is_(True), 1)))
_ATTENDED = func.count(case((Attendee.no_show.is_(False), 1)))


def _counted(organization_id: int, query: ReportQuery, now: datetime) -> Select[int]:
    """The attendee rows the report counts."""
    statement = (
        select(Attendee.id)
        .join(Booking, Booking.id == Attendee.booking_id)
        .where(
            Booking.organization_id == organization_id,
            Attendee.organization_id == organization_id,
            Booking.status == BookingStatus.ACCEPTED,
            Booking.start_time <= now,
        )
    )
    if query.event_type_id is not None:
        statement = statement.where(Booking.event_type_id == query.event_type_id)
    if query.student_email:
        statement = statement.where(func.lower(Attendee.email) == query.student_email.lower())
    if query.after_start is not None:
        statement = statement.where(Booking.start_time >= query.after_start)
    if query.before_end is not None:
        statement = statement.where(Booking.end_time <= query.before_end)
    return statement


async def report(
    session: AsyncSession, organization_id: int, query: ReportQuery, now: datetime
) -> Report:
    counted = _counted(organization_id, query, now)
    workshops = await session.execute(
        select(
            EventType.id,
            EventType.title,
            func.count(func.distinct(tuple_(Booking.user_id, Booking.start_time))),
            _ATTENDED,
            _ABSENT,
        )
        .join(Booking, Booking.event_type_id == EventType.id)
        .join(Attendee, Attendee.booking_id == Booking.id)
        .where(EventType.organization_id == organization_id, Attendee.id.in_(counted))
        .group_by(EventType.id, EventType.title)
        .order_by(EventType.title, EventType.id)
    )
    email = func.lower(Attendee.email)
    students = await session.execute(
        select(
            email,
            func.max(Attendee.name),
            func.count(func.distinct(Booking.id)),
            _ATTENDED,
            _ABSENT,
        )
        .join(Booking, Booking.id == Attendee.booking_id)
        .where(Attendee.organization_id == organization_id, Attendee.id.in_(counted))
        .group_by(email)
        .order_by(email)
    )
    return Report(
        [Line(int(i), t, int(s), int(p), int(a)) for i, t, s, p, a in workshops.all()],
        [Line(str(e), str(n), int(s), int(p), int(a)) for e, n, s, p, a in students.all()],
    )
