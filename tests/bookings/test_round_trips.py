"""What a seated booking asks the database while it holds the session's lock: only the
free-seat checks and the writes. The listeners' settings are read before the lock, and what
a seat costs does not grow with the seats already taken (statement counts, never timings).
The counts are exact: a statement more on the booking path fails here, and one less is a
change to pin (the booking rate of a session is one over the time its lock is held)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data

# Tables only the listeners read: their settings are read before the lock.
SETTINGS = ("webhooks", "workflows", "selected_calendars", "credentials", "teams")

# A seat joining a session whose Jitsi room exists, under the session's lock: the locks; the
# busy times; "already booked"; the plan's count; INSERT booking; INSERT attendee; the
# session's moves; the video session's try-lock; its seats lacking the room; the room's
# reference; INSERT of the seat's copy; the waitlist. (One INSERT … SELECT copying the room
# made it 9, but that statement cost more than the four it replaced: bench/bookings.py spread
# 48 → 37 bookings/s, the hot session unchanged; it was taken out again.)
SEAT_UNDER_THE_LOCK = 12
# A free booking of a workshop without seats, the whole request (no API key): the workshop,
# its hosts, their hours, their time off, the listeners' settings (one statement), the plan;
# then under the locks: the locks, the busy times, the plan's count, INSERT booking, INSERT
# attendee, the session's moves, the video try-lock, the session's seats and references,
# INSERT of the new room's reference.
FREE_BOOKING_REQUEST = 16


@contextmanager
def read(engine: AsyncEngine) -> Iterator[list[tuple[str, int]]]:
    """Each statement run on ``engine`` in the block, with the rows it returned or wrote."""
    seen: list[tuple[str, int]] = []

    def note(_conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        seen.append((statement, max(cursor.rowcount, 0)))

    event.listen(engine.sync_engine, "after_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "after_cursor_execute", note)


def under_the_lock(seen: list[tuple[str, int]]) -> list[tuple[str, int]]:
    first = next(i for i, (s, _) in enumerate(seen) if "pg_advisory_xact_lock" in s)
    return seen[first:]


async def test_a_seat_reads_no_settings_under_the_lock_and_costs_the_same_in_a_fuller_session(
    client: httpx.AsyncClient, tenant: Tenant, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, seats=seating(10))  # a Jitsi room per session
    start = dates.at(MONDAY, "10:00")
    data(await book(client, et["id"], start), 201)
    costs = []
    for _ in range(4):
        with read(engine) as seen:
            seat = data(await book(client, et["id"], start), 201)
        assert seat["meetingUrl"].startswith("https://")  # the session's room, in the answer
        locked = under_the_lock(seen)
        for statement, _ in locked:
            assert not any(f"FROM {table} " in statement for table in SETTINGS), statement
        costs.append((len(locked), sum(rows for _, rows in locked)))
    # The second seat and the fifth ask as much and read as many rows: nothing is read per
    # seat already taken.
    assert len(set(costs)) == 1, costs
    assert costs[0][0] == SEAT_UNDER_THE_LOCK, "\n".join(s for s, _ in locked)


async def test_a_free_booking_costs_a_fixed_number_of_statements_for_the_whole_request(
    client: httpx.AsyncClient, tenant: Tenant, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)  # no seats, free, a Jitsi room per booking
    data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    with read(engine) as seen:
        booking = data(await book(client, et["id"], dates.at(MONDAY, "12:00")), 201)
    assert booking["meetingUrl"].startswith("https://")
    assert len(seen) == FREE_BOOKING_REQUEST, "\n".join(s for s, _ in seen)
