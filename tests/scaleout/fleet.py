"""The service as it runs in production, on one machine: API processes sharing one port
(``serve --no-worker --reuse-port``) and separate job workers, each a process of its own that
the test may kill (SIGKILL) and start again."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psutil

from tests.served import free_port

START_SECONDS = 90  # importing the app on a loaded machine is slow


@dataclass
class Fleet:
    database_url: str
    logs: Path
    port: int = field(default_factory=free_port)
    apis: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    workers: dict[int, subprocess.Popen[bytes]] = field(default_factory=dict)
    _started: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "IMMERSIO_DATA_DIR": str(self.logs),
            "IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS": "true",
            "IMMERSIO_RATE_LIMITS_ENABLED": "false",
            "IMMERSIO_LOG_LEVEL": "WARNING",
        }

    def _spawn(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        self._started += 1
        with (self.logs / f"{name}-{self._started}.log").open("wb") as sink:
            return subprocess.Popen(
                [sys.executable, "-m", "immersio_booking.cli", *args],
                env=self._env(),
                stdout=sink,
                stderr=subprocess.STDOUT,
            )

    def start_api(self, n: int, reuse_port: bool = True) -> None:
        shared = ["--reuse-port"] if reuse_port else []
        self.apis[n] = self._spawn(
            f"api{n}", "serve", "--no-worker", *shared, "--port", str(self.port)
        )

    def stop_apis(self) -> None:
        """End the API processes (SIGTERM, as a deployment does); the workers go on."""
        for process in self.apis.values():
            process.terminate()
        for process in self.apis.values():
            process.wait(20)
        self.apis.clear()

    def start_worker(self, n: int) -> None:
        self.workers[n] = self._spawn(f"worker{n}", "worker", "--concurrency", "4")

    @staticmethod
    def kill(process: subprocess.Popen[bytes]) -> None:
        process.send_signal(signal.SIGKILL)
        process.wait(10)

    def _listening(self, process: subprocess.Popen[bytes]) -> bool:
        """The process holds its listening socket on the shared port: it has passed the start
        of ``serve`` that needs the database (the socket is made just before uvicorn runs)."""
        try:
            sockets = psutil.Process(process.pid).net_connections(kind="tcp")
        except psutil.NoSuchProcess:
            return False
        return any(s.status == psutil.CONN_LISTEN and s.laddr.port == self.port for s in sockets)

    async def until_serving(self) -> None:
        """Every API process listens on the port and the port answers: fresh connections (the
        kernel spreads them over the processes) all get their 200; no process has exited."""
        deadline = time.monotonic() + START_SECONDS
        answered = 0
        while answered < 20 or not all(self._listening(p) for p in self.apis.values()):
            dead = [p.args for p in (*self.apis.values(), *self.workers.values()) if p.poll()]
            assert not dead, f"exited: {dead}; logs in {self.logs}"
            assert time.monotonic() < deadline, f"the API did not start; logs in {self.logs}"
            try:
                async with httpx.AsyncClient(timeout=5) as probe:
                    ok = (await probe.get(f"{self.base}/healthz")).status_code == 200
                answered = answered + 1 if ok else 0
            except httpx.TransportError:
                answered = 0
                await asyncio.sleep(0.2)

    def stop(self) -> None:
        for process in (*self.apis.values(), *self.workers.values()):
            if process.poll() is None:
                process.terminate()
        for process in (*self.apis.values(), *self.workers.values()):
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {log.name}\n{log.read_text(errors='replace')[-1500:]}"
            for log in sorted(self.logs.glob("*.log"))
        )
