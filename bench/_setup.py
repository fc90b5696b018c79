"""Shared set-up of the benchmarks: a scratch database and a served app on a free port."""

from __future__ import annotations

import os
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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
