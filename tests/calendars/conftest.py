"""Fixtures of the calendar tests (reusable by tests/calendars_out/):

- ``radicale``: a real Radicale CalDAV server for the session (htpasswd plain accounts,
  ``radicale.account()`` hands each test a fresh one);
- ``feeds``: a local HTTP server publishing ICS feeds, any path of which can hang;
- ``silent``: a port that accepts connections and never answers;
- ``teacher``: the tenant's owner, who teaches (weekday hours 09:00-17:00 UTC).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

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


