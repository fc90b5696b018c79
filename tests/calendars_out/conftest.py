"""Real servers for the calendar tests: Radicale (CalDAV) with two accounts, and the fake
Google (``immersio_booking.fakes.google``) over HTTP.

Stand-in until helper "calin"'s Radicale fixture in tests/calendars/conftest.py is merged."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.fakes.google import serve_fake_google
from immersio_booking.fakes.immersio import BackgroundSimulator

ACCOUNTS = {"teacher": "teacher-secret", "other": "other-secret", "fresh": "fresh-secret"}
GOOGLE_CLIENT_ID = "immersio-test-client"
GOOGLE_CLIENT_SECRET = "immersio-test-secret"


@dataclass(frozen=True)
class Radicale:
    url: str

    def account_url(self, user: str) -> str:
        return f"{self.url}/{user}/"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def radicale(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Radicale]:
    """Radicale on a free loopback port; accounts from an htpasswd file (plain passwords)."""
    root = tmp_path_factory.mktemp("radicale")
    users = root / "users"
    users.write_text("".join(f"{name}:{password}\n" for name, password in ACCOUNTS.items()))
    port = _free_port()
    log = root / "radicale.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "radicale"),
                "--server-hosts",
                f"127.0.0.1:{port}",
                "--storage-filesystem-folder",
                str(root / "collections"),
                "--auth-type",
                "htpasswd",
                "--auth-htpasswd-filename",
                str(users),
                "--auth-htpasswd-encryption",
                "plain",
                "--rights-type",
                "owner_only",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(url, timeout=1)
            break
        except httpx.HTTPError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Radicale did not start: {log.read_text()[-2000:]}") from None
            time.sleep(0.1)
    yield Radicale(url)
    server.terminate()
    server.wait(10)


@pytest.fixture(scope="session")
def fake_google() -> Iterator[BackgroundSimulator]:
    simulator = serve_fake_google(client_id=GOOGLE_CLIENT_ID, client_secret=GOOGLE_CLIENT_SECRET)
    yield simulator
    simulator.stop()


@pytest.fixture(scope="session")
def google_settings(settings: Settings, fake_google: BackgroundSimulator) -> Settings:
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
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
