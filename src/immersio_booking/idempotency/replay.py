"""``Idempotency-Key``: the same key and body replay the first response for 24 hours.

The key is locked (transaction-scoped advisory lock) before anything else, so parallel retries
wait for the first and then replay its stored answer. The answer is stored in the same
transaction as the work, so a stored answer always describes committed work. A failed attempt
(4xx) is stored too, after rolling back its savepoint; ``busy_try_again`` is not, since trying
again is the point. The same key with another body is refused (422 ``idempotency_key_reused``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit import clock
from immersio_booking.kit.error_handlers import error_body
from immersio_booking.kit.errors import BadRequest, DomainError, Unprocessable
from immersio_booking.kit.locks import lock, lock_key
from immersio_booking.kit.responses import FastJSONResponse
from immersio_booking.models import IdempotencyRecord

TTL = timedelta(hours=24)
Work = Callable[[], Awaitable[tuple[int, dict[str, Any]]]]


def _request_hash(raw: bytes) -> str:
    try:
        canonical = json.dumps(json.loads(raw or b"null"), sort_keys=True, separators=(",", ":"))
    except ValueError:
        canonical = raw.decode("latin-1")
    return hashlib.sha256(canonical.encode()).hexdigest()


async def run_once(
    session: AsyncSession, request: Request, who: str, work: Work, timeout_ms: int
) -> JSONResponse:
    key = request.headers.get("idempotency-key")
    if key is None:
        status, body = await work()
        return FastJSONResponse(body, status_code=status)  # serialized once, by orjson
    if not 1 <= len(key) <= 255 or not key.isprintable():
        raise BadRequest(
            "Idempotency-Key must be 1–255 printable characters", reason="invalid_idempotency_key"
        )
    scope = f"{who}:{request.method}:{request.url.path}"[:128]
    digest = _request_hash(await request.body())
    now = clock.now()
    await lock(session, lock_key("idempotency", scope, key), timeout_ms=timeout_ms)
    found = (
        await session.execute(
            select(IdempotencyRecord).where(
                IdempotencyRecord.scope == scope,
                IdempotencyRecord.key == key,
                IdempotencyRecord.expires_at > now,
            )
        )
    ).scalar_one_or_none()
    if found is not None:
        if found.request_hash != digest:
            raise Unprocessable(
                "This Idempotency-Key was used with another request body",
                reason="idempotency_key_reused",
            )
        return JSONResponse(
            found.body, status_code=found.status_code, headers={"Idempotent-Replayed": "true"}
        )
    savepoint = await session.begin_nested()
    try:
        status, body = await work()
        await savepoint.commit()
    except DomainError as exc:
        await savepoint.rollback()
        if exc.reason == "busy_try_again":
            raise
        status = exc.status_code
        body = error_body(request, status, exc.message, reason=exc.reason, details=exc.details)
    await session.execute(
        insert(IdempotencyRecord)
        .values(
            scope=scope,
            key=key,
            request_hash=digest,
            status_code=status,
            body=body,
            expires_at=now + TTL,
        )
        .on_conflict_do_update(
            index_elements=["scope", "key"],
            set_={
                "request_hash": digest,
                "status_code": status,
                "body": body,
                "expires_at": now + TTL,
            },
        )
    )
    return FastJSONResponse(body, status_code=status)
