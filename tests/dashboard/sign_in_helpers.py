"""Signing in through the pages, as a browser does: each visitor from an address of its own
(the lockout counts failures per client address too, and the suite shares one database)."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from email.message import Message

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import passwords
from immersio_booking.db.session import transaction
from immersio_booking.models import User
from tests.dashboard.staff import csrf_of

_addresses = itertools.count(1)
LINK = re.compile(r"http://testserver(/dashboard/[a-z/-]+\?token=[A-Za-z0-9_\-%=&.]+)")


@asynccontextmanager
async def visitor(client: httpx.AsyncClient) -> AsyncIterator[httpx.AsyncClient]:
    """A browser of its own (cookies) at an address of its own (198.51.100.0/24 and on)."""
    n = next(_addresses)
    transport = httpx.ASGITransport(
        app=client._transport.app,  # type: ignore[attr-defined]
        client=(f"198.51.{100 + n // 250}.{n % 250 + 1}", 40000),
    )
    async with httpx.AsyncClient(transport=transport, base_url=str(client.base_url)) as own:
        yield own


async def set_password(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int, password: str
) -> None:
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(User)
            .where(User.id == user_id)
            .values(password=passwords.hash_password(password))
        )


async def post_form(
    browser: httpx.AsyncClient, form_page: str, action: str, fields: dict[str, str]
) -> httpx.Response:
    """Open ``form_page`` (for its CSRF token and cookie), then post ``fields`` to ``action``."""
    opened = await browser.get(form_page)
    return await browser.post(action, data={"csrf": csrf_of(opened.text), **fields})


async def sign_in(
    browser: httpx.AsyncClient, email: str, password: str, next_path: str = ""
) -> httpx.Response:
    return await post_form(
        browser,
        "/dashboard/sign-in",
        "/dashboard/sign-in",
        {"email": email, "password": password, "next": next_path},
    )


def link_in(message: Message) -> str:
    """The dashboard link of an email (path and query), from its text part."""
    text = message.get_body(preferencelist=("plain",))
    assert text is not None
    found = LINK.search(text.get_content())
    assert found, text.get_content()
    return found.group(1)


async def follow(browser: httpx.AsyncClient, link: str) -> httpx.Response:
    """Open the emailed link, then press its one button (the link is spent on the POST)."""
    opened = await browser.get(link)
    assert opened.status_code == 200, opened.text
    token = opened.text.split('name="token" value="')[1].split('"')[0]
    nxt = opened.text.split('name="next" value="')[1].split('"')[0]
    action = link.split("?")[0]
    return await browser.post(
        action, data={"csrf": csrf_of(opened.text), "token": token, "next": nxt}
    )
