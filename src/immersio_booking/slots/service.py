"""``GET /v2/slots``: find the workshop, load its hosts' rules and busy time, run the engine."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.auth.principal import Principal
from immersio_booking.event_types import repository as event_types
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.models import EventType, User
from immersio_booking.organizations import repository as organizations
from immersio_booking.slots import (
    full_sessions,
    limits,
    out_of_office,
    repository,
    schedule_rules,
)
from immersio_booking.slots.engine import group_by_local_date
from immersio_booking.slots.model import EventRules, HostCalendar, Slot, SlotQuery
from immersio_booking.teams import repository as teams


@dataclass(frozen=True)
class EventTypeLookup:
    """How a request names a workshop: by id, or by slug with a username or team slug."""

    event_type_id: int | None
    event_type_slug: str | None
    username: str | None
    team_slug: str | None
    organization_slug: str | None


@dataclass(frozen=True)
class SlotsRequest(EventTypeLookup):
    window_start: datetime
    window_end: datetime
    time_zone: str | None
    duration: int | None
    with_end: bool
    reschedule_uid: str | None
    # Ours: a seated workshop's full sessions listed too, every slot with its waitlistCount.
    include_full: bool = False

    @classmethod
    def of_workshop(
        cls,
        event_type_id: int,
        window: tuple[datetime, datetime],
        time_zone: str | None,
        reschedule_uid: str | None = None,
    ) -> SlotsRequest:
        """The free starts of one workshop, named by id, in ``window`` as ``time_zone`` sees
        them (``reschedule_uid``'s own seat counted as free)."""
        return cls(
            event_type_id=event_type_id,
            event_type_slug=None,
            username=None,
            team_slug=None,
            organization_slug=None,
            window_start=window[0],
            window_end=window[1],
            time_zone=time_zone,
            duration=None,
            with_end=False,
            reschedule_uid=reschedule_uid,
        )


async def find_event_type(
    session: AsyncSession, principal: Principal | None, request: EventTypeLookup
) -> EventType:
    et: EventType | None = None
    if request.event_type_id is not None:
        et = await global_lookups.public_event_type(session, request.event_type_id)
        if et is None:
            raise NotFound("Event Type not found")
    else:
        org_id: int | None = None
        if request.organization_slug:
            org = await organizations.by_slug(session, request.organization_slug)
            if org is None:
                raise NotFound(f"Organization with slug {request.organization_slug} not found")
            org_id = org.id
        if request.username:
            user = await event_types.user_in_org_by_username(session, org_id, request.username)
            if user is None or user.organization_id is None:
                raise NotFound(f"User with username {request.username} not found")
            et = await event_types.by_slug(
                session, user.organization_id, request.event_type_slug or ""
            )
            if et is not None and (et.user_id != user.id or et.team_id is not None):
                et = None
        elif request.team_slug:
            team = await teams.by_slug(session, org_id, request.team_slug) if org_id else None
            if team is None:
                raise NotFound(f"Team with slug {request.team_slug} not found")
            et = await event_types.by_slug(
                session, team.organization_id or team.id, request.event_type_slug or ""
            )
            if et is not None and et.team_id != team.id:
                et = None
        if et is None:
            raise NotFound("Event Type not found")
    if et.hidden and (principal is None or not principal.can_see_organization(et.organization_id)):
        raise NotFound("Event Type not found")  # hidden workshops need a key of their tenant
    return et


def duration_for(et: EventType, requested: int | None) -> int | None:
    if requested is None or requested == et.length:
        return None
    if not et.length_options or requested not in et.length_options:
        raise BadRequest(
            f"duration must be one of the workshop's lengths: {et.length_options or [et.length]}",
            reason="invalid_duration",
        )
    return requested


async def host_ids(session: AsyncSession, et: EventType) -> list[int]:
    if et.team_id is None:
        return [et.user_id] if et.user_id else []
    return [h.user_id for h, _ in await event_types.hosts(session, et.organization_id, [et.id])]


async def working_rules(
    session: AsyncSession, et: EventType, hosts: list[User]
) -> list[HostCalendar]:
    """The hosts' weekly rules and overrides (no busy time yet)."""
    schedule_of = {h.id: et.schedule_id or h.default_schedule_id for h in hosts}
    loaded = await repository.schedules(
        session, et.organization_id, [s for s in schedule_of.values() if s is not None]
    )
    calendars = []
    for host in hosts:
        schedule_id = schedule_of[host.id]
        if schedule_id is None or schedule_id not in loaded:
            continue  # a host without a schedule has no working hours
        time_zone, rows = loaded[schedule_id]
        weekly, overrides = schedule_rules.engine_rules(rows)
        calendars.append(HostCalendar(host.id, time_zone, weekly, overrides))
    return calendars


async def with_busy(
    session: AsyncSession,
    et: EventType,
    hosts: list[User],
    calendars: list[HostCalendar],
    window: tuple[datetime, datetime],
    now: datetime,
    exclude_booking_uid: str | None = None,
    exclude_reservation_uid: str | None = None,
) -> list[HostCalendar]:
    """``calendars`` with the busy time around ``window``: bookings, holds, reservations, and
    the teachers' own calendars (cached)."""
    busy = await repository.busy_times(
        session,
        et.organization_id,
        [h.id for h in hosts],
        [h.email for h in hosts],
        *window,
        now,
        exclude_booking_uid,
        exclude_reservation_uid,
    )
    return [replace(c, busy=tuple(busy.get(c.host_id, []))) for c in calendars]


def event_rules(et: EventType, period_time_zone: str) -> EventRules:
    return EventRules(
        event_type_id=et.id,
        length=et.length,
        slot_interval=et.slot_interval,
        minimum_booking_notice=et.minimum_booking_notice,
        before_buffer=et.before_event_buffer,
        after_buffer=et.after_event_buffer,
        period_type=et.period_type,  # type: ignore[arg-type]
        period_days=et.period_days,
        period_count_calendar_days=bool(et.period_count_calendar_days),
        period_start_date=et.period_start_date.astimezone(UTC).date()
        if et.period_start_date
        else None,
        period_end_date=et.period_end_date.astimezone(UTC).date() if et.period_end_date else None,
        period_time_zone=period_time_zone,
        seats_per_time_slot=et.seats_per_time_slot,
        scheduling_type=et.scheduling_type,  # type: ignore[arg-type]
        offset_start=et.options.offset_start or 0,
    )


def limits_of(et: EventType, time_zone: str) -> limits.Limits:
    """The workshop's booking limits, periods read in ``time_zone`` (its schedule's)."""
    options = et.options
    count, minutes = options.booking_limits_count, options.booking_limits_duration
    return limits.Limits(
        dict(count.items()) if count else {}, dict(minutes.items()) if minutes else {}, time_zone
    )


async def booked_near(
    session: AsyncSession,
    et: EventType,
    rules: limits.Limits,
    starts: Sequence[datetime],
    now: datetime,
    exclude_uid: str | None = None,
) -> list[limits.Booked]:
    """The workshop's sessions in every limited period around ``starts``."""
    low, high = limits.reach(rules, min(starts), max(starts))
    rows = await repository.sessions_booked(
        session, et.organization_id, et.id, low, high, now, exclude_uid
    )
    return limits.sessions(rows)


async def within_limits(
    session: AsyncSession,
    et: EventType,
    found: list[Slot],
    time_zone: str,
    now: datetime,
    exclude_uid: str | None,
) -> list[Slot]:
    """``found`` without the slots a booking limit refuses (a seat in a session already
    booked stays), and only each day's first with ``onlyShowFirstAvailableSlot``."""
    rules = limits_of(et, time_zone)
    if rules and found:
        booked = await booked_near(session, et, rules, [s.start for s in found], now, exclude_uid)
        found = [
            s
            for s in found
            if limits.refusal(
                rules,
                s.start,
                int((s.end - s.start).total_seconds() // 60),
                booked,
                joins=bool(s.seats_booked),
            )
            is None
        ]
    return found


async def available_slots(
    session: AsyncSession,
    principal: Principal | None,
    request: SlotsRequest,
    now: datetime,
    public_max_slots: int | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """The free slots; a caller without a key of the workshop's school gets no booking uids
    and at most ``public_max_slots`` slots (else 400 ``too_many_slots``; ``None``: the caller
    bounds the window itself, as the booking page does with one month). With
    ``include_full``, the full sessions too and every slot's waitlist count
    (``full_sessions.py``)."""
    et = await find_event_type(session, principal, request)
    if request.include_full:
        full_sessions.ensure_seated(et)
    staff = principal is not None and principal.can_see_organization(et.organization_id)
    duration = duration_for(et, request.duration)
    hosts = await repository.hosts(session, await host_ids(session, et))
    window = (request.window_start, request.window_end)
    away = await out_of_office.cover(session, et, hosts, window)
    everyone = [*hosts, *away.stand_ins]
    found = await with_busy(
        session,
        et,
        everyone,
        await working_rules(session, et, everyone),
        window,
        now,
        request.reschedule_uid,
    )
    if not found:
        return {}
    zone = request.time_zone or "UTC"
    slots = out_of_office.compute(
        event_rules(et, found[0].time_zone),
        found,
        [h.id for h in hosts],
        away.absences,
        SlotQuery(request.window_start, request.window_end, now, zone),
        duration,
    )
    slots = await within_limits(session, et, slots, found[0].time_zone, now, request.reschedule_uid)
    if et.options.only_show_first_available_slot:
        slots = limits.first_of_each_day(slots, zone)
    lines = None
    if request.include_full and et.seats_per_time_slot:
        lines = await full_sessions.lines_of(session, et, window, now)
        slots = full_sessions.with_full(slots, lines, et.seats_per_time_slot, duration or et.length)
    if not staff and public_max_slots is not None and len(slots) > public_max_slots:
        raise BadRequest(
            f"This query gives more than {public_max_slots} slots, the most a public query may"
            " return; ask for a shorter range.",
            reason="too_many_slots",
            details={"limit": "public_slots_max_count", "max": public_max_slots},
        )
    grouped = group_by_local_date(slots, zone, request.with_end)
    if lines is not None:
        full_sessions.mark(grouped, lines)
    hidden: tuple[str, ...] = ()
    if et.seats_per_time_slot and not et.seats_show_availability_count:
        # The workshop hides how full it is: full slots are still left out, counts are not shown.
        hidden = ("seatsBooked", "seatsRemaining", "attendeesCount")
    if not staff:
        # A session's bookingUid is one student's booking: only the school's staff see it.
        hidden = (*hidden, "bookingUid")
    for day in grouped.values():
        for slot in day:
            for key in hidden:
                slot.pop(key, None)
    return grouped
