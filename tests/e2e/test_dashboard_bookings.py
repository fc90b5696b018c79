"""The dashboard's "Today" and "Bookings" screens in Chromium, at desktop and phone width: the
forms work without JavaScript, axe finds nothing serious, and each screen is photographed into
test-artifacts/dashboard/."""

from __future__ import annotations

from pathlib import Path

import httpx
from playwright.async_api import Page
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.auth import staff_sessions
from immersio_booking.config import Settings
from tests.bookings.helpers import MONDAY
from tests.dashboard.bookings_setup import seated_session
from tests.dashboard.staff import open_session
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant

SHOTS: Path = ARTIFACTS / "dashboard"
WIDTHS = ((1280, 900), (390, 844))


async def looked_at(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    source = axe_source()
    for width, height in WIDTHS:
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        if source is not None:
            assert await serious_violations(page, source) == [], (name, width)


async def test_today_and_bookings_screens(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    _, seats = await seated_session(client, tenant)
    cookie = await open_session(sessionmaker, settings, tenant.owner_id, tenant.id)
    await page.context.add_cookies(
        [{"name": staff_sessions.COOKIE, "value": cookie, "url": f"{live_url}/dashboard"}]
    )
    await page.goto(f"{live_url}/dashboard?day={MONDAY.isoformat()}")
    await page.get_by_text("Email the attendees of this session").first.click()
    await looked_at(page, "today")
    await page.get_by_label("Subject").first.fill("Room change")
    await page.get_by_label("Message").first.fill("Room 4")
    await page.get_by_role("button", name="Send").first.click()
    await page.wait_for_url("**sent=2**")
    await page.goto(f"{live_url}/dashboard/bookings")
    await looked_at(page, "bookings")
    await page.goto(f"{live_url}/dashboard/bookings/{seats[0]['uid']}")
    await looked_at(page, "booking")
    await page.get_by_role("link", name="Choose a new time").click()
    await page.wait_for_url("**/reschedule")
    await page.goto(f"{live_url}/dashboard/bookings/{seats[0]['uid']}/reschedule?from={MONDAY}")
    await looked_at(page, "reschedule")
    await page.goto(f"{live_url}/dashboard/bookings/{seats[0]['uid']}?lang=fr")
    await looked_at(page, "booking-fr")
    await page.get_by_role("button", name="Annuler la réservation").click()
    await page.wait_for_url("**done=cancel**")
    assert "La réservation est annulée." in await page.content()
