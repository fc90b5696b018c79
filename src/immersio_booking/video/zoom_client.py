"""Zoom's REST API with a Server-to-Server OAuth app: an account token (cached until it
expires), and the three meeting calls the Zoom provider makes.

- ``POST {oauth}/oauth/token?grant_type=account_credentials&account_id=…`` (Basic client id and
  secret) gives the token; it is kept in this process until a minute before it expires.
- A 401 from the API is answered once with a fresh token; a second 401, or a token refused,
  is ``CredentialRefused`` (the school's app was removed or its secret changed).
- A 429 waits ``Retry-After`` (at most ``MAX_WAIT`` seconds, ``RATE_LIMIT_RETRIES`` times) and
  tries again; then ``ProviderFailed`` with the wait, and the job retries later.
- Anything else that fails (5xx, timeouts, refused addresses) is ``ProviderFailed``.

Secrets never reach a log or an exception's text.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx
import structlog

from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.kit.http import OutgoingPolicy, ResponseTooLarge, UnsafeTarget, safe_client
from immersio_booking.video.provider import CredentialRefused, ProviderFailed

log = structlog.get_logger(__name__)

RATE_LIMIT_RETRIES = 3
MAX_WAIT = 30.0
TOKEN_MARGIN = timedelta(seconds=60)


@dataclass(frozen=True)
class ZoomApp:
    """A school's Server-to-Server OAuth app (the secret in clear, only in memory)."""

    account_id: str
    client_id: str
    client_secret: str
    credential_id: int | None = None

    def cache_key(self, oauth_base: str) -> tuple[str, str, str, str]:
        secret = hashlib.sha256(self.client_secret.encode()).hexdigest()
        return (oauth_base, self.account_id, self.client_id, secret)


# Account tokens of this process: (oauth base, account, client, hash of secret) → (token, until).
_tokens: dict[tuple[str, str, str, str], tuple[str, datetime]] = {}


def forget_tokens() -> None:
    _tokens.clear()


def _retry_after(response: httpx.Response) -> float:
    try:
        return min(max(float(response.headers.get("retry-after", "1")), 0.0), MAX_WAIT)
    except ValueError:
        return 1.0


class ZoomClient:
    def __init__(self, settings: Settings, app: ZoomApp) -> None:
        self.settings = settings
        self.app = app
        self.policy = OutgoingPolicy.of(settings)

    def _basic(self) -> str:
        pair = f"{self.app.client_id}:{self.app.client_secret}".encode()
        return "Basic " + base64.b64encode(pair).decode()

    def _refused(self, message: str) -> CredentialRefused:
        return CredentialRefused(message, credential_id=self.app.credential_id)

    async def _send(self, http: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
        try:
            return await http.send(request)
        except (httpx.HTTPError, UnsafeTarget, ResponseTooLarge) as exc:
            raise ProviderFailed(f"Zoom did not answer: {type(exc).__name__}") from None

    async def token(self, http: httpx.AsyncClient, *, fresh: bool = False) -> str:
        """The account's token, from the cache unless ``fresh``."""
        key = self.app.cache_key(self.settings.zoom_oauth_base)
        cached = _tokens.get(key)
        if cached and not fresh and cached[1] > clock.now():
            return cached[0]
        for _ in range(RATE_LIMIT_RETRIES + 1):
            response = await self._send(
                http,
                http.build_request(
                    "POST",
                    f"{self.settings.zoom_oauth_base}/oauth/token",
                    params={"grant_type": "account_credentials", "account_id": self.app.account_id},
                    headers={"Authorization": self._basic()},
                ),
            )
            if response.status_code != 429:
                break
            await asyncio.sleep(_retry_after(response))
        if response.status_code in (400, 401, 403):
            _tokens.pop(key, None)
            raise self._refused("Zoom refused the app's credentials")
        if response.status_code != 200:
            raise ProviderFailed(
                f"Zoom's token endpoint answered {response.status_code}",
                retry_after=_retry_after(response) if response.status_code == 429 else None,
            )
        body = response.json()
        lifetime = timedelta(seconds=int(body.get("expires_in", 3600)))
        until = clock.now() + max(lifetime - TOKEN_MARGIN, lifetime / 2)
        _tokens[key] = (str(body["access_token"]), until)
        return str(body["access_token"])

    async def call(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> httpx.Response:
        """One API call with the account token; 401 once → fresh token; 429 → wait, retry."""
        async with safe_client(self.policy) as http:
            fresh = False
            throttled = 0
            while True:
                token = await self.token(http, fresh=fresh)
                response = await self._send(
                    http,
                    http.build_request(
                        method,
                        f"{self.settings.zoom_api_base}{path}",
                        json=body,
                        headers={"Authorization": f"Bearer {token}"},
                    ),
                )
                if response.status_code == 401:
                    if fresh:
                        raise self._refused("Zoom refused the app's token")
                    fresh = True
                    continue
                if response.status_code == 429:
                    wait = _retry_after(response)
                    throttled += 1
                    if throttled > RATE_LIMIT_RETRIES:
                        raise ProviderFailed("Zoom is rate limiting", retry_after=wait)
                    log.info("zoom_rate_limited", path=path, retry_after=wait)
                    await asyncio.sleep(wait)
                    continue
                if response.status_code >= 500:
                    raise ProviderFailed(f"Zoom answered {response.status_code}")
                return response


async def credentials_work(settings: Settings, app: ZoomApp) -> bool:
    """Whether Zoom gives these credentials a token (False: refused). ``ProviderFailed`` when
    Zoom cannot say (down, unreachable)."""
    client = ZoomClient(settings, app)
    async with safe_client(client.policy) as http:
        try:
            await client.token(http, fresh=True)
        except CredentialRefused:
            return False
    return True
