"""Listing bookings: who sees which, and the filters and sorts of ``GET /v2/bookings``
(Cal.com 2024-08-13), shared by the organization and team listings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import and_, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import hosting, repository
from immersio_booking.kit.pagination import Page
from immersio_booking.models import Attendee, Booking, BookingStatus, EventType
from immersio_booking.slots.repository import blocking

STATUS_FILTERS = ("upcoming", "recurring", "past", "cancelled", "unconfirmed")
SortOrder = Literal["asc", "desc"]


@dataclass(frozen=True)
class ListQuery:
    """Every filter and sort of the listing; each one given is applied (none is ignored).

    Filters combine with AND; the values of one list filter (``statuses``, ``event_type_ids``,
    ``team_ids``) with OR. Sorts apply in the order start, end, created, updated.
    """

    statuses: tuple[str, ...] = ()
    attendee_email: str | None = None
    event_type_id: int | None = None
    after_start: datetime | None = None
    before_end: datetime | None = None
    sort_start: SortOrder | None = None
    attendee_name: str | None = None
    booking_uid: str | None = None
    event_type_ids: tuple[int, ...] = ()
    team_id: int | None = None
    team_ids: tuple[int, ...] = ()
    after_created_at: datetime | None = None
    before_created_at: datetime | None = None
    after_updated_at: datetime | None = None
    before_updated_at: datetime | None = None
    sort_end: SortOrder | None = None
    sort_created: SortOrder | None = None
    sort_updated_at: SortOrder | None = None
    # The dashboard's teacher filter (no Cal.com parameter): bookings these users host,
    # assigned or co-hosted (``hosting.hosted_by``).
    host_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Audience:
    """Whose bookings a caller may list: an organization's, narrowed to what ``member`` may
    act on as staff (``hosting.staffed_by``) or attends (unless ``attending`` is False: the
    dashboard's teacher, shown only the sessions they teach), and to one team's workshops (a
    team listing)."""

    organization_id: int
    member: Principal | None = None
    team_id: int | None = None
    attending: bool = True


def audience_of(principal: Principal) -> Audience | None:
    """``GET /v2/bookings``: admins see the organization's bookings, members their own."""
    org_id = principal.organization_id
    if org_id is None or org_id not in principal.roles:
        return None
    return Audience(org_id, None if principal.is_org_admin(org_id) else principal)


def _status_conditions(now: datetime) -> dict[str, Any]:
    live = Booking.status.in_((BookingStatus.ACCEPTED, BookingStatus.PENDING))
    return {
        "upcoming": and_(Booking.end_time >= now, live),
        "recurring": Booking.recurring_event_id.is_not(None),
        "past": and_(Booking.end_time < now, live),
        "cancelled": Booking.status.in_((BookingStatus.CANCELLED, BookingStatus.REJECTED)),
        "unconfirmed": and_(
            Booking.status == BookingStatus.PENDING, Booking.end_time >= now, blocking(now)
        ),
    }


def _workshops_of_teams(organization_id: int, team_ids: tuple[int, ...]) -> Any:
    return select(EventType.id).where(
        EventType.organization_id == organization_id, EventType.team_id.in_(team_ids)
    )


def _attendees(organization_id: int) -> Any:
    return select(Attendee.booking_id).where(Attendee.organization_id == organization_id)


def _filters(audience: Audience, query: ListQuery, now: datetime) -> list[Any]:
    org_id = audience.organization_id
    conditions: list[Any] = []
    if audience.member is not None:
        member = audience.member
        as_attendee = _attendees(org_id).where(Attendee.email == member.email)
        staffed = hosting.staffed_by(member, org_id)
        conditions.append(
            or_(staffed, Booking.id.in_(as_attendee)) if audience.attending else staffed
        )
    if audience.team_id is not None:
        conditions.append(
            Booking.event_type_id.in_(_workshops_of_teams(org_id, (audience.team_id,)))
        )
    if query.statuses:
        by_status = _status_conditions(now)
        conditions.append(or_(*(by_status[s] for s in query.statuses)))
    if query.attendee_email:
        email = query.attendee_email.strip().lower()
        conditions.append(Booking.id.in_(_attendees(org_id).where(Attendee.email == email)))
    if query.attendee_name:
        name = query.attendee_name.strip().lower()
        conditions.append(
            Booking.id.in_(_attendees(org_id).where(func.lower(Attendee.name) == name))
        )
    if query.booking_uid:
        conditions.append(Booking.uid == query.booking_uid.strip())
    if query.host_ids:
        conditions.append(or_(*(hosting.hosted_by(org_id, host) for host in query.host_ids)))
    if query.event_type_id is not None:
        conditions.append(Booking.event_type_id == query.event_type_id)
    if query.event_type_ids:
        conditions.append(Booking.event_type_id.in_(query.event_type_ids))
    for teams in ((query.team_id,) if query.team_id is not None else (), query.team_ids):
        if teams:
            conditions.append(Booking.event_type_id.in_(_workshops_of_teams(org_id, teams)))
    bounds = (
        (Booking.start_time, query.after_start, None),
        (Booking.end_time, None, query.before_end),
        (Booking.created_at, query.after_created_at, query.before_created_at),
        (Booking.updated_at, query.after_updated_at, query.before_updated_at),
    )
    for column, after, before in bounds:
        if after is not None:
            conditions.append(column >= after)
        if before is not None:
            conditions.append(column <= before)
    return conditions


def _keys(query: ListQuery) -> list[tuple[Any, bool]]:
    """The listing's order: (column, descending) by the sorts asked (by start when none),
    then by id, so that every row has a place of its own."""
    sorts = (
        (Booking.start_time, query.sort_start),
        (Booking.end_time, query.sort_end),
        (Booking.created_at, query.sort_created),
        (Booking.updated_at, query.sort_updated_at),
    )
    keys = [(column, way == "desc") for column, way in sorts if way]
    return [*(keys or [(Booking.start_time, False)]), (Booking.id, False)]


def _order(query: ListQuery) -> list[Any]:
    return [column.desc() if descending else column.asc() for column, descending in _keys(query)]


def _after(query: ListQuery, last: Booking) -> Any:
    """The rows that come after ``last`` in the listing's order (a keyset: the key of each
    row, not its rank, so rows added or removed before it move nothing)."""
    alternatives = []
    equal: list[Any] = []
    for column, descending in _keys(query):
        value = getattr(last, column.key)
        alternatives.append(and_(*equal, column < value if descending else column > value))
        equal.append(column == value)
    return or_(*alternatives)


async def list_for(
    session: AsyncSession, principal: Principal, query: ListQuery, page: Page, now: datetime
) -> tuple[list[Booking], int]:
    """``GET /v2/bookings``: the caller's organization, as ``audience_of`` says."""
    audience = audience_of(principal)
    if audience is None:
        return [], 0
    return await list_in(session, audience, query, page, now)


async def list_in(
    session: AsyncSession, audience: Audience, query: ListQuery, page: Page, now: datetime
) -> tuple[list[Booking], int]:
    """One page of the audience's bookings matching ``query``, and how many match in all."""
    statement = repository.listing(audience.organization_id).where(*_filters(audience, query, now))
    total = int(
        (await session.execute(select(func.count()).select_from(statement.subquery()))).scalar_one()
    )
    rows = await session.execute(
        statement.order_by(*_order(query)).limit(page.take).offset(page.skip)
    )
    return list(rows.scalars()), total


async def list_after(
    session: AsyncSession,
    audience: Audience,
    query: ListQuery,
    last: Booking | None,
    take: int,
    now: datetime,
) -> list[Booking]:
    """The next ``take`` of the audience's bookings matching ``query`` after ``last`` (from the
    first when None), in the listing's order: an export pages through them each row once,
    however the rows change meanwhile."""
    statement = repository.listing(audience.organization_id).where(*_filters(audience, query, now))
    if last is not None:
        statement = statement.where(_after(query, last))
    rows = await session.execute(statement.order_by(*_order(query)).limit(take))
    return list(rows.scalars())
