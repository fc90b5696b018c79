"""Payments in the dashboard: an owner connects the school's Stripe account with its keys
(checked with localstripe, stored sealed, shown masked), sees a real payment and its refund,
and disconnects; bad keys are refused beside the field with nothing stored and no secret sent
back; a teacher and another school find nothing; CSRF on every change."""

from __future__ import annotations

import secrets

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, cancel_as_school
from tests.dashboard.staff import (
    Staff,
    assert_forgeries_refused,
    assert_nothing_found,
    csrf_at,
    csrf_of,
)
from tests.dates import DAY
from tests.factories import Tenant, make_member, make_tenant
from tests.payments.helpers import (
    WEBHOOK_SECRET,
    book_paid,
    jobs,  # noqa: F401  (fixture)
    pay_and_notify,
    stripe_workshop,
)

PAYMENTS = "/dashboard/settings/payments"


def _keys(csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "secret_key": f"sk_test_{secrets.token_hex(8)}",
        "publishable_key": "pk_test_abc123",
        "webhook_secret": WEBHOOK_SECRET,
        **changes,
    }


async def _stripe(client: httpx.AsyncClient, tenant: Tenant) -> httpx.Response:
    return await client.get(
        f"/v2/organizations/{tenant.id}/payments/stripe", headers=tenant.headers
    )


@pytest.mark.usefixtures("jobs")
async def test_owner_connects_stripe_sees_payments_and_refunds_and_disconnects(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        empty = await owner.get(PAYMENTS)
        assert "Not connected" in empty.text
        csrf = csrf_of(empty.text)
        keys = _keys(csrf)
        connected = await owner.post(f"{PAYMENTS}/stripe", data=keys)
        assert connected.status_code == 303 and connected.headers["location"].endswith(
            "done=connected"
        )
        assert (await _stripe(client, tenant)).json()["data"]["invalid"] is False
        et = await stripe_workshop(
            client, tenant, price=4000, currency="eur", metadata={"refund_window_hours": 24}
        )
        booking, intent_id = await book_paid(client, et, dates.at(MONDAY + 4 * DAY, "10:00"))
        await pay_and_notify(client, tenant, localstripe, database_url, intent_id)
        await cancel_as_school(client, tenant, booking)
        shown = await owner.get(PAYMENTS)
        assert keys["secret_key"] not in shown.text and WEBHOOK_SECRET not in shown.text
        assert "pk_test_abc123" in shown.text and "€40.00" in shown.text
        assert "Latest refunds" in shown.text and "No refund yet." not in shown.text
        gone = await owner.post(f"{PAYMENTS}/stripe/disconnect", data={"csrf": csrf})
        assert gone.status_code == 303
    assert (await _stripe(client, tenant)).status_code == 404


async def test_bad_keys_are_refused_and_nothing_is_stored(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, PAYMENTS)
        refused = await owner.post(
            f"{PAYMENTS}/stripe",
            data=_keys(csrf, secret_key="sk_nope_1234", webhook_secret="plain-secret"),
        )
        assert refused.status_code == 400
        assert 'id="secret_key-error"' in refused.text
        assert 'id="webhook_secret-error"' in refused.text
        assert "sk_nope_1234" not in refused.text and "plain-secret" not in refused.text
    assert (await _stripe(client, tenant)).status_code == 404


async def test_a_teacher_and_another_school_find_nothing_and_csrf_is_checked(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, PAYMENTS)
        assert (await owner.post(f"{PAYMENTS}/stripe", data=_keys(csrf))).status_code == 303
        changes = [
            (path, _keys("")) for path in (f"{PAYMENTS}/stripe", f"{PAYMENTS}/stripe/disconnect")
        ]
        await assert_forgeries_refused(owner, changes)
    teacher = await make_member(sessionmaker, tenant)
    async with staff.signed_in(teacher.id) as page:
        await assert_nothing_found(page, gets=[PAYMENTS], posts=changes)
    # Another school's owner acts on their own school only: ours stays connected.
    other = await make_tenant(sessionmaker)
    async with staff.signed_in(other.owner_id) as page:
        csrf = await csrf_at(page, PAYMENTS)
        await page.post(f"{PAYMENTS}/stripe/disconnect", data={"csrf": csrf})
    assert (await _stripe(client, tenant)).status_code == 200
