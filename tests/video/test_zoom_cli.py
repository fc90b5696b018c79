"""The Zoom simulator as ``immersio-booking fake-zoom`` (a real process), and ``admin
rotate-keys`` re-encrypting a school's Zoom secret."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Credential
from immersio_booking.video import zoom_client
from immersio_booking.video.zoom_client import ZoomApp, ZoomClient
from tests import dates
from tests.bookings.helpers import MONDAY
from tests.helpers import data
from tests.security.test_secrets import Scratch, cli
from tests.security.test_secrets import scratch as scratch
from tests.security.test_secrets import scratch_url as scratch_url
from tests.video.helpers import CLIENT_SECRET, FakeZoom, connect_zoom


@pytest.fixture
def zoom_process() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "immersio_booking.cli", "fake-zoom", "--port", str(port)),
            *("--account-id", "A1", "--client-id", "C1", "--client-secret", "S1"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/_meetings", timeout=1)
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("fake-zoom did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)


async def test_the_fake_zoom_command_serves_tokens_and_meetings(
    zoom_process: str, settings: Settings
) -> None:
    own = settings.model_copy(
        update={"zoom_api_base": zoom_process, "zoom_oauth_base": zoom_process}
    )
    zoom_client.forget_tokens()
    client = ZoomClient(own, ZoomApp("A1", "C1", "S1"))
    made = await client.call(
        "POST",
        "/v2/users/me/meetings",
        {"topic": "Français B1", "start_time": dates.at(MONDAY, "10:00")},
    )
    assert made.status_code == 201
    listed = httpx.get(f"{zoom_process}/_meetings").json()
    assert [m["id"] for m in listed] == [made.json()["id"]]
    assert (await client.call("DELETE", f"/v2/meetings/{made.json()['id']}")).status_code == 204
    assert httpx.get(f"{zoom_process}/_meetings").json() == []
    refused = httpx.post(
        f"{zoom_process}/oauth/token",
        params={"grant_type": "account_credentials", "account_id": "A1"},
        auth=("C1", "wrong"),
    )
    assert refused.status_code == 400
    anonymous = httpx.post(f"{zoom_process}/v2/users/me/meetings", json={"topic": "x"})
    assert anonymous.status_code == 401


async def test_rotate_keys_reencrypts_the_zoom_secret(
    scratch: Scratch, fake_zoom: FakeZoom, data_dir: Path
) -> None:
    own = scratch.settings.model_copy(update=fake_zoom.settings)
    app = create_app(own, engine=scratch.sessionmaker.kw["bind"])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        data(await connect_zoom(client, scratch.tenant))
    old = scratch.settings.encryption_keys or ""
    new = Fernet.generate_key().decode()
    done = await asyncio.to_thread(
        cli, scratch, data_dir, "admin", "rotate-keys", "--json", keys=f"{new},{old}"
    )
    assert done.exit_code == 0, done.output
    async with scratch.sessionmaker() as session:
        credential = (
            await session.execute(select(Credential).where(Credential.type == "zoom_video"))
        ).scalar_one()
    assert SecretBox([new]).open(credential.key["client_secret"]) == CLIENT_SECRET
