"""Twenty seats of one session booked at once: exactly one event in the teacher's calendar."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, student, workshop
from tests.calendars_out.conftest import Dav
from tests.calendars_out.helpers import (
    events_in,
    references_of,
    writing_to_new_calendar,
)
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs

pytestmark = pytest.mark.race


async def test_twenty_seats_booked_in_parallel_make_one_event(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    calendar = await writing_to_new_calendar(client, tenant, sessionmaker, settings, dav)
    et = await workshop(client, tenant, seats=seating(20))
    start = dates.at(MONDAY, "13:00")
    responses = await asyncio.gather(
        *(
            book(client, et["id"], start, attendee=student(f"seat{i}@example.com"))
            for i in range(20)
        )
    )
    booked = [data(r, 201) for r in responses]
    # the twenty jobs run on parallel connections (the worker runs two at a time)
    await run_jobs(database_url, settings)

    (event,) = await events_in(dav, calendar)
    assert "20 of 20 seats booked" in event.description
    references = await references_of(sessionmaker, [b["uid"] for b in booked])
    assert len(references) == 20
    assert {(r.uid, r.deleted) for r in references} == {(event.uid, False)}
