"""Google's OAuth for a teacher's calendar: the consent URL with a signed ``state``, the code
exchanged for tokens at the callback, tokens sealed in a ``google_calendar`` Credential and
refreshed when they are about to expire.

The ``state`` names the teacher and their school and expires: the callback is reached by the
teacher's browser coming back from Google, without an API key, so the signed state is what
proves whose calendar is being connected (``<user>.<organization>.<expiry>.<signature>``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.calendars import repository, sealing
from immersio_booking.config import Settings
from immersio_booking.kit import signing
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.kit.http import OutgoingPolicy, pooled_client
from immersio_booking.models import Credential

GOOGLE_CALENDAR = "google_calendar"
GOOGLE_APP = "google-calendar"
SCOPES = (
    "https://www.googleapis.com/auth/calendar.readonly "
    "https://www.googleapis.com/auth/calendar.events"
)
STATE_PURPOSE = "google-calendar-connect"
STATE_VALIDITY = timedelta(minutes=15)
# An access token this close to its expiry is refreshed before it is used.
REFRESH_MARGIN = timedelta(seconds=60)
CALLBACK_PATH = "/v2/calendars/google/save"


class InvalidState(BadRequest):
    reason = "invalid_state"


class GoogleNotConfigured(DomainError):
    status_code = 503
    reason = "google_not_configured"


class TokenRefused(Exception):
    """Google refused the code or the refresh token (the credential is no longer valid)."""


class TokenEndpointFailed(Exception):
    """Google's token endpoint did not answer usefully (down, or an unexpected answer)."""


@dataclass(frozen=True)
class ConnectState:
    user_id: int
    organization_id: int


@dataclass(frozen=True)
class Tokens:
    access_token: str
    expires_at: datetime
    refresh_token: str | None


def _client_of(settings: Settings) -> tuple[str, str]:
    if not settings.google_client_id or not settings.google_client_secret:
        raise GoogleNotConfigured(
            "Google Calendar is not set up on this service "
            "(IMMERSIO_GOOGLE_CLIENT_ID and IMMERSIO_GOOGLE_CLIENT_SECRET)"
        )
    return settings.google_client_id, settings.google_client_secret


def redirect_uri(settings: Settings) -> str:
    return f"{settings.public_base_url}{CALLBACK_PATH}"


def make_state(settings: Settings, who: ConnectState, now: datetime) -> str:
    subject = f"{who.user_id}.{who.organization_id}"
    token = signing.sign(
        settings.resolved_secret_key(), STATE_PURPOSE, subject, now + STATE_VALIDITY
    )
    return f"{subject}.{token}"


def read_state(settings: Settings, state: str, now: datetime) -> ConnectState:
    """The teacher and school a state was signed for; 400 ``invalid_state`` when it was not
    signed here, was changed, or expired."""
    parts = state.split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        raise InvalidState("The state is not one this service issued")
    subject, token = f"{parts[0]}.{parts[1]}", f"{parts[2]}.{parts[3]}"
    if not signing.verify(settings.resolved_secret_key(), STATE_PURPOSE, subject, token, now):
        raise InvalidState("The state is not one this service issued, or it expired")
    return ConnectState(user_id=int(parts[0]), organization_id=int(parts[1]))


def consent_url(settings: Settings, state: str) -> str:
    client_id, _ = _client_of(settings)
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri(settings),
        "response_type": "code",
        "scope": SCOPES,
        "access_type": "offline",
        "prompt": "consent",
        "include_granted_scopes": "true",
        "state": state,
    }
    return f"{settings.google_auth_url}?{urlencode(query)}"


async def _token_request(settings: Settings, form: dict[str, str], now: datetime) -> Tokens:
    client_id, client_secret = _client_of(settings)
    url = f"{settings.google_oauth_base.rstrip('/')}/token"
    body = {**form, "client_id": client_id, "client_secret": client_secret}
    try:
        response = await pooled_client(OutgoingPolicy.of(settings)).post(url, data=body)
    except httpx.HTTPError as exc:
        raise TokenEndpointFailed(f"Google's token endpoint did not answer: {exc}") from exc
    if response.status_code in (400, 401):
        raise TokenRefused(f"Google refused the grant: {response.text[:200]}")
    if response.status_code != 200:
        raise TokenEndpointFailed(f"Google's token endpoint answered {response.status_code}")
    answer: dict[str, Any] = response.json()
    try:
        return Tokens(
            access_token=str(answer["access_token"]),
            expires_at=now + timedelta(seconds=int(answer.get("expires_in", 3600))),
            refresh_token=answer.get("refresh_token"),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenEndpointFailed("Google's token endpoint answered without a token") from exc


async def exchange_code(settings: Settings, code: str, now: datetime) -> Tokens:
    return await _token_request(
        settings,
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri(settings),
        },
        now,
    )


def sealed(box: SecretBox, tokens: Tokens, previous_refresh: str | None = None) -> dict[str, Any]:
    """The credential's key: the tokens sealed the one way calendar secrets are
    (``sealing.sealed_key``, so ``admin rotate-keys`` re-encrypts them), the expiry in clear."""
    refresh = tokens.refresh_token or previous_refresh
    secrets = {"access_token": tokens.access_token}
    if refresh:
        secrets["refresh_token"] = refresh
    return sealing.sealed_key(box, secrets, expires_at=int(tokens.expires_at.timestamp()))


def _refresh_token(box: SecretBox, credential: Credential) -> str | None:
    has = "refresh_token" in (credential.key.get(sealing.SEALED) or {})
    return sealing.secret(box, credential, "refresh_token") if has else None


async def credential_of_user(
    session: AsyncSession, organization_id: int, user_id: int
) -> Credential | None:
    """The teacher's Google credential in their school (one per teacher and school)."""
    found = await repository.credentials_of_users(
        session, organization_id, [user_id], [GOOGLE_CALENDAR]
    )
    return found[0] if found else None


async def save_credential(
    session: AsyncSession, organization_id: int, user_id: int, tokens: Tokens, settings: Settings
) -> Credential:
    """Store (or replace) the teacher's Google tokens, sealed; a reconnect makes the credential
    valid again."""
    box = SecretBox.of(settings)
    credential = await credential_of_user(session, organization_id, user_id)
    previous = None
    if credential is None:
        credential = Credential(
            organization_id=organization_id,
            user_id=user_id,
            type=GOOGLE_CALENDAR,
            app_id=GOOGLE_APP,
            key={},
        )
        session.add(credential)
    else:
        previous = _refresh_token(box, credential)
    credential.key = sealed(box, tokens, previous)
    credential.invalid = False
    await session.flush()
    return credential


async def access_token(credential: Credential, settings: Settings, now: datetime) -> str:
    """A live access token of the credential: the stored one, or a fresh one from the refresh
    token when it expires within a minute (written back into the credential's row, which the
    caller's transaction commits). ``TokenRefused`` marks the credential invalid."""
    box = SecretBox.of(settings)
    expires_at = int(credential.key.get("expires_at") or 0)
    if expires_at > (now + REFRESH_MARGIN).timestamp():
        return sealing.secret(box, credential, "access_token")
    refresh_token = _refresh_token(box, credential)
    if refresh_token is None:
        credential.invalid = True
        raise TokenRefused("The Google credential has no refresh token: connect Google again")
    try:
        tokens = await _token_request(
            settings, {"grant_type": "refresh_token", "refresh_token": refresh_token}, now
        )
    except TokenRefused:
        credential.invalid = True
        raise
    credential.key = sealed(box, tokens, refresh_token)
    return tokens.access_token
