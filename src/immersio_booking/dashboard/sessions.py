"""The sessions of a few days as the staff's "Today" page shows them: one row per session
(workshop, teacher, start) with its seats, its attendees and their payment, its join link.
Days are the staff member's own (``user.time_zone``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy import ColumnElement
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links, repository
from immersio_booking.kit import when
from immersio_booking.models import Booking, EventType, Payment, User
from immersio_booking.waitlist import listing

DAYS_SHOWN = 7
NOT_HELD = repository.Held(seats=0, offered=0)
PAYMENT_STATES = ("paid", "offline", "waiting", "refunded", "free")


def payment_state(booking: Booking, payment: Payment | None) -> str:
    """paid (online), offline (recorded by staff), waiting (for its payment), refunded, free."""
    if payment is None:
        return "free"
    if payment.refunded:
        return "refunded"
    if booking.paid:
        return "offline" if payment.app_id == "manual-payment" else "paid"
    return "waiting"


@dataclass
class Seat:
    booking_uid: str
    name: str
    email: str
    payment: str
    absent: bool
    pending: bool  # a request waiting for the school's confirmation, or for its payment


@dataclass
class SessionRow:
    uid: str  # the first seat's booking: the one attendance and messages are sent through
    title: str
    when: str
    start: datetime
    end: datetime
    teacher: str
    seats_total: int
    join_url: str | None
    started: bool
    host_absent: bool
    seats_taken: int
    event_type_id: int | None = None
    waiting: int = 0  # students in the session's waitlist
    # Seats held by slot reservations (``repository.session_holds``): counted as the booking
    # flow counts them, so "left" is what a student can still book.
    seats_held: int = 0
    seats_offered: int = 0  # of the held seats, those held for a waitlist offer
    seats: list[Seat] = field(default_factory=list)  # one line per attendee (guests too)

    @property
    def seats_left(self) -> int:
        return max(0, self.seats_total - self.seats_taken - self.seats_held)

    @property
    def seats_held_booking(self) -> int:
        """Held seats that are not waitlist offers: a student's booking in progress."""
        return self.seats_held - self.seats_offered


@dataclass
class Day:
    day: date
    label: str
    sessions: list[SessionRow]


def day_bounds(first: date, zone: str, days: int) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime.combine(first, time(0), tz)
    return start, datetime.combine(first + timedelta(days=days), time(0), tz)


def today_in(zone: str, now: datetime) -> date:
    return now.astimezone(ZoneInfo(zone)).date()


async def _lookups(
    session: AsyncSession, bookings: list[Booking]
) -> tuple[dict[int, EventType], dict[int, User]]:
    workshops: dict[int, EventType] = {}
    teachers: dict[int, User] = {}
    for booking in bookings:
        if booking.event_type_id and booking.event_type_id not in workshops:
            et = await session.get(EventType, booking.event_type_id)
            if et is not None:
                workshops[et.id] = et
        if booking.user_id and booking.user_id not in teachers:
            user = await session.get(User, booking.user_id)
            if user is not None:
                teachers[user.id] = user
    return workshops, teachers


async def sessions_of(
    session: AsyncSession,
    organization_id: int,
    first: date,
    viewer: User,
    only: ColumnElement[bool] | None,
    language: str,
    now: datetime,
) -> list[Day]:
    """``DAYS_SHOWN`` days from ``first`` in the viewer's zone; ``only``: the bookings a
    teacher may act on (``hosting.staffed_by``)."""
    zone = viewer.time_zone
    start, end = day_bounds(first, zone, DAYS_SHOWN)
    seats = await repository.sessions_between(session, organization_id, start, end, now, only)
    ids = [b.id for b in seats]
    people = await repository.attendees_of(session, organization_id, ids)
    payments = await repository.payments_of(session, organization_id, ids)
    links = await meeting_links.links_of(session, organization_id, ids)
    workshops, teachers = await _lookups(session, seats)
    waiting = await listing.waiting_counts(session, organization_id, start, end)
    holds = await repository.holds_between(session, organization_id, start, end, now)
    rows: list[SessionRow] = []
    for (start_time, _, host), group in groupby(
        seats, key=lambda b: (b.start_time, b.event_type_id, b.user_id)
    ):
        members = list(group)
        first_seat = members[0]
        et = workshops.get(first_seat.event_type_id or 0)
        teacher = teachers.get(host or 0)
        link = next((links[b.id] for b in members if b.id in links), None)
        held = holds.get((first_seat.event_type_id or 0, start_time), NOT_HELD)
        seated = bool(et and et.seats_per_time_slot)
        row = SessionRow(
            uid=first_seat.uid,
            title=et.title if et else first_seat.title,  # the session, not one seat
            when=when.span(start_time, first_seat.end_time, zone, language),
            start=start_time,
            end=first_seat.end_time,
            teacher=(teacher.name or teacher.email) if teacher else "",
            seats_total=max(et.seats_per_time_slot or 1, len(members)) if et else len(members),
            join_url=link.url if link else None,
            started=now >= start_time,
            host_absent=first_seat.no_show_host,
            seats_taken=len(members),
            event_type_id=first_seat.event_type_id,
            waiting=waiting.get((first_seat.event_type_id or 0, start_time), 0),
            seats_held=held.seats if seated else 0,
            seats_offered=held.offered if seated else 0,
        )
        for booking in members:
            for attendee in people.get(booking.id, []):
                row.seats.append(
                    Seat(
                        booking_uid=booking.uid,
                        name=attendee.name,
                        email=attendee.email,
                        payment=payment_state(booking, payments.get(booking.id)),
                        absent=attendee.no_show,
                        pending=booking.status == "pending",
                    )
                )
        rows.append(row)
    by_day: dict[date, list[SessionRow]] = {}
    for row in rows:
        by_day.setdefault(row.start.astimezone(ZoneInfo(zone)).date(), []).append(row)
    return [
        Day(day, format_date(day, "full", locale=when.babel_locale(language)), by_day.get(day, []))
        for day in (first + timedelta(days=n) for n in range(DAYS_SHOWN))
    ]
