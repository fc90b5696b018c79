"""Signing staff in for dashboard tests: a real session row, its cookie on a client of its own
(each browser has its own cookies), and the CSRF token a page carries."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import staff_sessions
from immersio_booking.config import Settings
from immersio_booking.dashboard.access import lifetime
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock

CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


async def open_session(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    user_id: int,
    organization_id: int | None = None,
) -> str:
    """A signed-in session of ``user_id``: the cookie's value."""
    async with transaction(sessionmaker) as session:
        return await staff_sessions.open_session(
            session, user_id, clock.now(), lifetime(settings), organization_id=organization_id
        )


@asynccontextmanager
async def browser(
    client: httpx.AsyncClient, cookie: str | None = None
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the same app with its own cookie jar (holding ``cookie`` when given)."""
    async with httpx.AsyncClient(transport=client._transport, base_url=str(client.base_url)) as own:
        if cookie is not None:
            own.cookies.set(staff_sessions.COOKIE, cookie)
        yield own


def csrf_of(html: str) -> str:
    found = CSRF_FIELD.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)
