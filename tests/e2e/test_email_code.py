"""A visitor books a workshop that verifies the booker's email, in a real browser."""

from __future__ import annotations

import re

import httpx
from playwright.async_api import Page, expect

from tests.bookings.helpers import workshop
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.web.pages import school


async def test_the_emailed_code_is_asked_for_then_books(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
) -> None:
    await school(client, tenant)
    et = await workshop(
        client, tenant, title="Verified class", requiresBookerEmailVerification=True
    )
    await page.goto(f"{live_url}/{tenant.slug}/{et['slug']}?tz=Europe/Paris")
    code_field = page.get_by_label("Email verification code")
    await expect(code_field).to_be_visible()
    await page.get_by_label("Your name").fill("Ada Student")
    await page.get_by_label("Email address").fill("ada.verified@example.com")
    await page.locator("input[name=start]").first.check()
    await page.locator("#book-button").click()
    error = page.locator("#book-error")
    await expect(error).to_contain_text("We sent a 6-digit code to ada.verified@example.com")
    await expect(code_field).to_be_focused()
    ARTIFACTS.mkdir(exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / "booking-email-code-desktop.png"), full_page=True)
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.screenshot(path=str(ARTIFACTS / "booking-email-code-phone.png"), full_page=True)

    await run_jobs(database_url)
    body = inbox.to("ada.verified@example.com")[-1].get_body().get_content()  # type: ignore[union-attr]
    found = re.search(r"\b(\d{6})\b", body)
    assert found
    await code_field.fill(found.group(1))
    await page.locator("#book-button").click()
    await expect(page).to_have_url(re.compile(r"/booking/[^/?]+\?token="))
