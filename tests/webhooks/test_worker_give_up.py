"""`worker --processes N` gives up (exit 1) on a child that died 3 times in a row without a
healthy run, and saying so; a child that ran healthy longer than the window starts the count
again. The window (``IMMERSIO_WORKER_HEALTHY_RUN_SECONDS``) and a child's wait for its
database at start-up (``IMMERSIO_WORKER_START_TIMEOUT_SECONDS``) are shortened so that this
takes seconds, not minutes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.webhooks.queued import worker_env
from tests.webhooks.supervised import Lines, until

SUPERVISOR = [sys.executable, "-m", "immersio_booking.cli", "worker", "--processes", "2"]


def supervisor(env: dict[str, str]) -> tuple[subprocess.Popen[str], Lines]:
    process = subprocess.Popen(
        [*SUPERVISOR, "--concurrency", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return process, Lines(process)


def closed_port() -> int:
    """A local port nothing listens on (bound, then let go)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def all_gone(pids: list[int]) -> None:
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


async def test_children_that_die_at_start_end_the_supervisor_after_3_starts(
    data_dir: Path,
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{closed_port()}/nowhere",
        "IMMERSIO_DATA_DIR": str(data_dir),
        "IMMERSIO_WORKER_START_TIMEOUT_SECONDS": "0.5",
    }
    process, lines = supervisor(env)
    try:
        code = process.wait(180)
    finally:
        process.kill()
    lines.finish()
    assert code == 1, lines.all[-20:]
    [worker, *_] = lines.gave_up()
    assert len(lines.started(worker)) == 3, lines.all
    assert all(len(lines.started(n)) <= 3 for n in (1, 2)), lines.all
    said = [line for line in lines.all if f"job worker {worker} exited" in line]
    assert said == [
        f"job worker {worker} exited with code 1 3 times in a row, never running 60 s; giving up\n"
    ]
    assert any("cannot reach the database" in line for line in lines.all)
    all_gone(lines.started())


async def test_a_healthy_run_starts_the_count_of_crashes_again(
    database_url: str, data_dir: Path
) -> None:
    window = 3.0
    env = {
        **worker_env(database_url, data_dir, "INFO"),
        "IMMERSIO_WORKER_HEALTHY_RUN_SECONDS": str(window),
    }
    process, lines = supervisor(env)

    async def kill_next_start(n: int, after: float = 0.0) -> None:
        """Kill worker 1's ``n``th process (``after`` seconds of work; else at once)."""
        await until(lambda: len(lines.started(1)) >= n, 60)
        pid = lines.started(1)[n - 1]
        if after:
            began = time.monotonic()
            await until(lambda: any(f"[{pid}]" in line for line in list(lines.all)), 60)
            assert any(f"[{pid}]" in line for line in lines.all), "the worker works"
            await until(lambda: time.monotonic() - began > after, after + 1)
        os.kill(pid, signal.SIGKILL)

    try:
        await kill_next_start(1)
        await kill_next_start(2)
        await kill_next_start(3, after=window + 1)  # healthy: not the third crash in a row
        await kill_next_start(4)
        await kill_next_start(5)
        code = process.wait(60)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(60)
    lines.finish()
    assert code == 1, lines.all[-20:]
    assert len(lines.started(1)) == 5, lines.all  # without the reset it gave up after 3
    assert lines.gave_up() == [1]
    assert f"never running {window:g} s; giving up" in "".join(lines.all)
    assert len(lines.started(2)) == 1  # the healthy one ran on, and was stopped with it
    all_gone(lines.started())
