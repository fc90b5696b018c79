"""A session's waitlist in the dashboard, in Chromium at desktop and phone width, English and
French: reached from "Today", a student removed with JavaScript off (a plain form), axe finds
nothing serious; screenshots in test-artifacts/dashboard/."""

from __future__ import annotations

import httpx
from playwright.async_api import Browser, Page
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import staff_sessions
from immersio_booking.config import Settings
from immersio_booking.models.waitlist import WaitlistStatus
from tests.bookings.helpers import MONDAY, cancel_as_school
from tests.dashboard.staff import open_session
from tests.e2e.test_dashboard_bookings import looked_at
from tests.factories import Tenant
from tests.waitlist.offer_helpers import full_session, line_up, statuses


async def test_the_waitlist_screen_without_javascript(
    browser: Browser,
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    full = await full_session(client, tenant, seats=2)
    line = await line_up(sessionmaker, full.et, 3)
    await cancel_as_school(client, tenant, full.seats[0])
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    cookies = [{"name": staff_sessions.COOKIE, "value": cookie, "url": f"{live_url}/dashboard"}]
    await page.context.add_cookies(cookies)  # type: ignore[arg-type]
    await page.goto(f"{live_url}/dashboard?day={MONDAY.isoformat()}")
    # The offered seat is held, not left: 1 taken, 1 held for the offer, 0 left.
    assert "1 seat taken, 0 left" in await page.content()
    assert await page.get_by_text("1 seat held for a waitlist offer").is_visible()
    await looked_at(page, "today-waitlist")
    await page.goto(f"{live_url}/dashboard?day={MONDAY.isoformat()}&lang=fr")
    assert await page.get_by_text(
        "1 place retenue pour une offre de la liste d’attente"
    ).is_visible()
    await looked_at(page, "today-waitlist-fr")
    await page.goto(f"{live_url}/dashboard?day={MONDAY.isoformat()}")
    await page.get_by_role("link", name="3 students on the waitlist").click()
    await page.wait_for_url("**/dashboard/waitlist?**")
    await looked_at(page, "waitlist")
    await page.goto(page.url + "&lang=fr")
    assert "Place proposée" in await page.content()
    await looked_at(page, "waitlist-fr")

    # Without JavaScript: a plain form, back to the page with the notice.
    context = await browser.new_context(java_script_enabled=False)
    await context.add_cookies(cookies)  # type: ignore[arg-type]
    plain = await context.new_page()
    try:
        await plain.goto(page.url.replace("&lang=fr", ""))
        await plain.get_by_role("button", name="Remove Lin Waiting from the waitlist").first.click()
        await plain.wait_for_url("**removed=1**")
        assert "Taken out of the waitlist." in await plain.content()
    finally:
        await context.close()
    assert await statuses(sessionmaker, line) == [
        WaitlistStatus.LEFT,
        WaitlistStatus.OFFERED,
        WaitlistStatus.WAITING,
    ]
