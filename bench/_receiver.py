"""A webhook subscriber for the benchmarks: an ASGI app served by uvicorn in its own process
(HTTP/1.1 keep-alive, like real subscribers), so the receiving side neither shares the
benchmark's interpreter nor limits what is measured. ``GET /count`` tells how many POSTs
arrived and how many distinct ``webhook-id``s they carried."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import httpx

Message = MutableMapping[str, Any]
_posts = 0
_ids: set[str] = set()


async def app(
    scope: Message,
    receive: Callable[[], Awaitable[Message]],
    send: Callable[[Message], Awaitable[None]],
) -> None:
    global _posts
    if scope["type"] != "http":
        return
    more = True
    while more:
        more = bool((await receive()).get("more_body", False))
    body = b"ok"
    if scope["method"] == "GET":
        body = json.dumps({"posts": _posts, "ids": len(_ids)}).encode()
    else:
        _posts += 1
        _ids.add(dict(scope["headers"]).get(b"webhook-id", b"").decode())
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


@contextmanager
def receiving(port: int) -> Iterator[Callable[[], int]]:
    """Serve the receiver on ``port``; yields a function giving the distinct ids received."""
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "uvicorn", "_receiver:app", "--app-dir", "bench"),
            *("--port", str(port), "--log-level", "warning", "--no-access-log"),
        ]
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5)

    def received() -> int:
        return int(client.get("/count").json()["ids"])

    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                received()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield received
    finally:
        client.close()
        process.terminate()
        process.wait(10)
