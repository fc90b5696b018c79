"""Signing in with a password: the right one opens a new session with a safe cookie; a wrong
one and an unknown email get the same answer; repeated failures lock, with backoff."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import staff_sessions
from immersio_booking.kit import clock
from tests.dashboard.sign_in_helpers import set_password, sign_in, visitor
from tests.dashboard.staff import csrf_of
from tests.factories import Tenant, unique

PASSWORD = "correct horse battery"


async def test_the_right_password_signs_in_with_a_new_safe_cookie(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> None:
    await set_password(sessionmaker, tenant.owner_id, PASSWORD)
    async with visitor(client) as browser:
        page = await browser.get("/dashboard/sign-in?next=/dashboard/bookings")
        assert page.status_code == 200
        assert 'name="next" value="/dashboard/bookings"' in page.text
        assert page.headers["x-robots-tag"] == "noindex"
        planted = "p" * 43  # a session id chosen by someone else is never taken on
        browser.cookies.set(staff_sessions.COOKIE, planted, path="/dashboard")
        r = await browser.post(
            "/dashboard/sign-in",
            data={
                "csrf": csrf_of(page.text),
                "email": f"  {tenant.owner_email.upper()} ",
                "password": PASSWORD,
                "next": "/dashboard/bookings",
            },
        )
        assert r.status_code == 303
        assert r.headers["location"] == "/dashboard/bookings"
        cookie = r.headers["set-cookie"]
        assert cookie.startswith(f"{staff_sessions.COOKIE}=")
        assert planted not in cookie
        lowered = cookie.lower()
        assert "httponly" in lowered and "samesite=lax" in lowered and "path=/dashboard" in lowered
        assert "secure" not in lowered  # http://testserver; https below
        browser.cookies.clear()
        browser.cookies.set(staff_sessions.COOKIE, r.cookies[staff_sessions.COOKIE])
        home = await browser.get("/dashboard")
        assert home.status_code == 200
        assert f"School {tenant.slug}" in home.text


async def test_the_cookie_is_secure_on_an_https_site(
    settings: object, engine: object, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from immersio_booking.app import create_app
    from immersio_booking.config import Settings
    from tests.factories import make_tenant

    assert isinstance(settings, Settings)
    tenant = await make_tenant(sessionmaker)
    await set_password(sessionmaker, tenant.owner_id, PASSWORD)
    https = settings.model_copy(update={"public_base_url": "https://school.example"})
    app = create_app(https, engine=engine)  # type: ignore[arg-type]
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4000))
    async with httpx.AsyncClient(transport=transport, base_url="https://school.example") as b:
        r = await sign_in(b, tenant.owner_email, PASSWORD)
    assert r.status_code == 303
    assert "secure" in r.headers["set-cookie"].lower()


async def test_a_wrong_password_and_an_unknown_email_get_the_same_answer(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> None:
    await set_password(sessionmaker, tenant.owner_id, PASSWORD)
    stranger = f"{unique('nobody')}@example.com"
    async with visitor(client) as one, visitor(client) as two:
        wrong = await sign_in(one, tenant.owner_email, "not the password")
        unknown = await sign_in(two, stranger, "not the password")
    assert wrong.status_code == unknown.status_code == 400
    assert "Wrong email or password." in wrong.text
    assert staff_sessions.COOKIE not in wrong.headers.get("set-cookie", "")

    def shown(r: httpx.Response, email: str) -> str:
        return r.text.replace(email, "EMAIL").replace(csrf_of(r.text), "CSRF")

    assert shown(wrong, tenant.owner_email) == shown(unknown, stranger)


async def test_a_user_without_a_password_cannot_sign_in_with_an_empty_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    async with visitor(client) as browser:
        assert (await sign_in(browser, tenant.owner_email, "")).status_code == 400


async def test_failures_lock_the_account_with_a_doubling_backoff(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant
) -> None:
    await set_password(sessionmaker, tenant.owner_id, PASSWORD)
    start = clock.now()
    with clock.frozen(start):
        async with visitor(client) as browser:
            for _ in range(4):
                assert (await sign_in(browser, tenant.owner_email, "guess")).status_code == 400
            fifth = await sign_in(browser, tenant.owner_email, "guess")
        assert fifth.status_code == 400
        assert "Try again in 1 minute." in fifth.text
        # From another address too, and even with the right password: locked.
        async with visitor(client) as elsewhere:
            locked = await sign_in(elsewhere, tenant.owner_email, PASSWORD)
        assert locked.status_code == 429
        assert (
            "Too many failed attempts." in locked.text and "Try again in 1 minute." in locked.text
        )
        assert locked.headers["retry-after"] == "60"
    with clock.frozen(start + timedelta(seconds=61)):
        async with visitor(client) as browser:
            sixth = await sign_in(browser, tenant.owner_email, "guess")
        assert "Try again in 2 minutes." in sixth.text  # doubled
    with clock.frozen(start + timedelta(seconds=61 + 119)):
        async with visitor(client) as browser:
            assert (await sign_in(browser, tenant.owner_email, PASSWORD)).status_code == 429
    with clock.frozen(start + timedelta(seconds=61 + 121)):
        async with visitor(client) as browser:
            assert (await sign_in(browser, tenant.owner_email, PASSWORD)).status_code == 303
            # The success cleared the count: one failure is one failure again.
            assert "Try again" not in (await sign_in(browser, tenant.owner_email, "x")).text


async def test_an_unknown_email_locks_exactly_like_a_known_one(client: httpx.AsyncClient) -> None:
    stranger = f"{unique('nobody')}@example.com"
    async with visitor(client) as browser:
        for _ in range(5):
            await sign_in(browser, stranger, "guess")
        locked = await sign_in(browser, stranger, "guess")
    assert locked.status_code == 429
    assert "Try again in 1 minute." in locked.text


async def test_one_address_trying_many_accounts_is_locked(client: httpx.AsyncClient) -> None:
    async with visitor(client) as browser:
        for _ in range(20):
            await sign_in(browser, f"{unique('spray')}@example.com", "guess")
        locked = await sign_in(browser, f"{unique('spray')}@example.com", "guess")
    assert locked.status_code == 429


@pytest.mark.parametrize(
    "next_path",
    [
        "//evil.example/dashboard",
        "https://evil.example/dashboard",
        "/\\evil.example",
        "/dashboard\\@evil.example",
        "javascript:alert(1)",
        "/elsewhere",
    ],
)
async def test_next_never_leaves_the_dashboard(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    next_path: str,
) -> None:
    await set_password(sessionmaker, tenant.owner_id, PASSWORD)
    async with visitor(client) as browser:
        page = await browser.get("/dashboard/sign-in", params={"next": next_path})
        assert 'name="next" value="/dashboard"' in page.text
        r = await browser.post(
            "/dashboard/sign-in",
            data={
                "csrf": csrf_of(page.text),
                "email": tenant.owner_email,
                "password": PASSWORD,
                "next": next_path,
            },
        )
    assert r.status_code == 303
    assert r.headers["location"] == "/dashboard"


@pytest.mark.parametrize(
    "path",
    [
        "/dashboard/sign-in",
        "/dashboard/sign-in/email",
        "/dashboard/sign-in/link",
        "/dashboard/password/reset",
        "/dashboard/password/new",
    ],
)
@pytest.mark.parametrize("csrf", [None, "forged"])
async def test_every_sign_in_form_refuses_a_post_without_its_csrf_token(
    client: httpx.AsyncClient, tenant: Tenant, path: str, csrf: str | None
) -> None:
    async with visitor(client) as browser:
        await browser.get("/dashboard/sign-in")  # the CSRF cookie, not the form's token
        fields = {"email": tenant.owner_email, "password": "x", "token": "x"}
        r = await browser.post(path, data=fields | ({"csrf": csrf} if csrf else {}))
    assert r.status_code == 403
    assert staff_sessions.COOKIE not in r.headers.get("set-cookie", "")
