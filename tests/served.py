"""The service on a real loopback port (a uvicorn process), for peers that call it over HTTP."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import uvicorn
from fastapi import FastAPI


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def in_thread(app: FastAPI, port: int) -> Iterator[str]:
    """``app`` on a loopback port, served by uvicorn in a thread with its own loop (so a test may
    call it with blocking clients); yields its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the live server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def serving(workers: int = 1, **env: str) -> Iterator[str]:
    """Run the app (``workers`` processes) with the given environment (settings); yields its
    base URL."""
    port = free_port()
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "immersio_booking.app:create_app", "--factory"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
            *("--log-level", "warning", "--no-access-log"),
            # As `immersio-booking serve`: the app alone decides whom X-Forwarded-For is
            # believed from (IMMERSIO_TRUSTED_PROXIES), not uvicorn.
            "--no-proxy-headers",
        ],
        env={**os.environ, "IMMERSIO_LOG_LEVEL": "WARNING", **env},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # Generous: on a loaded machine (two full suites on two cores) importing the app in
        # each worker process alone can take longer than half a minute.
        deadline = time.monotonic() + 90
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the service did not start (exit code {process.poll()})")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(10)
