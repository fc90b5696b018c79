"""A client that sends no ``cal-api-version`` of its own, for the tests of the header."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from immersio_booking.app import create_app
from immersio_booking.config import Settings


@pytest.fixture(scope="session")
async def bare(settings: Settings, engine: AsyncEngine) -> AsyncIterator[httpx.AsyncClient]:
    """Like ``client``, without the hook that adds the path's current version."""
    transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
