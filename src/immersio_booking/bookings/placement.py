"""What the booking flow places: one student's seat at a workshop's starts, and who asks."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from immersio_booking.auth.principal import Principal
from immersio_booking.bookings import availability
from immersio_booking.bookings.availability import Exclusions
from immersio_booking.bookings.holds import HoldCaps
from immersio_booking.models import EventType


@dataclass
class Seat:
    """One student's place: who, what they answered, and where."""

    name: str
    email: str
    time_zone: str
    language: str | None
    guests: list[str] = field(default_factory=list)
    responses: dict[str, Any] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    location: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class Placement:
    """What to book: the workshop, its starts (one, or a series), the seat and who asks."""

    et: EventType
    starts: list[datetime]
    duration: int | None
    seat: Seat
    principal: Principal | None
    paid_offline: bool = False
    exclusions: Exclusions = Exclusions()
    created_by: int | None = None
    workshop: availability.Workshop | None = None  # when the caller loaded it already
    caps: HoldCaps | None = None  # an anonymous booker's caps on open unpaid holds
    # Taken with the booking's own locks, in the same sorted call: a reschedule's old session,
    # which the same transaction frees (and offers to its waitlist) after placing the new one.
    also_locks: tuple[int, ...] = ()
