"""A calendar that does not answer: the booking waits at most the live-check time, falls back
to the cached busy times (and says so in the log), and the refresh keeps the old busy times
with the error recorded."""

from __future__ import annotations

import logging
import secrets

import httpx
import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import CalendarCacheState, Credential, SelectedCalendar
from tests.bookings.helpers import book, workshop
from tests.calendars.helpers import DAY, at, connect_caldav, free_starts, refresh
from tests.calendars.servers import FeedServer, Radicale, SilentServer
from tests.calendars.test_ics_feed import compact, feed, save
from tests.factories import Tenant
from tests.helpers import assert_error, data

FELL_BACK = "calendar_live_check_fell_back_to_cache"


async def test_hanging_feed_falls_back_to_the_cache(
    quick: httpx.AsyncClient,
    teacher: Tenant,
    feeds: FeedServer,
    caplog: pytest.LogCaptureFixture,
) -> None:
    et = await workshop(quick, teacher)
    path = f"/{secrets.token_hex(6)}.ics"
    url = feeds.publish(path, feed(f"DTSTART:{compact(DAY)}T100000Z\nDTEND:{compact(DAY)}T110000Z"))
    data(await save(quick, teacher, url), 201)
    await refresh(quick, teacher)
    feeds.hanging.add(path)
    caplog.set_level(logging.WARNING, logger="immersio_booking.calendars")
    data(await book(quick, et["id"], at(DAY, "14:00").isoformat()), 201)
    assert FELL_BACK in caplog.text
    # The cache still knows the teacher is busy at 10:00.
    assert_error(await book(quick, et["id"], at(DAY, "10:00").isoformat()), 409, "slot_unavailable")
    (done,) = await refresh(quick, teacher)
    assert done["error"] and done["busyTimes"] == 0
    assert "10:00" not in await free_starts(quick, et["id"], DAY)


async def test_silent_caldav_server_falls_back_and_the_refresh_keeps_old_busy_times(
    quick: httpx.AsyncClient,
    teacher: Tenant,
    radicale: Radicale,
    silent: SilentServer,
    sessionmaker: async_sessionmaker[AsyncSession],
    caplog: pytest.LogCaptureFixture,
) -> None:
    et = await workshop(quick, teacher)
    credential, username, (calendar,) = await connect_caldav(quick, teacher, radicale)
    radicale.add_event(username, calendar, at(DAY, "11:00"), at(DAY, "12:00"))
    await refresh(quick, teacher)
    async with sessionmaker() as session, session.begin():  # the server stops answering
        row = await session.get(Credential, credential["id"])
        assert row is not None
        row.key = {**row.key, "url": silent.url}
        await session.execute(
            update(SelectedCalendar)
            .where(SelectedCalendar.credential_id == credential["id"])
            .values(external_id=calendar.replace(radicale.url, silent.url))
        )
    caplog.set_level(logging.WARNING, logger="immersio_booking.calendars")
    data(await book(quick, et["id"], at(DAY, "09:00").isoformat()), 201)
    assert FELL_BACK in caplog.text
    (done,) = await refresh(quick, teacher)
    assert "did not answer" in done["error"]
    assert "11:00" not in await free_starts(quick, et["id"], DAY)
    async with sessionmaker() as session:
        state = await session.get(CalendarCacheState, credential["id"])
        assert state is not None and state.last_error == done["error"]
