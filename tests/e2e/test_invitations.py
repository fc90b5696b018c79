"""An invite-only workshop in the browser: the invitation link books; the bare page refuses."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from playwright.async_api import Page, expect

from tests import dates
from tests.bookings.helpers import teacher_hours
from tests.factories import Tenant
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.security.test_invitations import invite, invite_only_workshop


async def test_the_link_in_the_invitation_email_books_and_the_bare_page_does_not(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    email = f"zoe-{tenant.slug}@example.com"
    await invite(client, tenant, et, email)
    await run_jobs(database_url)
    (mail,) = inbox.to(email)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = urlsplit(next(w for w in text.split() if "invitation=" in w))

    # Next month: every weekday of it is free, whatever day the suite runs on.
    month = dates.first_monday_of_next_month(dates.today()).strftime("%Y-%m")
    await page.goto(f"{live_url}{link.path}?month={month}")  # without the invitation
    await page.locator(".month a").first.click()  # another day: the page keeps what it carries
    await page.locator("input[name=start]").first.check()
    await page.fill("#f-name", "Walk In")
    await page.fill("#f-email", "walk-in@example.com")
    await page.click("#book-button")
    await expect(page.locator("#book-error")).to_contain_text("invitation only")

    await page.goto(f"{live_url}{link.path}?{link.query}&month={month}")
    await expect(page.locator("#invitation-note")).to_contain_text("You were invited")
    await page.locator(".month a").nth(1).click()
    await expect(page.locator("#f-email")).to_have_value(email)
    await page.locator("input[name=start]").first.check()
    await page.fill("#f-name", "Zoé Student")
    await page.click("#book-button")
    await page.wait_for_url("**/booking/**")
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
