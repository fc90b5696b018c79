"""Job workers as child processes: one beside ``serve``, or N under ``worker --processes N``;
started with their parent, restarted if they die, stopped (gracefully) with it.

The child runs in its own session, so a Ctrl-C in the terminal reaches only ``serve``, which
then stops the API first and the worker second, instead of both racing. The child watches its
parent (``--stop-with-parent``), so even a ``kill -9`` of ``serve`` leaves no worker behind.
A delivery or other job a dying worker had in hand rolls back with its transaction and is
done again (handlers are idempotent; a webhook keeps its ``webhook-id``).
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from types import FrameType

FIRST_RESTART_DELAY = 1.0
LONGEST_RESTART_DELAY = 30.0
# A worker that ran this long was healthy (``IMMERSIO_WORKER_HEALTHY_RUN_SECONDS``): the next
# restart starts again from the first delay, and its next crash is the first in a row again.
HEALTHY_RUN_SECONDS = 60.0
# ``worker --processes``: a child that dies this many times in a row without a healthy run
# means something is wrong that restarts will not mend; the supervisor stops and fails.
CRASHES_IN_A_ROW = 3
POOL_CHECK_SECONDS = 0.5


class WorkerProcess:
    def __init__(
        self,
        concurrency: int,
        env: dict[str, str],
        crashes_in_a_row: int | None = None,
        *,
        healthy_run_seconds: float = HEALTHY_RUN_SECONDS,
        number: int = 1,
    ) -> None:
        """``crashes_in_a_row``: give up (``gave_up``) when the child died that many times in a
        row, none of them after a healthy run (None: restart it forever, as ``serve`` does).
        ``number`` names the child in the log (``worker --processes N``: 1 to N)."""
        self._command = [
            sys.executable,
            "-m",
            "immersio_booking.cli",
            "worker",
            "--concurrency",
            str(concurrency),
            "--stop-with-parent",
        ]
        self._env = env
        self._crashes_in_a_row = crashes_in_a_row
        self._healthy_run_seconds = healthy_run_seconds
        self.number = number
        self.gave_up = False
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._keep_running, name="job-worker", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _spawn(self) -> subprocess.Popen[bytes] | None:
        with self._lock:  # never spawn after stop() has looked for a process to stop
            if self._stopping.is_set():
                return None
            self._process = subprocess.Popen(self._command, env=self._env, start_new_session=True)
            sys.stderr.write(
                f"job worker process {self._process.pid} started as worker {self.number}\n"
            )
            return self._process

    def _keep_running(self) -> None:
        delay = FIRST_RESTART_DELAY
        crashes = 0
        while True:
            started = time.monotonic()
            process = self._spawn()
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > self._healthy_run_seconds:
                delay, crashes = FIRST_RESTART_DELAY, 0
            crashes += 1
            if self._crashes_in_a_row is not None and crashes >= self._crashes_in_a_row:
                sys.stderr.write(
                    f"job worker {self.number} exited with code {code} {crashes} times in a row,"
                    f" never running {self._healthy_run_seconds:g} s; giving up\n"
                )
                self.gave_up = True
                return
            sys.stderr.write(
                f"job worker process {process.pid} exited with code {code};"
                f" restarting in {delay:.0f} s\n"
            )
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, LONGEST_RESTART_DELAY)

    def stop(self, timeout: float) -> None:
        """SIGTERM, then wait up to ``timeout`` for the jobs in hand to finish, then SIGKILL."""
        self.terminate()
        self.wait(timeout)

    def terminate(self) -> None:
        """Restart no more; ask the running child to finish the jobs in hand and stop."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)

    def wait(self, timeout: float) -> None:
        """Wait up to ``timeout`` for the child to stop after ``terminate``, then SIGKILL."""
        process = self._process
        if process is not None:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join(timeout=5)


def supervise(
    processes: int,
    concurrency: int,
    env: dict[str, str],
    stop_timeout: float,
    healthy_run_seconds: float = HEALTHY_RUN_SECONDS,
) -> int:
    """``worker --processes N``: run N worker children until SIGTERM or SIGINT (forwarded to
    them: they finish the jobs in hand), restarting any that dies. Returns the exit code: 0,
    or 1 when a child kept crashing (``CRASHES_IN_A_ROW`` without a run of
    ``healthy_run_seconds``; the others are then stopped too)."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        del signum, frame
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    pool = [
        WorkerProcess(
            concurrency,
            env,
            CRASHES_IN_A_ROW,
            healthy_run_seconds=healthy_run_seconds,
            number=number,
        )
        for number in range(1, processes + 1)
    ]
    try:
        for child in pool:
            child.start()
        while not stop.wait(POOL_CHECK_SECONDS):
            if any(child.gave_up for child in pool):
                break
    finally:
        for child in pool:
            child.terminate()
        for child in pool:
            child.wait(stop_timeout)
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 1 if any(child.gave_up for child in pool) else 0
