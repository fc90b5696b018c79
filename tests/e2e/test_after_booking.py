"""After booking, in a real browser (desktop and phone width, English and French): the payment
page with its seat-hold countdown, paying on localstripe and landing on the confirmation with
the manage link, the "Add to calendar" menu, and the manage page's confirmed cancel. Each page
is checked with axe and photographed into test-artifacts/ (looked at before release)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import httpx
import pytest
from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Payment
from tests import dates
from tests.bookings.helpers import MONDAY, book, booking_state, student, token_of
from tests.dates import DAY, WEEK
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.conftest import ARTIFACTS
from tests.factories import Tenant
from tests.helpers import data
from tests.payments.helpers import end_holds, pay, stripe_workshop
from tests.web.pages import school

WIDTHS = ((1200, 900), (390, 844))


async def looked_at(page: Page, name: str) -> None:
    """Screenshots at desktop and phone width, and axe's serious findings: none."""
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in WIDTHS:
        await page.set_viewport_size({"width": width, "height": height})
        await page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
        source = axe_source()
        if source is not None:
            assert await serious_violations(page, source) == [], (name, width)
    await page.set_viewport_size({"width": WIDTHS[0][0], "height": WIDTHS[0][1]})


async def paid_booking(
    client: httpx.AsyncClient, tenant: Tenant, weeks: int, **attendee: Any
) -> dict[str, Any]:
    et = await stripe_workshop(client, tenant, title="Paid class", price=2500, currency="eur")
    start = dates.at(MONDAY + weeks * WEEK, "10:00")
    return data(  # type: ignore[no-any-return]
        await book(client, et["id"], start, attendee=student("payer@example.com", **attendee)),
        201,
    )


async def test_paying_lands_on_the_confirmation_with_the_manage_link(
    page: Page,
    live_url: str,
    localstripe: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    booking = await paid_booking(client, tenant, weeks=6)
    uid = booking["payment"]["uid"]
    await page.goto(f"{live_url}/payment/{uid}")
    await expect(page.locator("#when")).to_contain_text("(Paris, UTC+1)")
    await expect(page.locator("#student")).to_have_text("Ada Student")
    await expect(page.locator("#hold-left")).to_have_text(re.compile(r"^Time left: \d+:\d\d$"))
    await expect(page.locator("#change-time")).to_be_visible()
    await expect(page.locator("#payment-element input").first).to_be_visible()
    await looked_at(page, "payment-en")
    async with sessionmaker() as session:
        payment = (await session.execute(select(Payment).where(Payment.uid == uid))).scalar_one()
    assert await pay(localstripe, payment.external_id or "") == "succeeded"
    await expect(page).to_have_url(re.compile(r"/booking/[^/?]+\?token="), timeout=15000)
    await expect(page.get_by_role("heading", name="You are booked!")).to_be_visible()
    manage = page.locator("#manage-link")
    await expect(manage).to_have_attribute("href", re.compile(r"/manage\?token=."))
    menu = page.locator("#calendar-menu")
    await expect(menu.get_by_role("link", name="Outlook.com")).to_be_hidden()
    await menu.get_by_text("Add to calendar").click()  # the disclosure opens
    await expect(menu.get_by_role("link", name="Outlook.com")).to_be_visible()
    await looked_at(page, "confirmation-en")
    await manage.click()
    await expect(page.locator("#status")).to_have_text("Confirmed")


async def test_the_countdown_ends_the_hold_and_offers_to_choose_again(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    booking = await paid_booking(client, tenant, weeks=7, language="fr")  # in French
    await end_holds(sessionmaker, booking["uid"], after=timedelta(seconds=90))
    await page.clock.install()
    await page.goto(f"{live_url}/payment/{booking['payment']['uid']}")
    left = page.locator("#hold-left")
    await expect(left).to_have_text(re.compile(r"^Temps restant : 1:[23]\d$"))
    await expect(page.locator("#hold-ended")).to_be_hidden()
    await looked_at(page, "payment-fr")
    await page.clock.run_for("01:35")
    await expect(page.locator("#hold-ended")).to_be_visible()
    await expect(page.locator("#payment-form")).to_be_hidden()
    await looked_at(page, "payment-hold-ended-fr")
    await page.locator("#hold-ended").get_by_role("link", name="Choisir à nouveau").click()
    await expect(page).to_have_url(re.compile(rf"/{tenant.slug}/[^/?]+\?tz=Europe%2FParis"))


@pytest.mark.parametrize("language", ["en", "fr"])
async def test_cancelling_from_the_manage_page_asks_first(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant, language: str
) -> None:
    _, et = await school(client, tenant)
    start = dates.at(MONDAY + 3 * DAY, "10:00")
    booked = data(await book(client, et["id"], start, attendee=student(language=language)), 201)
    await page.goto(f"{live_url}/booking/{booked['uid']}/manage?token={token_of(booked)}")
    status = {"en": "Confirmed", "fr": "Confirmée"}[language]
    await expect(page.locator("#status")).to_have_text(status)
    await expect(page.locator("#reschedule-link")).to_be_visible()
    await expect(page.locator("#cancel-button")).to_be_hidden()
    await looked_at(page, f"manage-{language}")
    await page.locator("#cancel-open").click()
    await expect(page.locator("#refund-note")).to_be_visible()
    await looked_at(page, f"manage-cancel-step-{language}")
    await page.locator("#cancel-button").click()
    await expect(page.locator("#cancelled-note")).to_be_visible()
    assert (await booking_state(client, tenant, booked["uid"]))["status"] == "cancelled"
    await expect(page.locator("#status")).to_have_text(
        {"en": "Cancelled", "fr": "Annulée"}[language]
    )
    assert page.dialogs == []  # type: ignore[attr-defined]  # no window.confirm
