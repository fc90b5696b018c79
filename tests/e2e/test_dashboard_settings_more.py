"""The second half of the school settings in Chromium: the landing editor's live preview with
and without JavaScript, webhooks, reminders, plan, payments and Immersio; English and French,
desktop and phone width; axe clean; screenshots kept in ``test-artifacts/dashboard/``."""

from __future__ import annotations

import uuid

import httpx
from playwright.async_api import Browser, Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import DeliveryStatus, Webhook, WebhookDelivery
from tests.bookings.helpers import workshop
from tests.dashboard.staff import Staff
from tests.e2e.dashboard import (
    LANGUAGES,
    WIDTHS,
    let_in,
    photographed,
    photographed_everywhere,
    sign_in,
)
from tests.factories import Tenant
from tests.immersio.conftest import (
    API_KEY,
    IMMERSIO_ORG,
    FakeImmersio,
    fake_immersio,  # noqa: F401  (fixture)
)


async def test_landing_editor_previews_changes_live_and_without_javascript(
    page: Page,
    browser: Browser,
    live_url: str,
    staff: Staff,
    tenant: Tenant,
) -> None:
    cookie = await sign_in(page, live_url, staff, tenant.owner_id)
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Landing page").click()
    preview = page.frame_locator("iframe[name=landing-preview]")
    await expect(preview.locator("body.t-education")).to_be_visible()
    await page.get_by_label("Title", exact=True).fill("Live title")
    await page.get_by_label("Kids, bold").check()
    await expect(preview.get_by_text("Live title").first).to_be_visible()
    await expect(preview.locator("body.t-kids_2")).to_be_visible()
    await page.get_by_label("Main colour").fill("#ffff00")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_text("#ffff00 is hard to read")).to_be_visible()
    await photographed(page, "settings-landing-warning-1280")
    for lang in LANGUAGES:
        for width in WIDTHS:
            await page.set_viewport_size({"width": width, "height": 900})
            await page.goto(f"{live_url}/dashboard/settings/landing?lang={lang}")
            await expect(preview.locator("body.t-kids_2")).to_be_visible()
            await photographed(page, f"settings-landing-{lang}-{width}")

    plain = await browser.new_context(java_script_enabled=False, locale="en-GB")
    await let_in(plain, live_url, cookie)
    no_js = await plain.new_page()
    await no_js.goto(f"{live_url}/dashboard/settings/landing")
    await no_js.get_by_label("Subtitle").fill("Seen without JavaScript")
    await no_js.get_by_label("Small centre").check()
    await no_js.get_by_role("button", name="Preview", exact=True).click()
    frame = no_js.frame_locator("iframe[name=landing-preview]")
    await expect(frame.get_by_text("Seen without JavaScript").first).to_be_visible()
    await expect(frame.locator("body.t-center_small")).to_be_visible()
    await no_js.get_by_role("link", name="Personal tutor").click()
    await expect(frame.locator("body.t-tutor_personal")).to_be_visible()
    await plain.close()


async def test_owner_adds_a_webhook_and_sees_its_deliveries(
    page: Page,
    live_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    await sign_in(page, live_url, staff, tenant.owner_id)
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Webhooks").click()
    await page.get_by_label("Address to call").fill("http://127.0.0.1:9/school-hook")
    await page.get_by_label("BOOKING_CREATED").uncheck()
    await page.get_by_role("button", name="Add the webhook").click()
    await expect(page.locator("#triggers-error")).to_be_visible()
    await photographed(page, "settings-webhooks-refused-1280")
    await page.get_by_label("BOOKING_CANCELLED").check()
    await page.get_by_role("button", name="Add the webhook").click()
    await expect(page.locator("[data-new-secret]")).to_contain_text("whsec_")
    await photographed(page, "settings-webhooks-created-1280")
    async with transaction(sessionmaker) as session:
        hook = (
            await session.execute(select(Webhook).where(Webhook.organization_id == tenant.id))
        ).scalar_one()
        for status, code, answer in (
            (DeliveryStatus.DELIVERED, 200, "ok"),
            (DeliveryStatus.FAILED, 500, "Internal Server Error: the receiver fell over"),
            (DeliveryStatus.PENDING, None, None),
        ):
            session.add(
                WebhookDelivery(
                    organization_id=tenant.id,
                    uid=str(uuid.uuid4()),
                    webhook_id=hook.id,
                    trigger="BOOKING_CANCELLED",
                    body={},
                    status=status,
                    attempts=1 if code else 0,
                    last_attempt_at=clock.now() if code else None,
                    next_attempt_at=None if code else clock.now(),
                    last_status_code=code,
                    last_response=answer,
                )
            )
        uid = hook.uid
    await photographed_everywhere(
        page, f"{live_url}/dashboard/settings/webhooks", "settings-webhooks"
    )
    await photographed_everywhere(
        page, f"{live_url}/dashboard/settings/webhooks/{uid}", "settings-webhook"
    )
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"{live_url}/dashboard/settings/webhooks/{uid}")
    await page.get_by_role("button", name="Redeliver").first.click()
    await expect(page.get_by_role("status")).to_contain_text("sent again")


async def test_owner_writes_a_reminder(
    page: Page,
    live_url: str,
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    await workshop(client, tenant, title="Conversation B1")
    await sign_in(page, live_url, staff, tenant.owner_id)
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Reminders").click()
    await page.get_by_role("link", name="New reminder").click()
    await page.get_by_label("Name", exact=True).fill("A day before")
    await page.locator("#step-2-action").select_option("EMAIL_ADDRESS")
    await page.get_by_role("button", name="Save").click()
    await expect(page.locator("#step-2-send_to-error")).to_be_visible()
    await photographed(page, "settings-reminder-refused-1280")
    await page.locator("#step-2-send_to").fill("office@school.example")
    await page.get_by_role("button", name="Save").click()
    await expect(page.get_by_role("status")).to_contain_text("The reminder was saved.")
    edit_url = page.url.split("?")[0]
    await photographed_everywhere(
        page, f"{live_url}/dashboard/settings/reminders", "settings-reminders"
    )
    await photographed_everywhere(page, edit_url, "settings-reminder")


async def test_owner_sees_the_plan(
    page: Page,
    live_url: str,
    staff: Staff,
    tenant: Tenant,
) -> None:
    await sign_in(page, live_url, staff, tenant.owner_id)
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Plan", exact=True).click()
    await expect(page.get_by_role("row", name="Teachers")).to_contain_text("10")
    await photographed_everywhere(page, f"{live_url}/dashboard/settings/plan", "settings-plan")


async def test_owner_connects_stripe_in_the_browser(
    page: Page,
    live_url: str,
    staff: Staff,
    tenant: Tenant,
) -> None:
    await sign_in(page, live_url, staff, tenant.owner_id)
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Payments").click()
    await page.get_by_label("Secret key").fill("sk_nope")
    await page.get_by_role("button", name="Save the keys").click()
    await expect(page.locator("#secret_key-error")).to_be_visible()
    await photographed(page, "settings-payments-refused-1280")
    await page.get_by_label("Secret key").fill("sk_test_dashboard123")
    await page.get_by_label("Publishable key").fill("pk_test_abc123")
    await page.get_by_label("Webhook signing secret").fill("whsec_dashboard123")
    await page.get_by_role("button", name="Save the keys").click()
    await expect(page.get_by_role("status")).to_contain_text("The Stripe account is connected.")
    await photographed_everywhere(
        page, f"{live_url}/dashboard/settings/payments", "settings-payments"
    )


async def test_owner_connects_immersio_and_syncs(
    page: Page,
    live_url: str,
    staff: Staff,
    tenant: Tenant,
    fake_immersio: FakeImmersio,  # noqa: F811
) -> None:
    await sign_in(page, live_url, staff, tenant.owner_id)
    await page.goto(f"{live_url}/dashboard/settings")
    await page.get_by_role("link", name="Immersio", exact=True).click()
    await page.get_by_label("Immersio organization id").fill(IMMERSIO_ORG)
    await page.get_by_label("Immersio API address").fill("nope")
    await page.get_by_role("button", name="Save the connection").click()
    await expect(page.locator("#base_url-error")).to_be_visible()
    await photographed(page, "settings-immersio-refused-1280")
    await page.get_by_label("Immersio API address").fill(fake_immersio.url)
    await page.get_by_label("API key").fill(API_KEY)
    await page.get_by_role("button", name="Save the connection").click()
    await expect(page.locator("[data-new-secret]")).to_contain_text("whsec_")
    await photographed(page, "settings-immersio-connected-1280")
    await page.get_by_role("button", name="Sync now").click()
    # No worker runs here: the sync stays "running", the log offers its reload link.
    await expect(page.get_by_role("link", name="Reload to see its progress")).to_be_visible()
    await photographed_everywhere(
        page, f"{live_url}/dashboard/settings/immersio", "settings-immersio"
    )
