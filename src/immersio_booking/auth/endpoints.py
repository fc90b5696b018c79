"""``/v2/me`` and ``/v2/api-keys``."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, status

from immersio_booking.auth import keys, repository, service
from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.auth.me import describe_me
from immersio_booking.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyOut,
    ApiKeyRefresh,
    ApiKeyRefreshed,
    MeOut,
)
from immersio_booking.db.dependencies import Session
from immersio_booking.kit import clock
from immersio_booking.kit.errors import BadRequest, NotFound
from immersio_booking.kit.schemas import Envelope, ResourceId, ok
from immersio_booking.models import ApiKey

router = APIRouter(tags=["Me and API keys"])


def _key_out(api_key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=api_key.id,
        masked_key=keys.masked(api_key.prefix),
        note=api_key.note,
        created_at=api_key.created_at,
        expires_at=api_key.expires_at,
        last_used_at=api_key.last_used_at,
        revoked_at=api_key.revoked_at,
    )


@router.get("/v2/me")
async def me(principal: AuthSubject, session: Session) -> Envelope[MeOut]:
    """The caller: user, organization, memberships and roles."""
    return ok(await describe_me(session, principal))


@router.get("/v2/api-keys")
async def list_api_keys(principal: AuthSubject, session: Session) -> Envelope[list[ApiKeyOut]]:
    """The caller's keys, masked."""
    service.refuse_while_impersonating(principal)
    return ok([_key_out(k) for k in await repository.keys_of_user(session, principal.user_id)])


@router.post("/v2/api-keys", status_code=status.HTTP_201_CREATED)
async def create_api_key(
    body: ApiKeyCreate, principal: AuthSubject, session: Session
) -> Envelope[ApiKeyCreated]:
    """A new key for the caller; the key is in this reply only."""
    service.refuse_while_impersonating(principal)
    if body.expires_at is not None and body.expires_at <= clock.now():
        raise BadRequest("expiresAt must be in the future", reason="invalid_expiry")
    user = await repository.get_user(session, principal.user_id)
    if user is None:
        raise NotFound("User not found")
    api_key, raw = await service.issue_key(session, user, body.note, body.expires_at)
    await session.refresh(api_key)
    return ok(ApiKeyCreated(**_key_out(api_key).model_dump(), api_key=raw))


@router.delete("/v2/api-keys/{keyId}")
async def revoke_api_key(
    keyId: ResourceId,  # noqa: N803
    principal: AuthSubject,
    session: Session,
) -> Envelope[ApiKeyOut]:
    """Revoke one of the caller's keys; it stops working at once."""
    service.refuse_while_impersonating(principal)
    api_key = await service.revoke_key(session, principal, keyId)
    return ok(_key_out(api_key))


DEFAULT_DAYS_VALID = 30


@router.post("/v2/api-keys/refresh")
async def refresh_api_key(
    principal: AuthSubject, session: Session, body: ApiKeyRefresh | None = None
) -> Envelope[ApiKeyRefreshed]:
    """Rotate the calling key (Cal.com): a new key is returned and the calling one stops
    working at once. The new key lives ``apiKeyDaysValid`` days (30 by default), or never
    expires with ``apiKeyNeverExpires: true``."""
    service.refuse_while_impersonating(principal)
    body = body or ApiKeyRefresh()
    if body.api_key_never_expires and body.api_key_days_valid is not None:
        raise BadRequest(
            "Send either apiKeyDaysValid or apiKeyNeverExpires: true, not both",
            reason="conflicting_fields",
        )
    expires_at = (
        None
        if body.api_key_never_expires
        else clock.now() + timedelta(days=body.api_key_days_valid or DEFAULT_DAYS_VALID)
    )
    return ok(ApiKeyRefreshed(api_key=await service.rotate_key(session, principal, expires_at)))
