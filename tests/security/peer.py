"""A real HTTP peer on a loopback port for tests of outgoing requests: it answers, sends a
body of any size, trickles bytes, or never answers at all."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

CHUNK = b"x" * 65536


@dataclass
class Peer:
    base: str
    port: int
    paths: list[str] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)


@contextmanager
def peer() -> Iterator[Peer]:
    """``/ok`` answers 200; ``/huge`` (Content-Length) and ``/huge-chunked`` (no length)
    send up to 200 MB; ``/trickle`` sends a byte every 0.1 s; ``/silent`` never answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    state = Peer(base=f"http://127.0.0.1:{port}", port=port)
    stop = threading.Event()
    total = 200 * 1024 * 1024

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            state.paths.append(self.path)
            if self.path == "/silent":
                stop.wait(30)
                return
            self.send_response(200)
            if self.path == "/ok":
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")
                return
            if self.path == "/huge":
                self.send_header("Content-Length", str(total))
            else:
                self.send_header("Connection", "close")
            self.end_headers()
            sent = 0
            try:
                while sent < total and not stop.is_set():
                    if self.path == "/trickle":
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        sent += 1
                        time.sleep(0.1)
                        continue
                    self.wfile.write(CHUNK)
                    sent += len(CHUNK)
            except OSError:  # the client hung up: what we want
                pass
            state.sent[self.path] = sent

        def log_message(self, *args: object) -> None:
            del args

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
