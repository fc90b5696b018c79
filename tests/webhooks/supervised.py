"""Watching a `worker --processes N` supervisor the tests start: its stderr (its children's
too), collected as it comes."""

from __future__ import annotations

import asyncio
import re
import subprocess
import threading
import time
from collections.abc import Callable

STARTED = re.compile(r"job worker process (\d+) started as worker (\d+)")
JOB_LINE = re.compile(r"\[(\d+)\] .*deliver_webhook")
GAVE_UP = re.compile(r"job worker (\d+) exited with code (-?\d+) (\d+) times in a row")


class Lines:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.all: list[str] = []
        assert process.stderr is not None
        stream = process.stderr
        self._thread = threading.Thread(target=lambda: self.all.extend(stream), daemon=True)
        self._thread.start()

    def started(self, worker: int | None = None) -> list[int]:
        """The pids of the children started (as ``worker``, 1 to N), in order."""
        return [
            int(m[1])
            for line in list(self.all)
            if (m := STARTED.search(line)) and worker in (None, int(m[2]))
        ]

    def job_pids(self) -> set[int]:
        return {int(m[1]) for line in list(self.all) if (m := JOB_LINE.search(line))}

    def gave_up(self) -> list[int]:
        """The workers (1 to N) the supervisor gave up on."""
        return [int(m[1]) for line in list(self.all) if (m := GAVE_UP.search(line))]

    def finish(self) -> None:
        """Every line, once the supervisor (and every child, sharing its stderr) has ended."""
        self._thread.join(30)


async def until(condition: Callable[[], bool], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
