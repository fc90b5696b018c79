"""CalDAV against a real Radicale: connecting (credentials tried first, sealed at rest),
busy events taking slots away after a refresh, the live re-check at booking, busy-times."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.models import CalendarBusyTime, CalendarCacheState, Credential
from tests.bookings.helpers import book, seating, workshop
from tests.calendars.helpers import DAY, at, connect_caldav, free_starts, refresh
from tests.calendars.servers import Radicale
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs


async def test_wrong_password_is_refused_and_nothing_is_saved(
    client: httpx.AsyncClient,
    teacher: Tenant,
    radicale: Radicale,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    username, _ = radicale.account()
    r = await client.post(
        "/v2/calendars/caldav/credentials",
        headers=teacher.headers,
        json={"url": radicale.url, "username": username, "password": "wrong"},
    )
    assert_error(r, 400, "calendar_credentials_refused")
    async with sessionmaker() as session:
        saved = await session.scalars(
            select(Credential).where(Credential.organization_id == teacher.id)
        )
        assert [c for c in saved if c.type == "caldav_calendar"] == []


async def test_connect_lists_and_selects_calendars_with_the_password_sealed(
    client: httpx.AsyncClient,
    teacher: Tenant,
    radicale: Radicale,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    credential, username, urls = await connect_caldav(client, teacher, radicale, calendars=2)
    assert credential["type"] == "caldav_calendar" and credential["userId"] == teacher.owner_id
    assert "password" not in json.dumps(credential)
    listed = data(await client.get("/v2/calendars", headers=teacher.headers))
    (connected,) = listed["connectedCalendars"]
    assert connected["credentialId"] == credential["id"]
    assert sorted(c["externalId"] for c in connected["calendars"]) == sorted(urls)
    assert all(c["isSelected"] for c in connected["calendars"])
    assert f"pw-{username}" not in json.dumps(listed)
    async with sessionmaker() as session:
        row = await session.get(Credential, credential["id"])
        assert row is not None
        assert f"pw-{username}" not in json.dumps(row.key)
        assert row.key["username"] == username


async def test_busy_event_takes_slots_away_after_refresh_and_selection_decides(
    client: httpx.AsyncClient, teacher: Tenant, radicale: Radicale
) -> None:
    et = await workshop(client, teacher)
    credential, username, (calendar,) = await connect_caldav(client, teacher, radicale)
    radicale.add_event(username, calendar, at(DAY, "10:00"), at(DAY, "11:30"))
    assert {"10:00", "11:00"} <= await free_starts(client, et["id"], DAY)
    (done,) = await refresh(client, teacher)
    assert done == {"credentialId": credential["id"], "busyTimes": 1, "error": None}
    free = await free_starts(client, et["id"], DAY)
    assert "10:00" not in free and "11:00" not in free
    assert {"09:00", "12:00"} <= free
    # Unselected: its busy times no longer count.
    r = await client.delete(
        "/v2/selected-calendars",
        headers=teacher.headers,
        params={
            "integration": "caldav_calendar",
            "externalId": calendar,
            "credentialId": credential["id"],
        },
    )
    assert data(r)["externalId"] == calendar
    assert {"10:00", "11:00"} <= await free_starts(client, et["id"], DAY)
    selected = await client.post(
        "/v2/selected-calendars",
        headers=teacher.headers,
        json={
            "integration": "caldav_calendar",
            "externalId": calendar,
            "credentialId": credential["id"],
        },
    )
    assert data(selected)["credentialId"] == credential["id"]
    await refresh(client, teacher)
    assert "10:00" not in await free_starts(client, et["id"], DAY)


async def test_connecting_queues_a_refresh_that_the_worker_runs(
    client: httpx.AsyncClient,
    teacher: Tenant,
    radicale: Radicale,
    database_url: str,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await workshop(client, teacher)
    username, password = radicale.account()
    calendar = radicale.make_calendar(username, "Work")
    radicale.add_event(username, calendar, at(DAY, "13:00"), at(DAY, "14:00"))
    credential = data(
        await client.post(
            "/v2/calendars/caldav/credentials",
            headers=teacher.headers,
            json={"url": radicale.url, "username": username, "password": password},
        ),
        201,
    )
    await run_jobs(database_url, settings)
    assert "13:00" not in await free_starts(client, et["id"], DAY)
    async with sessionmaker() as session:
        state = await session.get(CalendarCacheState, credential["id"])
        assert state is not None and state.refreshed_at is not None and state.last_error is None


async def test_booking_rechecks_the_live_calendar(
    patient: httpx.AsyncClient,
    teacher: Tenant,
    radicale: Radicale,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """An event added after the last refresh: slots still offer the time (cache), the booking
    asks the calendar itself and is refused like any taken slot."""
    et = await workshop(patient, teacher)
    _, username, (calendar,) = await connect_caldav(patient, teacher, radicale)
    await refresh(patient, teacher)
    radicale.add_event(username, calendar, at(DAY, "15:00"), at(DAY, "15:30"))
    assert "15:00" in await free_starts(patient, et["id"], DAY)
    assert_error(
        await book(patient, et["id"], at(DAY, "15:00").isoformat()), 409, "slot_unavailable"
    )
    data(await book(patient, et["id"], at(DAY, "16:00").isoformat()), 201)
    async with sessionmaker() as session:
        cached = await session.scalars(
            select(CalendarBusyTime).where(CalendarBusyTime.organization_id == teacher.id)
        )
        assert list(cached) == []  # the refusal came from the live read, not the cache


async def test_busy_times_reads_the_calendar_live(
    client: httpx.AsyncClient, teacher: Tenant, radicale: Radicale
) -> None:
    credential, username, (calendar,) = await connect_caldav(client, teacher, radicale)
    radicale.add_event(username, calendar, at(DAY, "09:00"), at(DAY, "09:45"))
    r = await client.get(
        "/v2/calendars/busy-times",
        headers=teacher.headers,
        params={
            "loggedInUsersTz": "Europe/Paris",
            "dateFrom": DAY.isoformat(),
            "dateTo": DAY.isoformat(),
            "calendarsToLoad[0][credentialId]": credential["id"],
            "calendarsToLoad[0][externalId]": calendar,
        },
    )
    (busy,) = data(r)
    assert busy["start"].startswith(f"{DAY.isoformat()}T09:00:00")
    assert busy["end"].startswith(f"{DAY.isoformat()}T09:45:00")
    assert busy["source"] == "caldav_calendar"


async def test_disconnect_removes_credential_and_its_busy_times(
    client: httpx.AsyncClient, teacher: Tenant, radicale: Radicale
) -> None:
    et = await workshop(client, teacher)
    credential, username, (calendar,) = await connect_caldav(client, teacher, radicale)
    radicale.add_event(username, calendar, at(DAY, "10:00"), at(DAY, "11:00"))
    await refresh(client, teacher)
    assert "10:00" not in await free_starts(client, et["id"], DAY)
    r = await client.post(
        "/v2/calendars/caldav/disconnect", headers=teacher.headers, json={"id": credential["id"]}
    )
    assert data(r)["id"] == credential["id"]
    assert "10:00" in await free_starts(client, et["id"], DAY)
    assert data(await client.get("/v2/calendars", headers=teacher.headers)) == {
        "connectedCalendars": [],
        "destinationCalendar": None,
    }


async def test_a_seated_sessions_own_event_does_not_close_its_other_seats(
    patient: httpx.AsyncClient, teacher: Tenant, radicale: Radicale
) -> None:
    """The session's event in the teacher's calendar (written there for its first seat) has
    the session's exact times: it must not block the next seats. A private event with the
    same times as a session nobody booked still blocks."""
    et = await workshop(patient, teacher, seats=seating(3))
    data(await book(patient, et["id"], at(DAY, "10:00").isoformat()), 201)
    _, username, (calendar,) = await connect_caldav(patient, teacher, radicale)
    radicale.add_event(username, calendar, at(DAY, "10:00"), at(DAY, "11:00"))
    radicale.add_event(username, calendar, at(DAY, "13:00"), at(DAY, "14:00"))
    await refresh(patient, teacher)
    free = await free_starts(patient, et["id"], DAY)
    assert "10:00" in free and "13:00" not in free
    data(await book(patient, et["id"], at(DAY, "10:00").isoformat()), 201)
    radicale.add_event(username, calendar, at(DAY, "15:00"), at(DAY, "16:00"))
    assert_error(
        await book(patient, et["id"], at(DAY, "15:00").isoformat()), 409, "slot_unavailable"
    )
