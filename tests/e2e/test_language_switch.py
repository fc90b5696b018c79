"""The footer's language switch in a browser: the confirmation keeps its manage link, the
manage page its token, the embed its embed mode; a missing page is French on a French page."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.bookings.helpers import MONDAY, one_booking, token_of
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant


@pytest.mark.parametrize("width", [1200, 390])
async def test_switching_to_french_keeps_the_booking_reachable(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant, width: int
) -> None:
    _, booked = await one_booking(client, tenant, f"{MONDAY.isoformat()}T10:00:00Z")
    await page.set_viewport_size({"width": width, "height": 900})
    await page.goto(f"{live_url}/booking/{booked['uid']}?token={token_of(booked)}&lang=en")
    await page.get_by_role("link", name="Français").click()
    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"confirmation-fr-{width}.png"), full_page=True)
    manage = page.locator(f'a[href*="/booking/{booked["uid"]}/manage?token="]')
    await expect(manage).to_be_visible()
    await manage.click()
    await expect(page).to_have_url(re.compile(r"/manage\?token="))
    await page.get_by_role(
        "link", name="Français" if "lang=fr" not in page.url else "English"
    ).click()
    if "lang=en" in page.url:
        await page.get_by_role("link", name="Français").click()
    await expect(page.locator("html")).to_have_attribute("lang", "fr")
    assert "token=" in page.url and "/manage" in page.url
    await expect(page.get_by_role("heading", name="Page introuvable")).to_have_count(0)
    await page.screenshot(path=str(ARTIFACTS / f"manage-fr-{width}.png"), full_page=True)
    await page.goto(f"{live_url}/booking/{booked['uid']}/manage?token=wrong&lang=fr")
    await expect(page.get_by_role("heading", name="Page introuvable")).to_be_visible()
    await expect(page.locator(".notice")).to_contain_text("Cette page n’existe pas")
    await page.screenshot(path=str(ARTIFACTS / f"error-fr-{width}.png"), full_page=True)
