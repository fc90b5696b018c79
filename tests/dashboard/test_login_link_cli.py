"""``immersio-booking admin login-link --email E``: the real command, in its own process, on
the test database; the address it prints signs that person in, once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx

from immersio_booking.auth import staff_sessions
from tests.dashboard.sign_in_helpers import visitor
from tests.dashboard.staff import csrf_of
from tests.factories import Tenant


def login_link(database_url: str, data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "IMMERSIO_DATA_DIR": str(data_dir),
        "IMMERSIO_PUBLIC_BASE_URL": "http://testserver",
    }
    return subprocess.run(
        [sys.executable, "-m", "immersio_booking.cli", "admin", "login-link", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


async def test_the_printed_link_signs_in_once(
    client: httpx.AsyncClient, database_url: str, data_dir: Path, tenant: Tenant
) -> None:
    done = login_link(database_url, data_dir, "--email", tenant.owner_email.upper(), "--json")
    assert done.returncode == 0, done.stderr
    url = json.loads(done.stdout)["url"]
    assert url.startswith("http://testserver/dashboard/sign-in/link?token=")
    path = url.removeprefix("http://testserver")
    async with visitor(client) as browser:
        opened = await browser.get(path)
        assert opened.status_code == 200
        token = path.split("token=")[1]
        signed = await browser.post(
            "/dashboard/sign-in/link", data={"csrf": csrf_of(opened.text), "token": token}
        )
        assert signed.status_code == 303
        assert signed.headers["location"] == "/dashboard"
        assert staff_sessions.COOKIE in signed.headers["set-cookie"]
        home = await browser.get("/dashboard")
        assert home.status_code == 200 and f"School {tenant.slug}" in home.text
    async with visitor(client) as again:
        assert (await again.get(path)).status_code == 400


async def test_an_unknown_email_is_an_error(database_url: str, data_dir: Path) -> None:
    done = login_link(database_url, data_dir, "--email", "nobody-at-all@example.com")
    assert done.returncode != 0
    assert "No user with email nobody-at-all@example.com" in done.stderr
