"""Signing staff in for dashboard tests: a real session row, its cookie on a client of its own
(each browser has its own cookies), and the CSRF token a page carries."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import staff_sessions
from immersio_booking.config import Settings
from immersio_booking.dashboard.access import lifetime
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from tests.factories import Member, Tenant, make_member

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


async def csrf_at(page: httpx.AsyncClient, path: str = "/dashboard") -> str:
    """The CSRF token of the page at ``path``, opened by ``page`` (which then holds its cookie)."""
    return csrf_of((await page.get(path)).text)


@dataclass(frozen=True)
class Staff:
    """The dashboard tests' way in: a real session of a user, on a browser of its own."""

    client: httpx.AsyncClient
    sessionmaker: async_sessionmaker[AsyncSession]
    settings: Settings

    async def cookie(self, user_id: int, organization_id: int | None = None) -> str:
        return await open_session(self.sessionmaker, self.settings, user_id, organization_id)

    @asynccontextmanager
    async def signed_in(
        self, user_id: int, organization_id: int | None = None
    ) -> AsyncIterator[httpx.AsyncClient]:
        """A browser holding a fresh session of ``user_id`` (in ``organization_id``'s school)."""
        async with browser(self.client, await self.cookie(user_id, organization_id)) as page:
            yield page


Fields = Mapping[str, object]


async def assert_nothing_found(
    page: httpx.AsyncClient, gets: Iterable[str] = (), posts: Iterable[tuple[str, Fields]] = ()
) -> None:
    """Someone who may not see these (a teacher, another school) finds nothing: every page and
    every change, sent with a valid CSRF token of their own, is 404."""
    csrf = await csrf_at(page)
    for path in gets:
        assert (await page.get(path)).status_code == 404, path
    for path, fields in posts:
        posted = await page.post(path, data={**fields, "csrf": csrf})
        assert posted.status_code == 404, path


FORGED_TOKENS = (None, "", "forged")


async def assert_forgeries_refused(
    page: httpx.AsyncClient, posts: Iterable[tuple[str, Fields]]
) -> None:
    """Every change needs the page's own CSRF token: without one, with an empty or a forged
    one, each post is 403."""
    for path, fields in posts:
        for token in FORGED_TOKENS:
            form = {k: v for k, v in fields.items() if k != "csrf"}
            if token is not None:
                form["csrf"] = token
            assert (await page.post(path, data=form)).status_code == 403, (path, token)


@pytest.fixture
def staff(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> Staff:
    """Signs staff in on the test app (a fixture: the dashboard's and the browser tests')."""
    return Staff(client, sessionmaker, settings)


@pytest.fixture
async def teacher(sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant) -> Member:
    """A teacher of the school: an accepted member with no admin role."""
    return await make_member(sessionmaker, tenant)
