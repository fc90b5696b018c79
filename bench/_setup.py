"""Shared set-up of the benchmarks: a scratch database and a served app on a free port."""

from __future__ import annotations

import json
import os
import secrets
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import database  # noqa: E402
from tests.served import serving  # noqa: E402


@contextmanager
def scratch_database() -> Iterator[tuple[str, Path]]:
    """A migrated scratch database on DATABASE_URL's server, else on an embedded one."""
    from immersio_booking.db import embedded, migrate

    data_dir = Path(tempfile.mkdtemp(prefix="immersio-bench-"))
    url = database.create_scratch_database(database.server_url(data_dir), "bench")
    try:
        migrate.upgrade(url)
        yield url, data_dir
    finally:
        database.drop_database(url)
        if not os.environ.get("DATABASE_URL"):
            embedded.stop(data_dir)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(url: str, data_dir: Path, workers: int = 1) -> Iterator[str]:
    """The app on a free loopback port, on ``url``'s database. Load from one address would trip
    the rate limits of anonymous traffic: they are off, as for any load test."""
    env = {"DATABASE_URL": url, "IMMERSIO_DATA_DIR": str(data_dir)}
    with serving(workers, IMMERSIO_RATE_LIMITS_ENABLED="false", **env) as base:
        yield base


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def server_url() -> str:
    """DATABASE_URL's server, else the machine's PostgreSQL, in SQLAlchemy's psycopg spelling."""
    raw = os.environ.get("DATABASE_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    return raw.replace("postgresql://", "postgresql+psycopg://", 1)


def platform_admin(env: dict[str, str]) -> str:
    """A platform admin made by the CLI (``env`` names the database): its API key."""
    done = subprocess.run(
        [
            str(ROOT / ".venv/bin/immersio-booking"),
            "admin",
            "create-platform-admin",
            "--email",
            "bench@platform.example.com",
            "--json",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(done.stdout)["api_key"])


def enterprise_school(
    client: httpx.Client, platform_key: str, name: str, prefix: str
) -> tuple[dict[str, str], int, str]:
    """A school on the enterprise plan: its owner's headers, organization id and slug."""
    slug = f"{prefix}-{secrets.token_hex(3)}"
    school = client.post(
        "/v2/organizations",
        headers={"Authorization": f"Bearer {platform_key}"},
        json={
            "name": name,
            "slug": slug,
            "ownerEmail": f"owner@{slug}.example.com",
            "plan": "enterprise",
        },
    ).json()["data"]
    owner = {"Authorization": f"Bearer {school['apiKey']}"}
    return owner, int(school["organization"]["id"]), slug


def open_all_week(client: httpx.Client, headers: dict[str, str], name: str) -> None:
    """A default schedule open every day around the clock, in UTC."""
    every_day = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    client.post(
        "/v2/schedules",
        headers=headers,
        json={
            "name": name,
            "timeZone": "UTC",
            "isDefault": True,
            "availability": [{"days": every_day, "startTime": "00:00", "endTime": "24:00"}],
        },
    ).raise_for_status()


def seated_workshop(title: str, slug: str, seats: int) -> dict[str, Any]:
    """The body of a 30-minute seated workshop bookable at once."""
    return {
        "lengthInMinutes": 30,
        "title": title,
        "slug": slug,
        "minimumBookingNotice": 0,
        "seats": {
            "seatsPerTimeSlot": seats,
            "showAttendeeInfo": False,
            "showAvailabilityCount": True,
        },
    }
