"""A team workshop made through the dashboard's form in Chromium: a refusal marked beside its
field (in French, its limit said), then "several teachers" with two hosts saved and shown
ticked; screenshots at 1280 and 390 px in English and French, axe clean."""

from __future__ import annotations

import pytest
from playwright.async_api import Browser, expect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.dashboard.staff import Staff
from tests.e2e.dashboard import WIDTHS, let_in, photographed, photographed_everywhere
from tests.factories import Tenant, make_member, unique


@pytest.mark.parametrize("width", WIDTHS)
async def test_owner_makes_a_team_workshop_through_the_form(
    browser: Browser,
    live_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    width: int,
) -> None:
    first = await make_member(sessionmaker, tenant)
    second = await make_member(sessionmaker, tenant)
    cookie = await staff.cookie(tenant.owner_id)

    # In French, a length over the limit: the limit is said in French, no English beside it.
    french = await browser.new_context(viewport={"width": width, "height": 900}, locale="fr-FR")
    await let_in(french, live_url, cookie)
    page = await french.new_page()
    await page.goto(f"{live_url}/dashboard/workshops/new")
    await page.locator("#title").fill("Club de conversation")
    await page.locator("#slug").fill(unique("club"))
    await page.locator("#length").fill("2000")
    await page.locator("form.dash-form button[type=submit]").click()
    await expect(page.locator("#length-error")).to_have_text(
        "Vérifiez cette valeur : au plus 1440."
    )
    await expect(page.locator("span[lang=en]")).to_have_count(0)
    await photographed(page, f"team-workshop-refused-fr-{width}")
    await french.close()

    context = await browser.new_context(viewport={"width": width, "height": 900}, locale="en-GB")
    await let_in(context, live_url, cookie)
    page = await context.new_page()
    # Hosts ticked for one teacher's own workshop: said beside the hosts, nothing made.
    await page.goto(f"{live_url}/dashboard/workshops/new")
    await page.get_by_label("Title").fill("Mock exam")
    await page.get_by_label("Address on the school’s page").fill(unique("mock-exam"))
    await page.get_by_label("Seats per session").fill("6")
    await page.locator(f"#host-{first.id}").check()
    await page.get_by_role("button", name="Create workshop").click()
    await expect(page.locator("#hosts-error")).to_contain_text("Hosts are for team workshops")
    await photographed(page, f"team-workshop-hosts-refused-en-{width}")

    # Several teachers, any one of them free: saved, and shown as saved.
    await page.locator("#teacher").select_option("team")
    await page.get_by_label("Sessions need").select_option("ROUND_ROBIN")
    await page.locator(f"#host-{second.id}").check()
    await page.get_by_role("button", name="Create workshop").click()
    await expect(page.get_by_role("status")).to_be_visible()
    await expect(page.locator(f"#host-{first.id}")).to_be_checked()
    await expect(page.locator(f"#host-{second.id}")).to_be_checked()
    await expect(page.get_by_label("Sessions need")).to_have_value("ROUND_ROBIN")
    assert await page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    url = page.url.split("?")[0]
    if width == WIDTHS[0]:
        await photographed_everywhere(page, url, "team-workshop")
        await photographed_everywhere(page, f"{live_url}/dashboard/workshops/new", "workshop-new")
    await context.close()
