"""Bookings for the dashboard tests: a teacher's hours, a seated workshop and its seats, made
through the API (the same services the dashboard shows)."""

from __future__ import annotations

from typing import Any

import httpx

from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, student, teacher_hours, workshop
from tests.factories import Tenant, unique
from tests.helpers import data

START = dates.instant(MONDAY, "10:00")


async def seated_session(
    client: httpx.AsyncClient, tenant: Tenant, seats: int = 2, **attendee: Any
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A three-seat workshop of the school's owner and ``seats`` students in its Monday
    session: the workshop and the seats (bookings)."""
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(3), title=f"Conversation {unique('w')}")
    booked = [
        data(
            await book(
                client,
                et["id"],
                dates.at(MONDAY),
                attendee=student(f"{unique('s')}@example.com", **attendee),
            ),
            201,
        )
        for _ in range(seats)
    ]
    return et, booked
