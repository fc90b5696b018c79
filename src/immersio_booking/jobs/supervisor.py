"""The job worker as a child process of ``serve``: started with it, restarted if it dies,
stopped (gracefully) with it.

The child runs in its own session, so a Ctrl-C in the terminal reaches only ``serve``, which
then stops the API first and the worker second, instead of both racing. The child watches its
parent (``--stop-with-parent``), so even a ``kill -9`` of ``serve`` leaves no worker behind.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time

FIRST_RESTART_DELAY = 1.0
LONGEST_RESTART_DELAY = 30.0
# A worker that ran this long was healthy: the next restart starts again from the first delay.
HEALTHY_RUN_SECONDS = 60.0


class WorkerProcess:
    def __init__(self, concurrency: int, env: dict[str, str]) -> None:
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
            return self._process

    def _keep_running(self) -> None:
        delay = FIRST_RESTART_DELAY
        while True:
            started = time.monotonic()
            process = self._spawn()
            if process is None:
                return
            code = process.wait()
            if self._stopping.is_set():
                return
            if time.monotonic() - started > HEALTHY_RUN_SECONDS:
                delay = FIRST_RESTART_DELAY
            sys.stderr.write(f"job worker exited with code {code}; restarting in {delay:.0f} s\n")
            if self._stopping.wait(delay):
                return
            delay = min(delay * 2, LONGEST_RESTART_DELAY)

    def stop(self, timeout: float) -> None:
        """SIGTERM, then wait up to ``timeout`` for the jobs in hand to finish, then SIGKILL."""
        with self._lock:
            self._stopping.set()
            process = self._process
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._thread.join(timeout=5)
