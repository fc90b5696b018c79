"""A student books a paid workshop and pays: the booking page, the payment page (the session,
the student, the seat held, a way back), the card on localstripe with its 3-D Secure step, and
the confirmation with the manage link; the manage page then says what cancelling would refund."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
from babel.dates import format_date
from playwright.async_api import Page, expect
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Payment
from tests.bookings.helpers import MONDAY
from tests.e2e.journeys.story import CONFIRMATION, MANAGE_LINK, Story, choose_day_and_time
from tests.factories import Tenant
from tests.payments.helpers import stripe_client, stripe_workshop
from tests.web.pages import publish

SECURE_CARD = "4000002760003184"  # localstripe asks for 3-D Secure on this test card


async def card_needs_authentication(localstripe: str, intent_id: str) -> None:
    """What Stripe.js does with the card typed in: the intent now waits for 3-D Secure."""
    client = stripe_client(localstripe, "sk_test_student")
    card = {"number": SECURE_CARD, "exp_month": 12, "exp_year": 2030, "cvc": "123"}
    method = await client.v1.payment_methods.create_async({"type": "card", "card": card})
    await client.v1.payment_intents.update_async(intent_id, {"payment_method": method.id})
    confirmed = await client.v1.payment_intents.confirm_async(intent_id)
    assert confirmed.status == "requires_action"


async def test_a_student_books_a_paid_workshop_and_pays(
    page: Page,
    live_url: str,
    localstripe: str,
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    story = Story(page, "book-paid")
    et = await stripe_workshop(client, tenant, title="Paid class", price=2500, currency="eur")
    await publish(client, tenant)
    await page.goto(f"{live_url}/{tenant.slug}/{et['slug']}")
    await expect(page.locator("#fact-price")).to_have_text("€25.00")
    shown = await choose_day_and_time(page, format_date(MONDAY, "LLLL y", locale="en"))
    await expect(page.locator("#book-button")).to_have_text("Continue to payment")
    await page.get_by_label("Your name").fill("Ada Student")
    await page.get_by_label("Email address").fill("payer@example.com")
    await page.locator("#book-button").click()

    await expect(page.get_by_role("heading", name="Pay for your place")).to_be_visible()
    await expect(page.locator("#when")).to_contain_text(shown)
    await expect(page.locator("#when")).to_contain_text("(Paris, UTC+1)")
    await expect(page.locator("#student")).to_have_text("Ada Student")
    await expect(page.locator("#amount")).to_have_text("€25.00")
    await expect(page.locator("#hold")).to_contain_text("Your seat is held for you until")
    await expect(page.locator("#change-time")).to_be_visible()
    card = page.locator("#payment-element input")
    await expect(card.first).to_be_visible()
    await story.look("payment", phone=True)

    for field, typed in zip(
        ("number", "exp_month", "exp_year", "cvc"), (SECURE_CARD, "12", "30", "123"), strict=True
    ):
        await page.get_by_placeholder(field).fill(typed)
    uid = urlsplit(page.url).path.rsplit("/", 1)[1]  # the address also carries tz and lang
    async with sessionmaker() as session:
        payment = (await session.execute(select(Payment).where(Payment.uid == uid))).scalar_one()
    await card_needs_authentication(localstripe, payment.external_id or "")
    await page.get_by_role("button", name="Pay €25.00").click()
    await page.get_by_role("button", name="Complete authentication").click()  # 3-D Secure

    await expect(page).to_have_url(CONFIRMATION, timeout=15000)
    await expect(page.get_by_role("heading", name="You are booked!")).to_be_visible()
    await expect(page.locator("#when")).to_contain_text(shown)
    await expect(page.locator("#manage-link")).to_have_attribute("href", MANAGE_LINK)
    await story.look("confirmation", phone=True)
    await page.locator("#manage-link").click()
    await expect(page.locator("#status")).to_have_text("Confirmed")
    await page.locator("#cancel-open").click()  # the student thinks of cancelling: what back?
    await expect(page.locator("#refund-note")).to_have_text(
        "If you cancel now you get a full refund of €25.00."
    )
    await story.look("cancel-step")
