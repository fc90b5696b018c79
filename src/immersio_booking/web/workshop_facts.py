"""What the booking page says of a workshop beside its calendar: who teaches, how long, what
it costs, how to join, how many seats a session has."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings.meeting_links import INTEGRATION_PREFIX, label_of
from immersio_booking.event_types import repository as event_types
from immersio_booking.event_types.public import is_public
from immersio_booking.models import EventType

# Locations whose place is given only to booked students (or asked of them): named by kind.
KINDS = {
    "address": "In person",
    "link": "Online (link sent after booking)",
    "phone": "By phone",
    "attendeeAddress": "In person, at your address",
    "attendeePhone": "By phone (we call you)",
    "attendeeDefined": "Where you tell us",
}


@dataclass(frozen=True)
class WorkshopFacts:
    teachers: list[str]
    how_to_join: str | None
    how_to_join_translatable: bool  # one of KINDS, which the page translates
    seats: int | None  # seats a session, when the workshop has seats


def _how_to_join(et: EventType, language: str) -> tuple[str | None, bool]:
    for raw in et.locations or []:
        location: dict[str, Any] = raw if isinstance(raw, dict) else {}
        kind = str(location.get("type") or "")
        if kind == "integration":
            return label_of(f"{INTEGRATION_PREFIX}{location.get('integration')}", language), False
        if kind == "address" and is_public(location) and location.get("address"):
            return str(location["address"]), False
        if kind in KINDS:
            return KINDS[kind], True
    return None, False


async def facts_of(
    session: AsyncSession, et: EventType, school: str, language: str
) -> WorkshopFacts:
    """``school`` (its name) stands for teachers who gave no name: a public page never shows
    a teacher's email address."""
    teachers = await event_types.teachers(session, et)
    names = [u.name for u in teachers if u.name] or ([school] if teachers else [])
    join, translatable = _how_to_join(et, language)
    return WorkshopFacts(names, join, translatable, et.seats_per_time_slot)
