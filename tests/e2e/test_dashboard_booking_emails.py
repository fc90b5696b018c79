"""A booking's emails on its dashboard page in Chromium, English and French, desktop and phone:
one sent, one refused by the mail server; axe finds nothing serious and each view is
photographed into test-artifacts/dashboard/."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from tests.dashboard.staff import Staff
from tests.e2e.dashboard import photographed_everywhere, sign_in
from tests.factories import Tenant
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.notifications.email_helpers import REFUSAL, booked


async def test_the_booking_page_lists_its_emails(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
) -> None:
    inbox.refuse(REFUSAL, to=tenant.owner_email)
    booking = await booked(client, tenant, f"celeste-{tenant.slug}@example.com")
    await run_jobs(database_url)
    await sign_in(page, live_url, staff, tenant.owner_id, tenant.id)
    url = f"{live_url}/dashboard/bookings/{booking['uid']}"
    await page.goto(url)
    emails = page.get_by_role("table", name="Emails")
    await expect(emails.get_by_role("row")).to_have_count(3)
    await expect(emails).to_contain_text(f"Failed ({REFUSAL})")
    await photographed_everywhere(page, url, "booking-emails")
