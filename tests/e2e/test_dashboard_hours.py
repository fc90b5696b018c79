"""Workshops and availability of the dashboard in Chromium: screenshots at 1280 and 390 px in
English and French, no serious axe finding, the weekly editor with and without JavaScript."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, BrowserContext, expect

from tests.dashboard.staff import Staff
from tests.e2e.dashboard import LANGUAGES, WIDTHS, let_in, photographed
from tests.factories import Tenant, unique


async def _signed_in(
    browser: Browser, live_url: str, cookie: str, *, javascript: bool = True, width: int = 1280
) -> BrowserContext:
    context = await browser.new_context(
        viewport={"width": width, "height": 900}, java_script_enabled=javascript, locale="en-GB"
    )
    await let_in(context, live_url, cookie)
    return context


async def _new_workshop(context: BrowserContext, live_url: str) -> str:
    page = await context.new_page()
    await page.goto(f"{live_url}/dashboard/workshops/new")
    await page.get_by_label("Title").fill("Conversation club")
    await page.get_by_label("Address on the school’s page").fill(unique("club"))
    await page.get_by_label("Seats per session").fill("6")
    await page.get_by_label("Price").fill("15")
    await page.get_by_role("button", name="Create workshop").click()
    await expect(page.get_by_role("status")).to_be_visible()
    url = page.url.split("?")[0]
    await page.close()
    return url


@pytest.mark.parametrize("width", WIDTHS)
async def test_screens_are_accessible_in_both_languages(
    browser: Browser,
    live_url: str,
    staff: Staff,
    tenant: Tenant,
    width: int,
) -> None:
    cookie = await staff.cookie(tenant.owner_id)
    context = await _signed_in(browser, live_url, cookie, width=width)
    workshop = await _new_workshop(context, live_url)
    page = await context.new_page()
    await page.goto(f"{live_url}/dashboard/availability")
    await page.get_by_role("button", name="Create a schedule").click()
    await expect(page.get_by_role("heading", name="Weekly hours")).to_be_visible()
    for name, path in (
        ("workshops", "/dashboard/workshops"),
        ("workshop", workshop.removeprefix(live_url)),
        ("availability", "/dashboard/availability"),
    ):
        for lang in LANGUAGES:
            await page.goto(f"{live_url}{path}?lang={lang}")
            await expect(page.locator("html")).to_have_attribute("lang", lang)
            await photographed(page, f"{name}-{lang}-{width}")
    await context.close()


async def test_weekly_editor_with_and_without_javascript(
    browser: Browser,
    live_url: str,
    staff: Staff,
    tenant: Tenant,
) -> None:
    cookie = await staff.cookie(tenant.owner_id)
    for javascript in (True, False):
        context = await _signed_in(browser, live_url, cookie, javascript=javascript)
        page = await context.new_page()
        await page.goto(f"{live_url}/dashboard/availability")
        if await page.get_by_role("button", name="Create a schedule").count():
            await page.get_by_role("button", name="Create a schedule").click()
        monday = page.locator('.day[data-day="Monday"]')
        rows = await monday.locator(".range").count()
        await monday.get_by_role("button", name="Add a range").click()
        await expect(monday.locator(".range")).to_have_count(rows + 1)
        await page.fill("#monday-0-start", "09:00")
        await page.fill("#monday-0-end", "12:00")
        await page.fill("#monday-1-start", "13:00")
        await page.fill("#monday-1-end", "15:00")
        await monday.locator("summary").click()
        await monday.get_by_label("Saturday").check()
        await monday.get_by_role("button", name="Copy", exact=True).click()
        await expect(page.locator("#saturday-1-start")).to_have_value("13:00")
        await page.get_by_role("button", name="Save the hours").click()
        await expect(page.get_by_role("status")).to_have_text("Saved.")
        await expect(page.locator("#saturday-1-end")).to_have_value("15:00")
        await context.close()
