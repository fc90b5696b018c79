"""Request bodies are bounded: a declared length over the limit is refused before a byte is
read, an undeclared (chunked) body is cut off at the limit, uploads have their own limit
(issue 12, item 5)."""

from __future__ import annotations

import json
import select
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from tests.bookings.helpers import workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.served import serving

LIMIT = 8 * 1024
UPLOAD_LIMIT = 64 * 1024
CHUNK = 4 * 1024


@pytest.fixture
async def small(settings: Settings, engine: AsyncEngine) -> AsyncIterator[FastAPI]:
    yield create_app(
        Settings(
            **{
                **settings.model_dump(),
                "max_request_body_bytes": LIMIT,
                "max_upload_bytes": UPLOAD_LIMIT,
            }
        ),
        engine=engine,
    )


async def _call(
    app: FastAPI, path: str, headers: dict[str, str], chunks: int
) -> tuple[int, dict[str, Any], int]:
    """The app at ASGI level with a body of ``chunks`` chunks; returns the status, the JSON
    answer and how many body bytes the app pulled."""
    pulled = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= chunks * CHUNK:
            return {"type": "http.disconnect"}
        pulled += CHUNK
        return {"type": "http.request", "body": b"x" * CHUNK, "more_body": pulled < chunks * CHUNK}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "state": {},
    }
    await app(scope, receive, send)  # type: ignore[arg-type]
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


def _too_large(status: int, body: dict[str, Any], limit: int) -> None:
    assert status == 413, body
    assert body["status"] == "error"
    assert body["error"]["code"] == "PayloadTooLargeException"
    assert body["error"]["details"]["reason"] == "request_too_large"
    assert str(limit) in body["error"]["message"]


async def test_a_declared_length_over_the_limit_is_refused_before_reading(
    small: FastAPI,
) -> None:
    status, body, pulled = await _call(
        small,
        "/v2/bookings",
        {"content-type": "application/json", "content-length": str(10 * 1024 * 1024)},
        chunks=2560,
    )
    _too_large(status, body, LIMIT)
    assert body["error"]["details"]["maxBytes"] == LIMIT
    assert pulled == 0


async def test_a_chunked_body_is_cut_off_at_the_limit(small: FastAPI) -> None:
    # No Content-Length: the body streams in; 10 MB are offered.
    status, body, pulled = await _call(
        small, "/v2/bookings", {"content-type": "application/json"}, chunks=2560
    )
    _too_large(status, body, LIMIT)
    assert pulled <= LIMIT + CHUNK


async def test_a_body_under_the_limit_goes_through(small: FastAPI) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=small), base_url="http://t"
    ) as api:
        r = await api.post("/v2/bookings", json={"start": "x" * (LIMIT - 200)})
        assert_error(r, 400, "validation_failed")  # read and judged, not refused for size
        r = await api.post("/v2/bookings", json={"start": "x" * LIMIT})
        _too_large(r.status_code, r.json(), LIMIT)


def _csv(size: int) -> bytes:
    rows = [b"email,name"]
    i = 0
    while sum(len(r) + 1 for r in rows) < size:
        rows.append(f"student{i}@example.com,Student {i}".encode())
        i += 1
    return b"\n".join(rows) + b"\n"


async def test_uploads_have_their_own_limit_and_are_read_streamed(
    client: httpx.AsyncClient, small: FastAPI, tenant: Tenant
) -> None:
    et = await workshop(client, tenant)
    path = f"/v2/event-types/{et['id']}/whitelist/import"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=small), base_url="http://t"
    ) as api:
        # Over the general limit, under the upload limit: imported.
        content = _csv(UPLOAD_LIMIT // 2)
        assert len(content) > LIMIT
        result = data(await api.post(path, headers=tenant.headers, content=content))
        assert result["imported"] > 100
    status, body, pulled = await _call(small, path, tenant.headers, chunks=2560)
    _too_large(status, body, UPLOAD_LIMIT)
    assert pulled <= UPLOAD_LIMIT + CHUNK
    status, body, pulled = await _call(
        small, path, {**tenant.headers, "content-length": str(UPLOAD_LIMIT + 1)}, chunks=20
    )
    _too_large(status, body, UPLOAD_LIMIT)
    assert pulled == 0


async def test_a_real_server_answers_413_to_an_endless_chunked_body(
    database_url: str, data_dir: Path
) -> None:
    env = {
        "DATABASE_URL": database_url,
        "IMMERSIO_DATA_DIR": str(data_dir),
        "IMMERSIO_MAX_REQUEST_BODY_BYTES": str(LIMIT),
    }
    with serving(**env) as base:
        address = urlsplit(base)
        with socket.create_connection((address.hostname, address.port), timeout=10) as conn:
            conn.sendall(
                b"POST /v2/bookings HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
            )
            sent = 0
            chunk = b"%x\r\n%s\r\n" % (CHUNK, b"x" * CHUNK)
            while not select.select([conn], [], [], 0.01)[0]:
                conn.sendall(chunk)
                sent += CHUNK
                assert sent < 10 * 1024 * 1024, "the server kept reading past the limit"
            answer = b""
            while b"\r\n\r\n" not in answer or not answer.rstrip().endswith(b"}"):
                part = conn.recv(65536)
                if not part:
                    break
                answer += part
        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 413"), head
        _too_large(413, json.loads(body), LIMIT)
