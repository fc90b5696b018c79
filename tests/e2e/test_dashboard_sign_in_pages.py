"""The other signed-out pages of the dashboard and the account pages in Chromium, at desktop
and phone width: asking for a sign-in link, the link's landing page, asking for a reset, the
new password, changing the password, and the platform admin's school list. Axe finds nothing
serious or critical; each screen is kept in ``test-artifacts/dashboard/`` and fits 390 px."""

from __future__ import annotations

import pytest
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import sign_in_links
from immersio_booking.auth.staff_sessions import COOKIE
from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import User
from tests.dashboard.staff import open_session
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant, make_member, unique

SHOTS = ARTIFACTS / "dashboard"


async def _looked_at(page: Page, name: str, width: int) -> None:
    source = axe_source()
    assert source is not None, "axe-core is not installed"
    assert await serious_violations(page, source) == [], name
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    scroll = await page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"{name} is {scroll} px wide at {width}"


async def _link(sessionmaker: async_sessionmaker[AsyncSession], user_id: int, purpose: str) -> str:
    async with transaction(sessionmaker) as session:
        _, raw = await sign_in_links.issue(session, user_id, purpose, clock.now())
    return sign_in_links.url("", purpose, raw)


@pytest.mark.parametrize("width", [1280, 390])
async def test_the_signed_out_pages(
    page: Page,
    live_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
    width: int,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    await page.set_viewport_size({"width": width, "height": 800})
    await page.goto(f"{live_url}/dashboard/sign-in/email")
    await _looked_at(page, "sign-in-email", width)
    await page.get_by_label("Email", exact=True).fill(teacher.email)
    await page.get_by_role("button", name="Send the link").click()
    await expect(page.get_by_text("a sign-in link is on its way")).to_be_visible()
    await _looked_at(page, "sign-in-email-sent", width)

    await page.goto(live_url + await _link(sessionmaker, teacher.id, sign_in_links.SIGN_IN))
    await _looked_at(page, "sign-in-link", width)

    await page.goto(f"{live_url}/dashboard/password/reset")
    await _looked_at(page, "password-reset", width)

    await page.goto(live_url + await _link(sessionmaker, teacher.id, sign_in_links.RESET))
    await _looked_at(page, "password-new", width)
    await page.get_by_label("New password", exact=True).fill("long enough 1")
    await page.get_by_label("New password again", exact=True).fill("long enough 2")
    await page.get_by_role("button", name="Save and sign in").click()
    await expect(page.locator("#password-error")).to_have_text("The two passwords differ.")
    await _looked_at(page, "password-new-error", width)


@pytest.mark.parametrize("width", [1280, 390])
async def test_the_password_page_and_the_school_list(
    page: Page,
    live_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
    width: int,
) -> None:
    await page.set_viewport_size({"width": width, "height": 800})
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    await page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": live_url}])
    await page.goto(f"{live_url}/dashboard/password")
    await _looked_at(page, "password-change", width)

    async with transaction(sessionmaker) as session:
        admin = User(email=f"{unique('admin')}@platform.example.com", is_platform_admin=True)
        session.add(admin)
        await session.flush()
        admin_id = admin.id
    await page.context.clear_cookies()
    cookie = await open_session(sessionmaker, settings, admin_id)
    await page.context.add_cookies([{"name": COOKIE, "value": cookie, "url": live_url}])
    await page.goto(f"{live_url}/dashboard/schools?q={tenant.slug}")
    await expect(page.get_by_text(f"School {tenant.slug}").first).to_be_visible()
    await _looked_at(page, "platform-schools", width)
