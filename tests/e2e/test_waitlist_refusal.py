"""The booking page's waitlist form in Chromium when the workshop verifies emails: the code is
asked, and with JavaScript the code typed in the form joins; without it, the refusal comes back
next to the form. French and English, desktop and phone, axe clean."""

from __future__ import annotations

import httpx
import pytest
from playwright.async_api import Browser, Page, expect

from tests.bookings.helpers import MONDAY
from tests.e2e.axe import axe_source, serious_violations
from tests.e2e.test_waitlist_page import SHOTS, WIDTHS
from tests.factories import Tenant
from tests.mail import Inbox
from tests.security.test_email_verification import code_sent_to
from tests.waitlist.helpers import email
from tests.waitlist.test_join_verification import verified_full_session

ASKED = {"en": "We sent a 6-digit code to", "fr": "Nous avons envoyé un code"}


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_the_code_is_asked_beside_the_waitlist_form(
    browser: Browser,
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    lang: str,
) -> None:
    et = await verified_full_session(client, tenant)
    url = f"{live_url}/{tenant.slug}/{et['slug']}?tz=Europe/Paris&date={MONDAY}&lang={lang}"
    # Without JavaScript: the refusal comes back on the page, next to the form.
    context = await browser.new_context(java_script_enabled=False)
    plain = await context.new_page()
    address = email("nojs")
    try:
        await plain.goto(url)
        await plain.locator("#w-name").fill("Ada")
        await plain.locator("#w-email").fill(address)
        await plain.locator("#waitlist-button").click()
        await plain.wait_for_url("**waitlistRefused=email_verification_required**")
        assert ASKED[lang] in await plain.locator("#waitlist-error").inner_text()
        back = plain.url
    finally:
        await context.close()
    source = axe_source()
    await page.goto(back)  # the same page as the student saw it, looked at with JavaScript
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in WIDTHS.values():
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=str(SHOTS / f"code-asked-{lang}-{width}.png"), full_page=True)
        if source is not None:
            assert await serious_violations(page, source) == []
    # With JavaScript: the code from the email, typed in the form, joins.
    code = await code_sent_to(inbox, database_url, address)
    await page.locator("#w-code").fill(code)
    await page.locator("#waitlist-button").click()
    await expect(page.locator("#waitlist-done")).to_be_visible()
