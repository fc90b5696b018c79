"""Apple's iCloud is CalDAV at IMMERSIO_APPLE_CALDAV_URL (here: Radicale), and the periodic
task finds exactly the credentials whose cache has gone stale."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking import global_lookups
from immersio_booking.app import create_app
from immersio_booking.calendars import kinds
from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.models import CalendarCacheState
from tests import versions
from tests.bookings.helpers import workshop
from tests.calendars.helpers import DAY, at, connect_caldav, free_starts, refresh
from tests.calendars.servers import Radicale
from tests.factories import Tenant
from tests.helpers import assert_error, data


async def test_apple_connects_to_its_caldav_address(
    settings: Settings, engine: AsyncEngine, teacher: Tenant, radicale: Radicale
) -> None:
    apple = settings.model_copy(update={"apple_caldav_url": radicale.url})
    transport = httpx.ASGITransport(app=create_app(apple, engine=engine))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        username, password = radicale.account()
        calendar = radicale.make_calendar(username, "iCloud")
        radicale.add_event(username, calendar, at(DAY, "09:00"), at(DAY, "10:00"))
        refused = await client.post(
            "/v2/calendars/apple/credentials",
            headers=teacher.headers,
            json={"username": username, "password": "not-the-app-password"},
        )
        assert_error(refused, 400, "calendar_credentials_refused")
        credential = data(
            await client.post(
                "/v2/calendars/apple/credentials",
                headers=teacher.headers,
                json={"username": username, "password": password},
            ),
            201,
        )
        assert credential["type"] == "apple_calendar" and credential["appId"] == "apple-calendar"
        et = await workshop(client, teacher)
        await refresh(client, teacher)
        assert "09:00" not in await free_starts(client, et["id"], DAY)
        r = await client.post(
            "/v2/calendars/apple/disconnect", headers=teacher.headers, json={"id": credential["id"]}
        )
        assert data(r)["type"] == "apple_calendar"


async def test_periodic_refresh_picks_stale_and_never_read_credentials(
    client: httpx.AsyncClient,
    teacher: Tenant,
    radicale: Radicale,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    credential, _, _ = await connect_caldav(client, teacher, radicale)

    async def due() -> bool:
        async with sessionmaker() as session:
            found = await global_lookups.calendar_credentials_due(
                session, kinds.registered(), clock.now() - timedelta(minutes=5)
            )
        return (teacher.id, credential["id"]) in found

    assert await due()  # never read
    await refresh(client, teacher)
    assert not await due()  # just read
    async with sessionmaker() as session, session.begin():
        state = await session.get(CalendarCacheState, credential["id"])
        assert state is not None
        state.refreshed_at = clock.now() - timedelta(minutes=6)
    assert await due()  # stale
