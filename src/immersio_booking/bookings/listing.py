"""Listing bookings: who sees which, and the filters of ``GET /v2/bookings``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import repository
from immersio_booking.kit.pagination import Page
from immersio_booking.models import Attendee, Booking, BookingStatus
from immersio_booking.slots.repository import blocking

STATUS_FILTERS = ("upcoming", "recurring", "past", "cancelled", "unconfirmed")


@dataclass(frozen=True)
class ListQuery:
    statuses: tuple[str, ...] = ()
    attendee_email: str | None = None
    event_type_id: int | None = None
    after_start: datetime | None = None
    before_end: datetime | None = None
    sort_start: str | None = None


async def list_for(
    session: AsyncSession, principal: Principal, query: ListQuery, page: Page, now: datetime
) -> tuple[list[Booking], int]:
    """Admins see the organization's bookings; members their own (as host or as attendee)."""
    org_id = principal.organization_id
    if org_id is None or org_id not in principal.roles:
        return [], 0
    statement = repository.listing(org_id)
    if not principal.is_org_admin(org_id):
        as_attendee = select(Attendee.booking_id).where(Attendee.email == principal.email)
        statement = statement.where(
            or_(Booking.user_id == principal.user_id, Booking.id.in_(as_attendee))
        )
    status_conditions = {
        "upcoming": and_(
            Booking.end_time >= now,
            Booking.status.in_((BookingStatus.ACCEPTED, BookingStatus.PENDING)),
        ),
        "recurring": Booking.recurring_event_id.is_not(None),
        "past": and_(
            Booking.end_time < now,
            Booking.status.in_((BookingStatus.ACCEPTED, BookingStatus.PENDING)),
        ),
        "cancelled": Booking.status.in_((BookingStatus.CANCELLED, BookingStatus.REJECTED)),
        "unconfirmed": and_(
            Booking.status == BookingStatus.PENDING, Booking.end_time >= now, blocking(now)
        ),
    }
    if query.statuses:
        statement = statement.where(or_(*(status_conditions[s] for s in query.statuses)))
    if query.attendee_email:
        emails = select(Attendee.booking_id).where(
            Attendee.email == query.attendee_email.strip().lower()
        )
        statement = statement.where(Booking.id.in_(emails))
    if query.event_type_id is not None:
        statement = statement.where(Booking.event_type_id == query.event_type_id)
    if query.after_start is not None:
        statement = statement.where(Booking.start_time >= query.after_start)
    if query.before_end is not None:
        statement = statement.where(Booking.end_time <= query.before_end)
    total = int(
        (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    )
    order = Booking.start_time.desc() if query.sort_start == "desc" else Booking.start_time
    rows = await session.execute(
        statement.order_by(order, Booking.id).limit(page.take).offset(page.skip)
    )
    return list(rows.scalars()), total
