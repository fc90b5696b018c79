"""A session whose join link is still being made (a Zoom meeting: the ``video_meetings`` job
makes it): its event is written now, without a raw ``integrations:…`` location, and looked at
again until the link is there (a bounded number of times)."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.models import BookingReference
from tests import dates
from tests.bookings.helpers import MONDAY, book, workshop
from tests.calendars_out.conftest import Dav
from tests.calendars_out.helpers import (
    events_in,
    references_of,
    writing_to_new_calendar,
)
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs

LOOK_AGAIN = (
    "SELECT id, (args->>'link_wait')::int AS link_wait, scheduled_at > now() AS later"
    " FROM procrastinate_jobs WHERE task_name = 'write_session_event' AND status = 'todo'"
    " AND (args->>'event_type_id')::bigint = :et"
)


MEETING_JOBS = (
    "DELETE FROM procrastinate_jobs WHERE task_name = 'video_meetings' AND status = 'todo'"
    " AND (args->>'organization_id')::bigint = :organization_id"
)


async def test_the_event_is_written_now_and_updated_when_the_link_appears(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    dav: Dav,
) -> None:
    calendar = await writing_to_new_calendar(client, tenant, sessionmaker, settings, dav)
    et = await workshop(client, tenant, locations=[{"type": "integration", "integration": "zoom"}])
    booking = data(await book(client, et["id"], dates.at(MONDAY, "14:00")), 201)
    async with sessionmaker() as session, session.begin():
        # the video job is still making the meeting (the test makes its link below)
        made = await session.execute(text(MEETING_JOBS), {"organization_id": tenant.id})
        assert made.rowcount == 1
    await run_jobs(database_url, settings)

    (event,) = await events_in(dav, calendar)
    assert event.location is None and "integrations:" not in event.description
    async with sessionmaker() as session:
        (waiting,) = (await session.execute(text(LOOK_AGAIN), {"et": et["id"]})).all()
    assert (waiting.link_wait, waiting.later) == (1, True)

    (reference,) = await references_of(sessionmaker, [booking["uid"]])
    link = "https://zoom.example/j/42"
    async with sessionmaker() as session, session.begin():
        session.add(
            BookingReference(
                organization_id=tenant.id,
                booking_id=reference.booking_id,
                type="zoom_video",
                uid="immersio-later-42",
                meeting_url=link,
            )
        )
        await session.execute(  # its time has come
            text("UPDATE procrastinate_jobs SET scheduled_at = now() WHERE id = :id"),
            {"id": waiting.id},
        )
    await run_jobs(database_url, settings)
    (updated,) = await events_in(dav, calendar)
    assert updated.uid == event.uid and updated.location == link
    async with sessionmaker() as session:  # the link is there: nobody looks again
        assert (await session.execute(text(LOOK_AGAIN), {"et": et["id"]})).all() == []
