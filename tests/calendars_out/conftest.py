"""Real servers for the calendar tests: Radicale (CalDAV, the ``radicale`` fixture of
tests/calendars/conftest.py) with a few accounts per test, and the fake Google
(``immersio_booking.fakes.google``) over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.fakes.google import serve_fake_google
from immersio_booking.fakes.served import BackgroundServer
from tests import versions
from tests.calendars.conftest import radicale  # noqa: F401 (the one Radicale of the suite)
from tests.calendars.servers import Radicale

GOOGLE_CLIENT_ID = "immersio-test-client"
GOOGLE_CLIENT_SECRET = "immersio-test-secret"


@dataclass
class Dav:
    """This test's CalDAV accounts on the suite's Radicale, by role ("teacher", "other",
    "fresh"): each role gets a fresh account the first time it is named."""

    radicale: Radicale
    _names: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.radicale.url

    def username(self, role: str) -> str:
        if role not in self._names:
            self._names[role] = self.radicale.account()[0]
        return self._names[role]

    def password(self, role: str) -> str:
        return f"pw-{self.username(role)}"

    def account_url(self, role: str) -> str:
        return f"{self.url.rstrip('/')}/{self.username(role)}/"


@pytest.fixture
def dav(radicale: Radicale) -> Dav:  # noqa: F811
    return Dav(radicale)


@pytest.fixture(scope="session")
def fake_google() -> Iterator[BackgroundServer]:
    simulator = serve_fake_google(client_id=GOOGLE_CLIENT_ID, client_secret=GOOGLE_CLIENT_SECRET)
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def google_settings(settings: Settings, fake_google: BackgroundServer) -> Settings:
    """The tests' settings with Google's addresses at the fake."""
    return settings.model_copy(
        update={
            "google_client_id": GOOGLE_CLIENT_ID,
            "google_client_secret": GOOGLE_CLIENT_SECRET,
            "google_auth_url": f"{fake_google.url}/o/oauth2/v2/auth",
            "google_oauth_base": fake_google.url,
            "google_api_base": fake_google.url,
        }
    )


@pytest.fixture(scope="session")
async def google_client(
    google_settings: Settings, engine: AsyncEngine
) -> AsyncIterator[httpx.AsyncClient]:
    """The API of an app whose settings point at the fake Google."""
    app = create_app(google_settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        yield client
