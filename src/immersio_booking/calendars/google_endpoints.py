"""Google Calendar connect (Cal.com's v2 shape): ``GET /v2/calendars/google/connect`` gives the
consent URL; Google sends the teacher's browser back to ``GET /v2/calendars/google/save`` with a
code and the signed state, and the tokens are saved sealed as a ``google_calendar`` credential."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from immersio_booking import global_lookups
from immersio_booking.auth.dependencies import AuthSubject, OptionalAuthSubject
from immersio_booking.calendars import google_oauth
from immersio_booking.calendars.destination_endpoints import organization_of
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.clock import Now
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import BadRequest, DomainError
from immersio_booking.kit.schemas import ApiModel, Envelope, ok
from immersio_booking.kit.unsupported import also_accepts_query

router = APIRouter(prefix="/v2/calendars/google", tags=["Calendars"])


class AuthUrlOut(ApiModel):
    auth_url: str


class SavedOut(ApiModel):
    credential_id: int
    type: str
    user_id: int


class GoogleUnavailable(DomainError):
    status_code = 502
    reason = "google_unavailable"


@router.get("/connect")
async def connect(principal: AuthSubject, settings: AppSettings, now: Now) -> Envelope[AuthUrlOut]:
    """The URL of Google's consent page for the caller's calendar."""
    state = google_oauth.make_state(
        settings,
        google_oauth.ConnectState(principal.user_id, organization_of(principal)),
        now,
    )
    return ok(AuthUrlOut(auth_url=google_oauth.consent_url(settings, state)))


@router.get("/save")
# Google's redirect also carries these (OAuth 2.0 and OpenID responses); we read none of them.
@also_accepts_query("scope", "authuser", "prompt", "hd", "iss")
async def save(
    session: Session,
    settings: AppSettings,
    now: Now,
    principal: OptionalAuthSubject,
    state: Annotated[str, Query(min_length=1, max_length=500)],
    code: Annotated[str | None, Query(max_length=2000)] = None,
    error: Annotated[str | None, Query(max_length=200)] = None,
) -> Envelope[SavedOut]:
    """Google's redirect back: the signed state says whose calendar this is (an API key, when
    one is sent, must be that teacher's)."""
    who = google_oauth.read_state(settings, state, now)
    if principal is not None and (
        principal.user_id != who.user_id or principal.organization_id != who.organization_id
    ):
        raise google_oauth.InvalidState("The state was issued to another user")
    roles = await global_lookups.accepted_roles_of_user(session, who.user_id)
    if who.organization_id not in roles:
        raise google_oauth.InvalidState("The state's user is no longer in its organization")
    if error is not None or not code:
        raise BadRequest(
            f"Google did not grant access ({error or 'no code'})", reason="google_access_denied"
        )
    try:
        tokens = await google_oauth.exchange_code(settings, code, now)
    except google_oauth.TokenRefused as exc:
        raise BadRequest("Google refused the code", reason="invalid_code") from exc
    except google_oauth.TokenEndpointFailed as exc:
        raise GoogleUnavailable("Google did not answer; connect again later") from exc
    credential = await google_oauth.save_credential(
        session, who.organization_id, who.user_id, tokens, settings
    )
    return ok(SavedOut(credential_id=credential.id, type=credential.type, user_id=who.user_id))
