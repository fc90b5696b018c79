"""A Zoom simulator: the Server-to-Server OAuth token endpoint and the meeting endpoints the
Zoom provider uses, with expiring bearer tokens, ``GET /_meetings`` listing the meetings that
exist, and switches under ``/_control`` that make it answer 401, 429 or 500. For development
(``make run``) and tests; never for production.
"""

from __future__ import annotations

import base64
import secrets
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse

from immersio_booking.kit import clock

# Where ``make run``'s demo school finds its Zoom: ``serve`` starts the simulator there when
# IMMERSIO_ZOOM_API_BASE points at it.
DEMO_URL = "http://127.0.0.1:8200"
DEMO_ACCOUNT_ID = "demo-account"
DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"


@dataclass
class Faults:
    unauthorized_next: int = 0
    rate_limit_next: int = 0
    retry_after_seconds: float = 1.0
    server_error_next: int = 0


@dataclass
class World:
    account_id: str
    client_id: str
    client_secret: str
    token_seconds: int = 3600
    tokens: dict[str, datetime] = field(default_factory=dict)
    meetings: dict[int, dict[str, Any]] = field(default_factory=dict)
    faults: Faults = field(default_factory=Faults)
    calls: Counter[str] = field(default_factory=Counter)
    next_id: int = 81_000_000_000
    lock: threading.Lock = field(default_factory=threading.Lock)


def _error(
    status: int, code: int, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse({"code": code, "message": message}, status, headers=headers)


def _basic(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    if not header.startswith("Basic "):
        return None
    try:
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password


def create_simulator(
    account_id: str = DEMO_ACCOUNT_ID,
    client_id: str = DEMO_CLIENT_ID,
    client_secret: str = DEMO_CLIENT_SECRET,
) -> FastAPI:
    world = World(account_id, client_id, client_secret)
    app = FastAPI(title="Fake Zoom", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.world = world

    @app.post("/oauth/token")
    async def token(request: Request) -> JSONResponse:
        params = request.query_params
        with world.lock:
            world.calls["token"] += 1
            if params.get("grant_type") != "account_credentials":
                return JSONResponse(
                    {"reason": "Unsupported grant type", "error": "unsupported_grant_type"}, 400
                )
            if _basic(request) != (world.client_id, world.client_secret):
                return JSONResponse(
                    {"reason": "Invalid client_id or client_secret", "error": "invalid_client"},
                    400,
                )
            if params.get("account_id") != world.account_id:
                return JSONResponse(
                    {"reason": "Invalid account_id", "error": "invalid_request"}, 400
                )
            value = secrets.token_urlsafe(24)
            world.tokens[value] = clock.now() + timedelta(seconds=world.token_seconds)
            return JSONResponse(
                {
                    "access_token": value,
                    "token_type": "bearer",
                    "expires_in": world.token_seconds,
                    "scope": "meeting:write:admin meeting:read:admin",
                }
            )

    def refused(request: Request, kind: str) -> JSONResponse | None:
        """Switched faults first, then the bearer token (known and not expired)."""
        with world.lock:
            world.calls[kind] += 1
            faults = world.faults
            if faults.rate_limit_next > 0:
                faults.rate_limit_next -= 1
                return _error(
                    429,
                    429,
                    "You have reached the maximum per-second rate limit for this API.",
                    {"Retry-After": f"{faults.retry_after_seconds:g}"},
                )
            if faults.server_error_next > 0:
                faults.server_error_next -= 1
                return _error(500, 500, "Internal error")
            if faults.unauthorized_next > 0:
                faults.unauthorized_next -= 1
                return _error(401, 124, "Invalid access token.")
            header = request.headers.get("authorization", "")
            expires = world.tokens.get(header.removeprefix("Bearer "))
            if not header.startswith("Bearer ") or expires is None or expires <= clock.now():
                return _error(401, 124, "Invalid access token.")
        return None

    @app.post("/v2/users/me/meetings")
    async def create_meeting(request: Request) -> JSONResponse:
        if (refusal := refused(request, "create")) is not None:
            return refusal
        body = await request.json()
        if not body.get("topic") or not body.get("start_time"):
            return _error(400, 300, "topic and start_time are required")
        with world.lock:
            world.next_id += 1
            meeting_id = world.next_id
            meeting = {
                "id": meeting_id,
                "uuid": secrets.token_urlsafe(16),
                "topic": body["topic"],
                "type": body.get("type", 2),
                "start_time": body["start_time"],
                "duration": body.get("duration", 60),
                "timezone": body.get("timezone", "UTC"),
                "password": secrets.token_hex(4),
                "join_url": f"https://zoom.example/j/{meeting_id}",
                "start_url": f"https://zoom.example/s/{meeting_id}",
            }
            world.meetings[meeting_id] = meeting
            return JSONResponse(meeting, 201)

    @app.patch("/v2/meetings/{meeting_id}")
    async def update_meeting(request: Request, meeting_id: int) -> Response:
        if (refusal := refused(request, "update")) is not None:
            return refusal
        body = await request.json()
        with world.lock:
            meeting = world.meetings.get(meeting_id)
            if meeting is None:
                return _error(404, 3001, "Meeting does not exist.")
            for key in ("topic", "start_time", "duration", "timezone"):
                if key in body:
                    meeting[key] = body[key]
        return Response(status_code=204)

    @app.delete("/v2/meetings/{meeting_id}")
    async def delete_meeting(request: Request, meeting_id: int) -> Response:
        if (refusal := refused(request, "delete")) is not None:
            return refusal
        with world.lock:
            if world.meetings.pop(meeting_id, None) is None:
                return _error(404, 3001, "Meeting does not exist.")
        return Response(status_code=204)

    @app.get("/_meetings")
    async def meetings() -> list[dict[str, Any]]:
        with world.lock:
            return list(world.meetings.values())

    _control_routes(app, world)
    return app


def _control_routes(app: FastAPI, world: World) -> None:
    @app.put("/_control/faults")
    async def set_faults(request: Request) -> dict[str, Any]:
        """``{"unauthorizedNext": n, "rateLimitNext": n, "retryAfterSeconds": s,
        "serverErrorNext": n}``: the next n API calls answer 401, 429 or 500."""
        body = await request.json()
        with world.lock:
            world.faults = Faults(
                unauthorized_next=int(body.get("unauthorizedNext", 0)),
                rate_limit_next=int(body.get("rateLimitNext", 0)),
                retry_after_seconds=float(body.get("retryAfterSeconds", 1)),
                server_error_next=int(body.get("serverErrorNext", 0)),
            )
        return {"ok": True}

    @app.put("/_control/credentials")
    async def set_credentials(request: Request) -> dict[str, Any]:
        """Change the app's client secret (the school regenerated it): every token is revoked."""
        body = await request.json()
        with world.lock:
            world.client_secret = str(body.get("clientSecret", world.client_secret))
            world.tokens.clear()
        return {"ok": True}

    @app.post("/_control/expire-tokens")
    async def expire_tokens() -> dict[str, Any]:
        with world.lock:
            world.tokens.clear()
        return {"ok": True}

    @app.put("/_control/token-seconds")
    async def token_seconds(request: Request) -> dict[str, Any]:
        body = await request.json()
        with world.lock:
            world.token_seconds = int(body["seconds"])
        return {"ok": True}

    @app.get("/_control/stats")
    async def stats() -> dict[str, Any]:
        with world.lock:
            return {"calls": dict(world.calls)}

    @app.post("/_control/reset")
    async def reset() -> dict[str, Any]:
        with world.lock:
            world.tokens.clear()
            world.meetings.clear()
            world.faults = Faults()
            world.calls.clear()
        return {"ok": True}
