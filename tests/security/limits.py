"""Clients of an app whose abuse controls are on (the shared test settings turn them off)."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from tests import versions


def some_address() -> str:
    """A client address no other test uses (counters outlive a test)."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


@asynccontextmanager
async def limited(
    settings: Settings, engine: AsyncEngine, address: str | None = None, **overrides: Any
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of an app with rate limits on (``overrides`` change its settings), connecting
    from ``address`` (default: a fresh one)."""
    app = create_app(
        settings.model_copy(update={"rate_limits_enabled": True, **overrides}), engine=engine
    )
    transport = httpx.ASGITransport(app=app, client=(address or some_address(), 40000))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        yield client
