"""The booking page in a real browser: errors said next to their fields in the page's
language, a mistyped zone kept visible, at desktop and phone width; axe clean."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from playwright.async_api import Page, expect

from tests.bookings.helpers import workshop
from tests.e2e.axe import axe_source, serious_violations
from tests.factories import Tenant
from tests.web.pages import school

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "booking-page"
WIDTHS = {"desktop": 1200, "phone": 390}
TEXT = {
    "en": (
        "Email address",
        "Guests (emails, comma separated)",
        "Choose a time first.",
        "Enter an email address like name@example.com.",
        "Each guest needs an email address",
    ),
    "fr": (
        "Adresse e-mail",
        "Invités (e-mails séparés par des virgules)",
        "Choisissez d'abord un horaire.",
        "Saisissez une adresse e-mail comme",
        "Chaque invité·e doit avoir une adresse e-mail",
    ),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
async def test_field_errors_are_said_next_to_their_fields_in_the_page_language(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant, lang: str, width: str
) -> None:
    await school(client, tenant)
    et = await workshop(client, tenant, title="Private lesson")  # no seats: takes guests
    await page.set_viewport_size({"width": WIDTHS[width], "height": 900})
    await page.goto(f"{live_url}/{tenant.slug}/{et['slug']}?tz=Pariss&lang={lang}")
    await expect(page.locator("#tz-error")).to_contain_text("Pariss")
    await expect(page.locator("#tz")).to_have_attribute("data-zone", "Europe/Paris")  # browser's
    email, guests, choose, bad_email, bad_guests = TEXT[lang]
    await page.get_by_label(email).fill("not-an-email")
    await page.locator("#book-button").click()
    await expect(page.locator("#e-start")).to_have_text(choose)
    await expect(page.locator("#e-email")).to_contain_text(bad_email)
    await expect(page.locator("#f-email")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-email")).to_have_attribute("aria-describedby", "e-email")
    await page.locator("input[name=start]").first.check()
    await page.locator("#f-name").fill("Ada")
    await page.get_by_label(email).fill("ada@example.com")
    await page.get_by_label(guests).fill("friend-without-at-sign")
    await page.locator("#book-button").click()
    await expect(page.locator("#e-guests")).to_contain_text(bad_guests)
    await expect(page.locator("#e-email")).to_be_hidden()
    SHOTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(SHOTS / f"errors-{lang}-{width}.png"), full_page=True)
    source = axe_source()
    if source is None:
        pytest.skip("axe-core is not available (npm)")
    assert await serious_violations(page, source) == []
