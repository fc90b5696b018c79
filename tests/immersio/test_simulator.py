"""The simulator as a command, and the client's pages, errors and retries against it."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from immersio_booking.immersio.client import (
    ImmersioClient,
    ImmersioForbidden,
    ImmersioNotFound,
    ImmersioUnauthorized,
    ImmersioUnavailable,
)
from immersio_booking.immersio.simulator import BackgroundSimulator, create_simulator, generate


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_command_serves_a_given_data_set_to_its_key_only(tmp_path: Path) -> None:
    dataset = generate(seed=3, courses=2, students=3)
    (tmp_path / "data.json").write_text(json.dumps(dataset))
    port = _free_port()
    command = [
        str(Path(sys.executable).parent / "immersio-booking"),
        "fake-immersio",
        f"--port={port}",
        "--api-key=k1",
        f"--data={tmp_path / 'data.json'}",
    ]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/v1/organizations/demo-org/courses"
        deadline = time.monotonic() + 30
        while True:
            try:
                answer = httpx.get(url, headers={"Authorization": "Bearer k1"}, timeout=1)
                break
            except httpx.HTTPError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        assert sorted(c["id"] for c in answer.json()["data"]) == ["crs_1", "crs_2"]
        assert httpx.get(url, headers={"Authorization": "Bearer k2"}).status_code == 401
    finally:
        server.terminate()
        server.wait(10)


@pytest.fixture
def big_course() -> BackgroundSimulator:
    server = BackgroundSimulator(create_simulator("k", "org", generate(courses=2, students=250)))
    return server.start()


async def test_the_client_follows_cursors_and_types_errors(big_course: BackgroundSimulator) -> None:
    try:
        async with ImmersioClient(big_course.url, "org", "k", allow_private=True) as api:
            students = await api.students("crs_1")
            assert len(students) == 250 and len({s.id for s in students}) == 250
            with pytest.raises(ImmersioNotFound):
                await api.students("crs_404")
            httpx.put(f"{big_course.url}/_control/faults", json={"serverErrorNext": 100})
            with pytest.raises(ImmersioUnavailable):
                await api.courses()
        async with ImmersioClient(big_course.url, "org", "wrong", allow_private=True) as api:
            with pytest.raises(ImmersioUnauthorized):
                await api.courses()
        async with ImmersioClient(big_course.url, "other", "k", allow_private=True) as api:
            with pytest.raises(ImmersioForbidden):
                await api.courses()
        calls = httpx.get(f"{big_course.url}/_control/stats").json()["calls"]
        assert calls["students"] == 3 + 1  # three pages, then the unknown course
    finally:
        big_course.stop()
