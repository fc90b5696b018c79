"""How many statements one ``GET /v2/slots`` costs: the reads are batched on purpose (the
workshop, its hosts, their absences, their schedules with rules, all their busy time), and a
change that reads per host or per kind of busy time again should fail here, not in a benchmark.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from tests.bookings.helpers import seating
from tests.factories import Tenant
from tests.slots.test_slots_api import MONDAY, add_booking, setup_workshop, slots

# event type, hosts, out-of-office entries, schedules with their rules, busy time (UNION ALL)
READS_PER_REQUEST = 5


@contextmanager
def statements(engine: AsyncEngine) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        seen.append(str(args[2]))

    event.listen(engine.sync_engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", count)


async def test_one_request_reads_in_a_fixed_number_of_statements(
    client: httpx.AsyncClient,
    tenant: Tenant,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await setup_workshop(client, tenant)
    await add_booking(sessionmaker, tenant, f"{MONDAY}T09:00:00+01:00", 60, et["id"])
    await add_booking(
        sessionmaker,
        tenant,
        f"{MONDAY}T11:00:00+01:00",
        60,
        None,
        user_id=tenant.owner_id,
        attendee_email="someone@example.com",
    )
    with statements(engine) as seen:
        found = await slots(client, eventTypeId=et["id"])
    assert found, "the week has free slots"
    assert len(seen) == READS_PER_REQUEST, seen


# includeFull=true (ours): the full sessions (seats booked, seats held) and the lines' counts,
# one statement each for the whole window, never one per session.
FULL_SESSION_READS = 3


async def test_full_sessions_cost_three_statements_and_only_when_asked(
    client: httpx.AsyncClient,
    tenant: Tenant,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await setup_workshop(client, tenant, seats=seating(1))
    for hour in ("09", "10", "11"):
        await add_booking(sessionmaker, tenant, f"{MONDAY}T{hour}:00:00+01:00", 60, et["id"])
    with statements(engine) as seen:
        free = await slots(client, eventTypeId=et["id"])
    assert len(seen) == READS_PER_REQUEST, seen
    with statements(engine) as seen:
        listed = await slots(client, eventTypeId=et["id"], includeFull="true")
    assert len(seen) == READS_PER_REQUEST + FULL_SESSION_READS, seen
    assert [s for s in listed[str(MONDAY)] if s["full"]] and str(MONDAY) not in free
