"""A student who is not on a workshop's list tries to book it: the refusal is said next to the
email field, in the page's language, and nothing is booked."""

from __future__ import annotations

import httpx
import pytest
from babel.dates import format_date
from playwright.async_api import Page, expect

from tests.bookings.helpers import MONDAY, workshop
from tests.e2e.journeys.story import Story, choose_day_and_time
from tests.factories import Tenant
from tests.web.pages import school

TEXT = {
    "en": ("Your name", "Email address", "open only to students on the school's list"),
    "fr": ("Votre nom", "Adresse e-mail", "réservé aux élèves inscrits sur la liste de l'école"),
}


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_student_not_on_the_list_is_told_why_next_to_their_email(
    page: Page, live_url: str, client: httpx.AsyncClient, tenant: Tenant, lang: str
) -> None:
    story = Story(page, f"whitelist-refusal-{lang}")
    await school(client, tenant)
    et = await workshop(client, tenant, title="Invited only", metadata={"whitelist_enabled": True})
    await page.goto(f"{live_url}/{tenant.slug}/{et['slug']}?tz=Europe/Paris&lang={lang}")
    await expect(page.locator("#whitelist-note")).to_be_visible()
    name, email, refusal = TEXT[lang]
    await choose_day_and_time(page, format_date(MONDAY, "LLLL y", locale=lang))
    await page.get_by_label(name).fill("Stranger")
    await page.get_by_label(email).fill("stranger@example.com")
    await page.locator("#book-button").click()
    beside = page.locator("#e-email")
    await expect(beside).to_contain_text(refusal)
    await expect(beside).to_contain_text("stranger@example.com")
    await expect(page.locator("#f-email")).to_have_attribute("aria-invalid", "true")
    await expect(page.locator("#f-email")).to_be_focused()
    assert "/booking/" not in page.url
    await story.look("refused", phone=True)
