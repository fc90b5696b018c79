"""A calendar that does not answer: the booking stands, the job is retried later."""

from __future__ import annotations

import socket

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from tests import dates
from tests.bookings.helpers import MONDAY, book, booking_state, teacher_hours, workshop
from tests.calendars_out.conftest import Dav
from tests.calendars_out.helpers import caldav_credential
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_calendar_that_is_down_leaves_the_booking_and_retries(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    down = f"http://127.0.0.1:{_closed_port()}/teacher/"
    await caldav_credential(sessionmaker, settings, tenant.id, tenant.owner_id, dav, url=down)
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    booking = data(await book(client, et["id"], dates.at(MONDAY, "16:00")), 201)
    await run_jobs(database_url, settings)

    assert (await booking_state(client, tenant, booking["uid"]))["status"] == "accepted"
    async with sessionmaker() as session:
        job = (
            await session.execute(
                text(
                    "SELECT status, attempts FROM procrastinate_jobs"
                    " WHERE task_name = 'write_session_event'"
                    " AND (args->>'event_type_id')::bigint = :et"
                ),
                {"et": et["id"]},
            )
        ).one()
    # failed once, waiting for its next attempt
    assert (job.status, job.attempts) == ("todo", 1)
