"""The dashboard's "Today" and "Bookings" screens in Chromium, at desktop and phone width: the
forms work without JavaScript, axe finds nothing serious, and each screen is photographed into
test-artifacts/dashboard/."""

from __future__ import annotations

import httpx
from playwright.async_api import Page

from tests.bookings.helpers import MONDAY
from tests.dashboard.bookings_setup import seated_session
from tests.dashboard.staff import Staff
from tests.e2e.dashboard import photographed, sign_in
from tests.e2e.shots import at_desktop_and_phone
from tests.factories import Tenant


async def looked_at(page: Page, name: str) -> None:
    await at_desktop_and_phone(page, name, photographed)


async def test_today_and_bookings_screens(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    _, seats = await seated_session(client, tenant)
    await sign_in(page, live_url, staff, tenant.owner_id, tenant.id)
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
