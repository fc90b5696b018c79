"""A seat offered from the waitlist, in a real browser: the email's button, the offer page
and its one button to the confirmation, and the page of an offer that ran out (in French),
at desktop and phone widths (screenshots kept in test-artifacts/)."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.models.waitlist import WaitlistStatus
from immersio_booking.waitlist import expiry
from tests.bookings.helpers import cancel_as_school
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.shots import at_desktop_and_phone
from tests.factories import Tenant
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.meeting_links.helpers import html_of
from tests.waitlist.offer_helpers import accept_url, entries, full_session, line_up


async def test_the_offered_student_takes_the_seat_in_the_browser(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    inbox: Inbox,
) -> None:
    full = await full_session(client, tenant, seats=1, title="Conversation Club")
    (uid,) = await line_up(sessionmaker, full.et, 1)
    await cancel_as_school(client, tenant, full.seats[0])
    await run_jobs(database_url)
    (entry,) = await entries(sessionmaker, [uid])
    (message,) = inbox.to(entry.email)
    await page.set_content(html_of(message))
    await expect(page.get_by_role("link", name="Take the seat")).to_be_visible()
    await at_desktop_and_phone(page, "email-waitlist-offer")

    await page.goto(live_url + await accept_url(sessionmaker, settings, uid))
    await expect(page.locator("#until")).to_be_visible()
    await at_desktop_and_phone(page, "waitlist-offer")
    source = axe_source()
    if source is not None:
        assert await serious_violations(page, source) == []
    await page.locator("#accept-button").click()
    await expect(page).to_have_url(re.compile(r"/booking/[^/?]+\?token="))
    await at_desktop_and_phone(page, "waitlist-offer-booked")
    (entry,) = await entries(sessionmaker, [uid])
    assert entry.status == WaitlistStatus.BOOKED


async def test_an_offer_that_ran_out_says_so_in_french(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
) -> None:
    full = await full_session(client, tenant, seats=1, title="Club de conversation")
    (uid,) = await line_up(sessionmaker, full.et, 1)
    await cancel_as_school(client, tenant, full.seats[0])
    url = await accept_url(sessionmaker, settings, uid)
    later = timedelta(minutes=61)
    with clock.shifted(later):
        async with sessionmaker() as session, session.begin():
            await expiry.expire(session, clock.now())
        await page.goto(live_url + url.replace("lang=en", "lang=fr"))
        await expect(page.locator("#ran-out-note")).to_contain_text("Cette offre a expiré")
        await expect(page.locator("#accept-button")).to_have_count(0)
        await at_desktop_and_phone(page, "waitlist-offer-ran-out-fr")
