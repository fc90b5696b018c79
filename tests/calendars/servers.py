"""Real servers the calendar tests talk to: Radicale (CalDAV), a feed server (ICS over HTTP,
any path can be told to hang), and a port that accepts connections and never answers."""

from __future__ import annotations

import itertools
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import caldav
import httpx

USERS = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Radicale:
    """A Radicale server with accounts ``t00``..``t59`` (password ``pw-<name>``); each test
    takes a fresh account with ``account()``, so calendars never mix between tests."""

    url: str
    _names: Iterator[str] = field(default_factory=lambda: (f"t{i:02d}" for i in range(USERS)))

    def account(self) -> tuple[str, str]:
        name = next(self._names)
        return name, f"pw-{name}"

    def client(self, username: str) -> caldav.DAVClient:
        return caldav.DAVClient(url=self.url, username=username, password=f"pw-{username}")

    def make_calendar(self, username: str, name: str) -> str:
        principal = self.client(username).principal()  # type: ignore[no-untyped-call]
        calendar = principal.make_calendar(name=name)
        return str(calendar.url)

    def add_event(
        self, username: str, calendar_url: str, start: datetime, end: datetime, **extra: str
    ) -> None:
        lines = [f"{k.upper()}:{v}" for k, v in extra.items()]
        self.client(username).calendar(url=calendar_url).save_event(  # type: ignore[no-untyped-call]
            ical_event(start, end, *lines)
        )


_uids = itertools.count()


def ical_event(start: datetime, end: datetime, *lines: str) -> str:
    def stamp(moment: datetime) -> str:
        return moment.strftime("%Y%m%dT%H%M%SZ")

    return "\r\n".join(
        [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            "PRODID:-//immersio tests//EN",
            "BEGIN:VEVENT",
            f"UID:busy-{next(_uids)}-{stamp(start)}@tests",
            f"DTSTAMP:{stamp(start)}",
            f"DTSTART:{stamp(start)}",
            f"DTEND:{stamp(end)}",
            "SUMMARY:Busy elsewhere",
            *lines,
            "END:VEVENT",
            "END:VCALENDAR",
            "",
        ]
    )


def start_radicale(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    users = folder / "users"
    users.write_text("".join(f"t{i:02d}:pw-t{i:02d}\n" for i in range(USERS)))
    config = folder / "config"
    config.write_text(
        "\n".join(
            [
                "[server]",
                f"hosts = 127.0.0.1:{port}",
                "[auth]",
                "type = htpasswd",
                f"htpasswd_filename = {users}",
                "htpasswd_encryption = plain",
                "[storage]",
                f"filesystem_folder = {folder / 'collections'}",
                "[rights]",
                "type = owner_only",
                "[logging]",
                "level = warning",
                "",
            ]
        )
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=subprocess.DEVNULL,
        stderr=(folder / "radicale.log").open("wb"),
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(url, timeout=1)
            return process, url
        except httpx.HTTPError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.terminate()
                log = (folder / "radicale.log").read_text()[-2000:]
                raise RuntimeError(f"Radicale did not start: {log}") from None
            time.sleep(0.1)


class FeedServer:
    """Serves ``feeds[path]`` as text/calendar; a path in ``hanging`` never answers; any
    other path is 404."""

    def __init__(self) -> None:
        self.feeds: dict[str, str] = {}
        self.hanging: set[str] = set()
        self.release = threading.Event()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path in server.hanging:
                    server.release.wait(30)
                    return
                body = server.feeds.get(self.path)
                if body is None:
                    self.send_error(404)
                    return
                payload = body.encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/calendar")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: object) -> None:  # noqa: ARG002
                return

        self._http = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self._http.daemon_threads = True
        self.base = f"http://127.0.0.1:{self._http.server_port}"
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)
        self._thread.start()

    def publish(self, path: str, ics: str) -> str:
        self.feeds[path] = ics
        return self.base + path

    def close(self) -> None:
        self.release.set()
        self._http.shutdown()
        self._http.server_close()


class SilentServer:
    """Accepts TCP connections (the kernel's backlog) and never reads or answers."""

    def __init__(self) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(64)
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}/"

    def close(self) -> None:
        self._socket.close()
