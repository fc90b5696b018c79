"""Shared set-up of the benchmarks: a scratch database and a served app on a free port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import database  # noqa: E402


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
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "IMMERSIO_DATA_DIR": str(data_dir),
        "IMMERSIO_LOG_LEVEL": "WARNING",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "immersio_booking.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the server did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(10)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
