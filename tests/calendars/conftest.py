"""Fixtures of the calendar tests (reusable by tests/calendars_out/):

- ``radicale``: a real Radicale CalDAV server for the session (htpasswd plain accounts,
  ``radicale.account()`` hands each test a fresh one);
- ``feeds``: a local HTTP server publishing ICS feeds, any path of which can hang;
- ``silent``: a port that accepts connections and never answers;
- ``teacher``: the tenant's owner, who teaches (weekday hours 09:00-17:00 UTC);
- ``quick`` / ``patient``: the API with a 0.5 s live check (5 s reads), or a 20 s one (for
  tests where the live answer must arrive even on a loaded machine).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from tests import versions
from tests.bookings.helpers import teacher_hours
from tests.calendars.servers import FeedServer, Radicale, SilentServer, start_radicale
from tests.factories import Tenant


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    process, url = start_radicale(tmp_path_factory.mktemp("radicale"))
    yield Radicale(url)
    process.terminate()
    process.wait(10)


@pytest.fixture(scope="session")
def feeds() -> Iterator[FeedServer]:
    server = FeedServer()
    yield server
    server.close()


@pytest.fixture
def silent() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


@pytest.fixture
async def teacher(client: httpx.AsyncClient, tenant: Tenant) -> Tenant:
    await teacher_hours(client, tenant)
    return tenant


async def _client_with(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        yield client


@pytest.fixture
async def quick(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    fast = {"calendar_live_check_seconds": 0.5, "calendar_fetch_timeout_seconds": 5.0}
    async for client in _client_with(settings.model_copy(update=fast), engine):
        yield client


@pytest.fixture
async def patient(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    slow = {"calendar_live_check_seconds": 20.0}
    async for client in _client_with(settings.model_copy(update=slow), engine):
        yield client
