"""A booked student changes their mind: from the confirmation to the manage page, then another
time (the current one shown, nothing pre-chosen) or a cancellation (asked first, the refund
said)."""

from __future__ import annotations

import httpx
from playwright.async_api import Page, expect

from tests import dates
from tests.bookings.helpers import MONDAY, book, student, token_of
from tests.e2e.journeys.story import CONFIRMATION, Story
from tests.factories import Tenant
from tests.helpers import data
from tests.web.pages import school


async def booked(client: httpx.AsyncClient, tenant: Tenant) -> tuple[str, str]:
    """A student's booking on MONDAY at 10:00 UTC (11:00 in Paris): its confirmation address
    (what the student's email links to) and its uid."""
    _, et = await school(client, tenant)
    made = data(await book(client, et["id"], dates.at(MONDAY, "10:00"), attendee=student()), 201)
    return f"/booking/{made['uid']}?token={token_of(made)}&tz=Europe/Paris", made["uid"]


async def test_a_student_moves_their_booking_to_another_time(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    story = Story(page, "reschedule")
    confirmation, _ = await booked(client, tenant)
    await page.goto(live_url + confirmation)
    await expect(page.locator("#when")).to_contain_text("11:00 – 12:00")
    await page.locator("#manage-link").click()
    await expect(page.locator("#status")).to_have_text("Confirmed")
    await story.look("manage")
    await page.locator("#reschedule-link").click()

    await expect(page.get_by_role("heading", name="Choose a new time")).to_be_visible()
    await expect(page.locator("#current-time")).to_contain_text("11:00 – 12:00")
    await expect(page.locator("input[name=start]:checked")).to_have_count(0)  # nothing chosen
    current = page.locator("label.current input[name=start]")
    await expect(current).to_be_disabled()
    await expect(page.locator("#book-button")).to_have_text("Choose a time above")
    await story.look("choose-new-time", phone=True)
    later = page.locator("ul.slots label").filter(has_text="14:00")
    await later.locator("input").check()
    await expect(page.locator("#book-button")).to_have_text("Move my booking")
    await page.locator("#book-button").click()

    await expect(page).to_have_url(CONFIRMATION)
    await expect(page.get_by_role("heading", name="You are booked!")).to_be_visible()
    await expect(page.locator("#when")).to_contain_text("14:00 – 15:00")
    await story.look("confirmation")


async def test_a_student_cancels_after_being_asked(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    story = Story(page, "cancel")
    confirmation, _ = await booked(client, tenant)
    await page.goto(live_url + confirmation)
    await page.locator("#manage-link").click()
    await expect(page.locator("#cancel-button")).to_be_hidden()  # not one click away
    await page.locator("#cancel-open").click()
    await expect(page.locator("#refund-note")).to_contain_text("Nothing was paid")
    await expect(page.locator("#cancel-button")).to_be_visible()
    # The opener now offers the way back, not a second "Cancel my booking".
    await expect(page.locator("#cancel-open")).to_have_text("Keep my booking", use_inner_text=True)
    await story.look("confirm-step", phone=True)
    await page.locator("#cancel-button").click()
    await expect(page.locator("#cancelled-note")).to_be_visible()
    await expect(page.locator("#status")).to_have_text("Cancelled")
    await expect(page.locator("#reschedule-link")).to_have_count(0)
    await story.look("cancelled")
    assert page.dialogs == []  # type: ignore[attr-defined]  # the page asked, not window.confirm
