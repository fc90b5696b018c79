"""The Immersio simulator as a command (``immersio-booking fake-immersio``)."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from immersio_booking.fakes.immersio import generate


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
