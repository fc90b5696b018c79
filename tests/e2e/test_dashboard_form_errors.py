"""Refused dashboard forms in French in Chromium, at 1280 and 390 px: the reminder form's
"at most a year" and the webhook form's address, said beside their fields in French only
(screenshots in ``test-artifacts/dashboard/``, axe clean)."""

from __future__ import annotations

from playwright.async_api import Browser, expect

from tests.dashboard.staff import Staff
from tests.e2e.dashboard import WIDTHS, let_in, photographed
from tests.factories import Tenant


async def test_refused_forms_are_said_in_french(
    browser: Browser, live_url: str, staff: Staff, tenant: Tenant
) -> None:
    context = await browser.new_context(locale="fr-FR")
    await let_in(context, live_url, await staff.cookie(tenant.owner_id))
    page = await context.new_page()
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        await page.goto(f"{live_url}/dashboard/settings/reminders/new")
        await page.locator("#name").fill("Un rappel")
        await page.locator("#time").fill("9999")
        await page.locator("#time_unit").select_option("DAY")
        await page.get_by_role("button", name="Enregistrer").click()
        await expect(page.locator("#time-error")).to_have_text(
            "Vérifiez cette valeur : au plus un an."
        )
        await photographed(page, f"settings-reminder-refused-fr-{width}")
        await page.goto(f"{live_url}/dashboard/settings/webhooks")
        await page.locator("#subscriber_url").fill("ftp://example.com/hook")
        await page.get_by_role("button", name="Ajouter le webhook").click()
        await expect(page.locator("#subscriber_url-error")).to_contain_text("https:// ou http://")
        await photographed(page, f"settings-webhooks-refused-fr-{width}")
        assert "must be" not in await page.content()
    await context.close()
