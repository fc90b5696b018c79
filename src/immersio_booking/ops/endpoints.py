"""Liveness, readiness and metrics."""

from __future__ import annotations

import asyncio
import hmac

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from immersio_booking.db import migrate
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import NotFound, Unauthorized
from immersio_booking.kit.replica import replica_of

router = APIRouter(tags=["Operations"], include_in_schema=True)


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


@router.get("/readyz")
async def readyz(request: Request) -> JSONResponse:
    """The database answers and its schema is at the head migration. With a read replica,
    ``checks.replica`` says whether it answers (informative: it does not fail readiness)."""
    checks: dict[str, object] = {}
    ready = True
    try:
        async with request.app.state.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
            current = (
                await conn.execute(text("SELECT version_num FROM alembic_version"))
            ).scalar_one_or_none()
        head = await asyncio.to_thread(migrate.head_revision)
        checks["database"] = "ok"
        checks["migrations"] = {"current": current, "head": head}
        if current != head:
            ready = False
    except Exception as exc:  # any failure means not ready; say which
        checks["database"] = f"error: {type(exc).__name__}"
        ready = False
    replica = replica_of(request)
    if replica is not None:
        # Said, never failing readiness: public reads fall back to the primary meanwhile.
        checks["replica"] = await replica.state()
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks},
        status_code=200 if ready else 503,
    )


@router.get("/metrics")
async def metrics(request: Request, settings: AppSettings) -> Response:
    """Prometheus metrics: with ``IMMERSIO_METRICS_TOKEN`` set, for its bearer only; without
    it, open in development and absent (404) in production."""
    expected = settings.metrics_token
    if expected is None:
        if settings.environment == "production":
            raise NotFound("Not Found")
    else:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            given.strip().encode(), expected.encode()
        ):
            raise Unauthorized(
                "Send the metrics token: Authorization: Bearer <IMMERSIO_METRICS_TOKEN>",
                reason="metrics_token_required",
                headers={"WWW-Authenticate": "Bearer"},
            )
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
