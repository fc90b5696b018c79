"""The student's view of a live session's link, in a real browser: the manage page's "Join"
button appears at its time without a reload, and the confirmation email's HTML part, both at
desktop and phone widths (screenshots kept in test-artifacts/)."""

from __future__ import annotations

from datetime import timedelta

import httpx
from playwright.async_api import Page, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.e2e.shots import at_desktop_and_phone
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.meeting_links.helpers import add_meeting, html_of

START = dates.instant(MONDAY, "10:00")


async def test_the_join_button_appears_at_its_time_without_a_reload(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation Club")
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    url = await add_meeting(sessionmaker, booking["uid"])
    manage = f"{live_url}/booking/{booking['uid']}/manage?token={token_of(booking)}&tz=Europe/Paris"
    early = START - timedelta(minutes=12)
    await page.clock.install(time=early)
    with clock.frozen(early):
        await page.goto(manage)
        await expect(page.locator("#join-later")).to_contain_text("at 10:50 (Paris, UTC+1)")
        await expect(page.locator("#join-button")).to_have_count(0)
        await at_desktop_and_phone(page, "manage-join-soon")
    await page.evaluate("window.sameDocument = true")
    with clock.frozen(START - timedelta(minutes=10)):
        await page.clock.run_for("02:01")  # the page's timer fires: it asks the server again
        button = page.locator("#join-button")
        await expect(button).to_have_attribute("href", url)
    assert await page.evaluate("window.sameDocument") is True  # no reload
    await at_desktop_and_phone(page, "manage-join-open")
    source = axe_source()
    if source is not None:
        assert await serious_violations(page, source) == []


async def test_the_confirmation_email_as_a_student_sees_it(
    page: Page,
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation Club")
    booking = data(
        await book(
            client, et["id"], dates.at(MONDAY, "10:00"), attendee=student("eml@example.com")
        ),
        201,
    )
    url = await add_meeting(sessionmaker, booking["uid"])
    await run_jobs(database_url)
    [message] = inbox.to("eml@example.com")
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "confirmation-with-join-link.eml").write_bytes(bytes(message))
    await page.set_content(html_of(message))
    button = page.get_by_role("link", name="Join the video call")
    await expect(button).to_have_attribute("href", url)
    await at_desktop_and_phone(page, "email-confirmation-join")
