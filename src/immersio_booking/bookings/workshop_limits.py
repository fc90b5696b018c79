"""The workshop's own limits at booking time, checked under the booking's locks so two
parallel bookings cannot both pass: booking limits per period (``slots.limits``, the same rules
``/v2/slots`` applies), the booker's active-bookings limit, and first-slot-only.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import repository
from immersio_booking.kit.errors import BadRequest, Conflict, Forbidden
from immersio_booking.kit.locks import lock_key
from immersio_booking.models import EventType
from immersio_booking.slots import limits
from immersio_booking.slots import service as slots
from immersio_booking.slots.model import Slot
from immersio_booking.slots.ranges import zone

REFUSALS = {
    "booking_limit_reached": "This workshop takes no more bookings in that period"
    " (its booking limit is reached); choose another time.",
    "duration_limit_reached": "This workshop takes no more booked time in that period"
    " (its limit of booked minutes is reached); choose another time.",
}


def lock_keys(et: EventType, email: str) -> list[int]:
    """What a booking of ``et`` consumes beyond its sessions: the workshop's period
    allowance, the booker's active bookings."""
    options = et.options
    keys = []
    if options.booking_limits_count or options.booking_limits_duration:
        keys.append(lock_key("workshop-limits", et.id))
    if options.booker_active_bookings_limit:
        keys.append(lock_key("booker-active", et.id, email))
    return keys


async def check(
    session: AsyncSession,
    et: EventType,
    chosen: Sequence[tuple[datetime, Slot]],
    time_zone: str,
    email: str,
    now: datetime,
    exclude_uid: str | None,
) -> None:
    """Refuse the booking of ``chosen`` sessions if it passes one of the workshop's limits."""
    rules = slots.limits_of(et, time_zone)
    if rules:
        starts = [start for start, _ in chosen]
        booked = await slots.booked_near(session, et, rules, starts, now, exclude_uid)
        for start, slot in chosen:
            minutes = int((slot.end - slot.start).total_seconds() // 60)
            joins = bool(slot.seats_booked)
            reason = limits.refusal(rules, start, minutes, booked, joins)
            if reason is not None:
                raise Forbidden(
                    REFUSALS[reason], reason=reason, details={"start": start.isoformat()}
                )
            if not joins:
                booked.append(limits.Booked(start, minutes))
    active = et.options.booker_active_bookings_limit
    if active is not None:
        held = await repository.active_of_attendee(
            session, et.organization_id, et.id, email, now, exclude_uid
        )
        if held + len(chosen) > active.maximum_active_bookings:
            hint = (
                " You can move one of them to another time from the link in its email."
                if active.offer_reschedule
                else ""
            )
            raise BadRequest(
                f"This workshop allows {active.maximum_active_bookings} upcoming booking(s) per"
                f" student, and this email already has {held}.{hint}",
                reason="booker_limit_exceeded",
                details={"maximumActiveBookings": active.maximum_active_bookings},
            )


async def ensure_first_of_day(
    session: AsyncSession,
    principal: Principal | None,
    et: EventType,
    start: datetime,
    duration: int | None,
    time_zone: str,
    now: datetime,
    exclude_uid: str | None,
) -> None:
    """``onlyShowFirstAvailableSlot``: only the first free time of the booker's day may be
    booked, the very slot ``/v2/slots`` shows that day in the booker's zone."""
    if not et.options.only_show_first_available_slot:
        return
    tz = zone(time_zone)
    day = start.astimezone(tz).date()
    low = datetime.combine(day, time(0), tz)
    request = slots.SlotsRequest(
        et.id, None, None, None, None, low, low + DAY, time_zone, duration, False, exclude_uid
    )
    shown = (await slots.available_slots(session, principal, request, now)).get(day.isoformat())
    first = datetime.fromisoformat(shown[0]["start"].replace("Z", "+00:00")) if shown else None
    if first != start:
        raise Conflict(
            "This workshop takes only the first free time of each day; fetch /v2/slots again.",
            reason="slot_unavailable",
            details={"start": start.isoformat()},
        )


DAY = timedelta(days=1)
