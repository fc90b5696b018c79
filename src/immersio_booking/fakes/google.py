"""A fake of the Google endpoints the calendar and Meet integration uses, served over real HTTP
for tests and development; never for production.

- ``GET /o/oauth2/v2/auth``: the consent page, answered at once by a redirect to
  ``redirect_uri`` with a one-use ``code`` and the caller's ``state``;
- ``POST /token``: ``authorization_code`` and ``refresh_token`` grants for the one client it
  knows; access tokens expire after ``expires_in`` seconds (``POST /_control`` changes it);
- ``/calendar/v3``: ``users/me/calendarList``, ``freeBusy``, and the ``events`` of a calendar
  (insert, get, patch, delete); an insert or patch with ``conferenceDataVersion=1`` and a
  ``conferenceData.createRequest`` gets a Meet link (``hangoutLink``);
- ``GET /_events``: every event that exists, ``GET /_tokens``: how many of each grant were
  served (tests read them).

Any call to the Calendar API without a live access token is answered 401, as Google does.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from immersio_booking.fakes.served import BackgroundServer
from immersio_booking.kit import clock

PRIMARY = "primary"


@dataclass
class GoogleWorld:
    client_id: str
    client_secret: str
    expires_in: int = 3600
    calendars: list[dict[str, Any]] = field(default_factory=list)
    codes: dict[str, str] = field(default_factory=dict)  # code -> redirect_uri
    access_tokens: dict[str, float] = field(default_factory=dict)  # token -> expires (epoch)
    refresh_tokens: set[str] = field(default_factory=set)
    grants: dict[str, int] = field(default_factory=lambda: {"code": 0, "refresh": 0})
    events: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def calendar_ids(self) -> list[str]:
        return [c["id"] for c in self.calendars]


def _error(status: int, reason: str, message: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}, status
    )


def _oauth_error(error: str, status: int = 400) -> JSONResponse:
    return JSONResponse({"error": error}, status)


def create_fake_google(
    client_id: str = "fake-client-id",
    client_secret: str = "fake-client-secret",
    calendars: list[dict[str, Any]] | None = None,
) -> FastAPI:
    world = GoogleWorld(
        client_id=client_id,
        client_secret=client_secret,
        calendars=calendars
        or [
            {"id": "teacher@example.com", "summary": "Teacher", "primary": True},
            {"id": "holidays@example.com", "summary": "Holidays", "accessRole": "reader"},
        ],
    )
    app = FastAPI(title="fake Google")
    app.state.world = world

    @app.get("/o/oauth2/v2/auth")
    async def consent(request: Request) -> Response:
        query = request.query_params
        if query.get("client_id") != world.client_id or not query.get("redirect_uri"):
            return _oauth_error("invalid_client")
        code = f"code-{secrets.token_hex(8)}"
        with world.lock:
            world.codes[code] = query["redirect_uri"]
        back = urlencode({"code": code, "state": query.get("state", "")})
        target = f"{query['redirect_uri']}?{back}"
        return RedirectResponse(target, status_code=302)

    @app.post("/token")
    async def token(request: Request) -> Response:
        form = await request.form()
        if form.get("client_id") != world.client_id or (
            form.get("client_secret") != world.client_secret
        ):
            return _oauth_error("invalid_client", 401)
        grant = form.get("grant_type")
        with world.lock:
            if grant == "authorization_code":
                redirect = world.codes.pop(str(form.get("code", "")), None)
                if redirect is None or redirect != form.get("redirect_uri"):
                    return _oauth_error("invalid_grant")
                refresh: str | None = f"refresh-{secrets.token_hex(8)}"
                world.refresh_tokens.add(str(refresh))
                world.grants["code"] += 1
            elif grant == "refresh_token":
                if form.get("refresh_token") not in world.refresh_tokens:
                    return _oauth_error("invalid_grant")
                refresh = None
                world.grants["refresh"] += 1
            else:
                return _oauth_error("unsupported_grant_type")
            access = f"access-{secrets.token_hex(8)}"
            world.access_tokens[access] = clock.now().timestamp() + world.expires_in
        body: dict[str, Any] = {
            "access_token": access,
            "expires_in": world.expires_in,
            "token_type": "Bearer",
            "scope": "https://www.googleapis.com/auth/calendar",
        }
        if refresh:
            body["refresh_token"] = refresh
        return JSONResponse(body)

    def authorized(request: Request) -> bool:
        header = request.headers.get("authorization", "")
        token = header.removeprefix("Bearer ").strip()
        with world.lock:
            expires = world.access_tokens.get(token)
        return expires is not None and expires > clock.now().timestamp()

    def unauthorized() -> JSONResponse:
        return _error(401, "authError", "Invalid Credentials")

    @app.get("/calendar/v3/users/me/calendarList")
    async def calendar_list(request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        items = [
            {"accessRole": "owner", **c, "primary": bool(c.get("primary"))} for c in world.calendars
        ]
        return JSONResponse({"kind": "calendar#calendarList", "items": items})

    @app.post("/calendar/v3/freeBusy")
    async def free_busy(request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        body = await request.json()
        low, high = body["timeMin"], body["timeMax"]
        calendars: dict[str, Any] = {}
        with world.lock:
            for item in body.get("items", []):
                cid = item["id"]
                busy = [
                    {"start": e["start"]["dateTime"], "end": e["end"]["dateTime"]}
                    for (owner, _), e in world.events.items()
                    if owner == cid and e["start"]["dateTime"] < high and e["end"]["dateTime"] > low
                ]
                calendars[cid] = {"busy": sorted(busy, key=lambda b: b["start"])}
        return JSONResponse({"kind": "calendar#freeBusy", "calendars": calendars})

    def resolve(calendar_id: str) -> str | None:
        if calendar_id == PRIMARY:
            return next((c["id"] for c in world.calendars if c.get("primary")), None)
        return calendar_id if calendar_id in world.calendar_ids() else None

    def conference(event: dict[str, Any], version: str | None) -> None:
        request = (event.get("conferenceData") or {}).get("createRequest")
        if version != "1" or not request or event.get("hangoutLink"):
            return
        code = "-".join(secrets.token_hex(2) for _ in range(3))
        link = f"https://meet.google.com/{code}"
        event["hangoutLink"] = link
        event["conferenceData"] = {
            "conferenceId": code,
            "conferenceSolution": {"key": {"type": "hangoutsMeet"}},
            "entryPoints": [{"entryPointType": "video", "uri": link}],
            "createRequest": {**request, "status": {"statusCode": "success"}},
        }

    @app.post("/calendar/v3/calendars/{calendar_id}/events")
    async def insert(calendar_id: str, request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        owner = resolve(calendar_id)
        if owner is None:
            return _error(404, "notFound", "Not Found")
        event = await request.json()
        event_id = event.get("id") or secrets.token_hex(12)
        with world.lock:
            if (owner, event_id) in world.events:
                return _error(409, "duplicate", "The requested identifier already exists.")
            event = {**event, "id": event_id, "status": "confirmed", "organizer": {"email": owner}}
            conference(event, request.query_params.get("conferenceDataVersion"))
            world.events[(owner, event_id)] = event
        return JSONResponse(event)

    @app.get("/calendar/v3/calendars/{calendar_id}/events/{event_id}")
    async def get(calendar_id: str, event_id: str, request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        event = world.events.get((resolve(calendar_id) or "", event_id))
        return JSONResponse(event) if event else _error(404, "notFound", "Not Found")

    @app.patch("/calendar/v3/calendars/{calendar_id}/events/{event_id}")
    async def patch(calendar_id: str, event_id: str, request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        key = (resolve(calendar_id) or "", event_id)
        changes = await request.json()
        with world.lock:
            event = world.events.get(key)
            if event is None:
                return _error(404, "notFound", "Not Found")
            event.update({k: v for k, v in changes.items() if k != "id"})
            conference(event, request.query_params.get("conferenceDataVersion"))
        return JSONResponse(event)

    @app.delete("/calendar/v3/calendars/{calendar_id}/events/{event_id}")
    async def delete(calendar_id: str, event_id: str, request: Request) -> Response:
        if not authorized(request):
            return unauthorized()
        with world.lock:
            gone = world.events.pop((resolve(calendar_id) or "", event_id), None)
        return Response(status_code=204) if gone else _error(410, "deleted", "Resource deleted")

    @app.get("/_events")
    async def all_events() -> Response:
        with world.lock:
            listed = [{"calendarId": owner, **e} for (owner, _), e in world.events.items()]
        return JSONResponse(listed)

    @app.get("/_tokens")
    async def tokens() -> Response:
        return JSONResponse(dict(world.grants))

    @app.post("/_control")
    async def control(request: Request) -> Response:
        body = await request.json()
        with world.lock:
            if "expiresIn" in body:
                world.expires_in = int(body["expiresIn"])
            if body.get("revokeAccessTokens"):
                world.access_tokens.clear()
        return JSONResponse({"expiresIn": world.expires_in})

    return app


def serve_fake_google(**options: Any) -> BackgroundServer:
    """The fake started on a free loopback port in a daemon thread."""
    return BackgroundServer(create_fake_google(**options)).start()
