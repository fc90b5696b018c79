"""Paid bookings against localstripe: pay, webhooks (signed, duplicated, lying), expiry."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.bookings import payment_holds
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import Credential, Payment
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    booking_state,
    cancel_as_school,
    cancellation_history,
    payment_of,
    teacher_hours,
    workshop,
)
from tests.dates import DAY, WEEK
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import MailFolder
from tests.payments.helpers import (
    WEBHOOK_SECRET,
    book_paid,
    connect_stripe,
    end_holds,
    event,
    jobs,  # noqa: F401  (fixture)
    notify,
    pay,
    pay_and_notify,
    signed,
    stripe_client,
    stripe_workshop,
)
from tests.served import serving


async def test_keys_are_encrypted_masked_and_admin_only(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    shown = await connect_stripe(client, tenant)
    assert shown["secretKey"].startswith("sk_…") and shown["webhookSecret"].startswith("whsec_…")
    assert shown["publishableKey"] == "pk_test_abc123" and shown["invalid"] is False
    async with sessionmaker() as session:
        row = (
            await session.execute(select(Credential).where(Credential.team_id == tenant.id))
        ).scalar_one()
        assert "sk_test_" not in json.dumps(row.key) and WEBHOOK_SECRET not in json.dumps(row.key)
        assert row.app_id == "stripe" and row.type == "stripe_payment"
    assert_error(
        await client.put(
            f"/v2/organizations/{tenant.id}/payments/stripe",
            headers=tenant.headers,
            json={
                "secretKey": "nope",
                "publishableKey": "pk_test_x1",
                "webhookSecret": WEBHOOK_SECRET,
            },
        ),
        400,
        "validation_failed",
    )
    assert data(
        await client.get(f"/v2/organizations/{tenant.id}/payments/stripe", headers=tenant.headers)
    )
    data(
        await client.delete(
            f"/v2/organizations/{tenant.id}/payments/stripe", headers=tenant.headers
        )
    )
    assert_error(
        await client.get(f"/v2/organizations/{tenant.id}/payments/stripe", headers=tenant.headers),
        404,
        "stripe_not_connected",
    )


@pytest.mark.usefixtures("jobs")
async def test_pay_then_webhook_confirms_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, price=2500, currency="eur")
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    payment = booking["payment"]
    assert booking["status"] == "pending" and booking["paid"] is False
    assert payment["clientSecret"] and payment["publishableKey"] == "pk_test_abc123"
    assert (payment["amount"], payment["currency"]) == (2500, "eur")
    assert payment["paymentUrl"].endswith(f"/payment/{payment['uid']}")
    async with sessionmaker() as session:
        row = (
            await session.execute(select(Payment).where(Payment.uid == payment["uid"]))
        ).scalar_one()
        intent_id = row.external_id
        assert intent_id and intent_id.startswith("pi_") and row.fee == 2500 * 200 // 10_000
    assert await pay(localstripe, intent_id) == "succeeded"
    evt = event(intent_id)
    # out of order: stale "processing" and "failed" events arrive around the success, which
    # itself is delivered five times
    stale = [event(intent_id, "payment_intent.processing"), evt, evt, evt]
    stale += [event(intent_id, "payment_intent.payment_failed"), evt, evt]
    for each in stale:
        r = await client.post(f"/webhooks/stripe/{tenant.id}", **signed(each))
        assert r.status_code == 200
    await run_jobs(database_url)
    done = await booking_state(client, tenant, booking["uid"])
    assert (done["status"], done["paid"]) == ("accepted", True)
    async with sessionmaker() as session:
        assert (
            await session.execute(select(Payment.success).where(Payment.uid == payment["uid"]))
        ).scalar_one()
        jobs_for_booking = (
            await session.execute(
                text(
                    "SELECT count(*) FROM procrastinate_jobs"
                    " WHERE task_name = 'send_booking_email' AND (args->>'booking_id')::bigint"
                    " = (SELECT id FROM bookings WHERE uid = :uid)"
                ),
                {"uid": booking["uid"]},
            )
        ).scalar_one()
        assert jobs_for_booking == 1  # one confirmation, however many deliveries
        handled = (
            await session.execute(
                text("SELECT count(*) FROM inbox_events WHERE external_id = :id"), {"id": evt["id"]}
            )
        ).scalar_one()
        assert handled == 1


@pytest.mark.usefixtures("jobs")
async def test_bad_signatures_and_lying_payloads_change_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, price=1000, currency="usd")
    booking, intent_id = await book_paid(client, et, dates.at(MONDAY + DAY, "10:00"))
    url = f"/webhooks/stripe/{tenant.id}"
    assert_error(
        await client.post(url, **signed(event(intent_id), secret="whsec_wrong")),
        400,
        "invalid_signature",
    )
    old = int(clock.timestamp()) - 3600
    assert_error(
        await client.post(url, **signed(event(intent_id), at=old)), 400, "invalid_signature"
    )
    assert_error(await client.post(url, content=b"{}"), 400, "invalid_signature")
    # correctly signed, but Stripe says the intent is not paid: nothing changes
    assert (await client.post(url, **signed(event(intent_id)))).status_code == 200
    await run_jobs(database_url)
    still = await booking_state(client, tenant, booking["uid"])
    assert (still["status"], still["paid"]) == ("pending", False)
    assert await pay(localstripe, intent_id, card="4000000000000341") == "declined"
    assert (
        await client.post(url, **signed(event(intent_id, "payment_intent.payment_failed")))
    ).status_code == 200
    await run_jobs(database_url)
    assert (await booking_state(client, tenant, booking["uid"]))["status"] == "pending"
    # the declined student never pays: at the hold's end the seat is free again and the
    # PaymentIntent can no longer be paid
    from immersio_booking.payments.tasks import expire_payment_holds

    assert_error(
        await book(client, et["id"], dates.at(MONDAY + DAY, "10:00")), 409, "slot_unavailable"
    )
    await end_holds(sessionmaker, booking["uid"])
    assert await expire_payment_holds(int(clock.timestamp())) >= 1
    gone = await booking_state(client, tenant, booking["uid"])
    assert (gone["status"], gone["cancellationReason"]) == ("cancelled", "payment_expired")
    assert (
        await stripe_client(localstripe).v1.payment_intents.retrieve_async(intent_id)
    ).status == ("canceled")
    data(await book(client, et["id"], dates.at(MONDAY + DAY, "10:00")), 201)


@pytest.mark.usefixtures("jobs")
async def test_expired_hold_frees_the_seat_and_late_payment_is_refunded(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    data_dir: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, price=1500, currency="usd")
    booking, intent_id = await book_paid(client, et, dates.at(MONDAY + 2 * DAY, "10:00"))
    assert_error(
        await book(client, et["id"], dates.at(MONDAY + 2 * DAY, "10:00")), 409, "slot_unavailable"
    )
    await end_holds(sessionmaker, booking["uid"])
    # the hold stops counting by time alone, before any job runs
    other = data(await book(client, et["id"], dates.at(MONDAY + 2 * DAY, "10:00")), 201)
    async with transaction(sessionmaker) as session:
        expired = await payment_holds.release_expired(session, clock.now())
        assert booking["uid"] in {b.uid for b in expired}
    gone = await booking_state(client, tenant, booking["uid"])
    assert (gone["status"], gone["cancellationReason"]) == ("cancelled", "payment_expired")
    # the student pays anyway: the money goes back (refund queued), the other seat holder keeps it
    await pay_and_notify(client, tenant, localstripe, database_url, intent_id)
    history = await cancellation_history(client, tenant, booking["uid"])
    # the worker that settled the payment may already have run the refund job it queued
    [owed] = history
    assert (owed["refundAmount"], owed["refundStatus"] in ("pending", "completed")) == (1500, True)
    assert (await booking_state(client, tenant, other["uid"]))["status"] == "pending"
    # the refund goes through, and the student (only) is told why and how much
    from immersio_booking.payments.tasks import execute_refund

    mail = MailFolder(data_dir)
    # Here, or already by the worker that queued it (then there is nothing left to do).
    assert await execute_refund(history[0]["id"]) in ("completed", "nothing to do")
    await run_jobs(database_url)
    [refund] = await cancellation_history(client, tenant, booking["uid"])
    assert (refund["refundAmount"], refund["refundStatus"]) == (1500, "completed")
    sent = mail.new()
    [refunded] = [m for m in sent if str(m["Subject"]).startswith("Refund issued")]
    assert booking["attendees"][0]["email"] in str(refunded["To"])
    body = refunded.get_body().get_content()  # type: ignore[union-attr]
    assert "15.00 USD" in body and "seat had gone to someone else" in body


@pytest.mark.usefixtures("jobs")
async def test_lost_webhook_is_caught_by_reconciliation(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from immersio_booking.payments.tasks import reconcile_payments

    et = await stripe_workshop(client, tenant, price=900, currency="usd")
    booking, intent_id = await book_paid(client, et, dates.at(MONDAY + 3 * DAY, "10:00"))
    assert await pay(localstripe, intent_id) == "succeeded"  # ...and the webhook never comes
    # the hold is about to end
    await end_holds(sessionmaker, booking["uid"], after=timedelta(minutes=2))
    assert await reconcile_payments(int(clock.timestamp())) >= 1
    done = await booking_state(client, tenant, booking["uid"])
    assert (done["status"], done["paid"]) == ("accepted", True)


@pytest.mark.usefixtures("jobs")
async def test_reconciliation_goes_on_past_a_payment_stripe_does_not_know(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from immersio_booking.payments.tasks import reconcile_payments

    et = await stripe_workshop(client, tenant, price=900, currency="usd")
    lost, _ = await book_paid(client, et, dates.at(MONDAY + WEEK + DAY, "10:00"))
    paid, paid_intent = await book_paid(client, et, dates.at(MONDAY + WEEK + DAY, "11:00"))
    assert await pay(localstripe, paid_intent) == "succeeded"
    async with transaction(sessionmaker) as session:  # one intent is unknown to the school's
        await session.execute(  # Stripe account (say, a new account); both holds end soon
            update(Payment)
            .where(Payment.uid == lost["payment"]["uid"])
            .values(external_id="pi_unknown_to_stripe")
        )
    await end_holds(sessionmaker, lost["uid"], paid["uid"], after=timedelta(minutes=2))
    assert await reconcile_payments(int(clock.timestamp())) >= 1
    done = await booking_state(client, tenant, paid["uid"])
    assert (done["status"], done["paid"]) == ("accepted", True)
    still = await booking_state(client, tenant, lost["uid"])
    assert (still["status"], still["paid"]) == ("pending", False)


@pytest.mark.usefixtures("jobs")
async def test_refund_inside_the_window_is_executed_at_stripe(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from immersio_booking.payments.tasks import execute_refund

    et = await stripe_workshop(
        client, tenant, price=4000, currency="eur", metadata={"refund_window_hours": 24}
    )
    booking, intent_id = await book_paid(client, et, dates.at(MONDAY + 4 * DAY, "10:00"))
    await pay_and_notify(client, tenant, localstripe, database_url, intent_id)
    await cancel_as_school(client, tenant, booking)
    [row] = await cancellation_history(client, tenant, booking["uid"])
    assert (row["refundStatus"], row["refundAmount"]) == ("pending", 4000)
    assert await execute_refund(row["id"]) == "completed"
    assert await execute_refund(row["id"]) == "nothing to do"  # a retry never refunds twice
    [row] = await cancellation_history(client, tenant, booking["uid"])
    assert row["refundStatus"] == "completed" and row["refundTransactionId"].startswith("re_")
    refund = await stripe_client(localstripe).v1.refunds.retrieve_async(row["refundTransactionId"])
    assert (refund.amount, refund.payment_intent) == (4000, intent_id)
    assert (await payment_of(sessionmaker, booking["uid"])).refunded is True


async def test_key_rotation_keeps_every_credential_readable(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Any,
) -> None:
    from cryptography.fernet import Fernet

    from immersio_booking.config import Settings
    from immersio_booking.kit.crypto import SecretBox
    from immersio_booking.payments import credentials

    await connect_stripe(client, tenant)
    old_keys = settings.resolved_encryption_keys()
    new_key = Fernet.generate_key().decode()
    rotated = Settings(
        data_dir=settings.data_dir,
        database_url=settings.database_url,
        encryption_keys=",".join([new_key, *old_keys]),
    )
    async with transaction(sessionmaker) as session:
        assert await credentials.rotate_all(session, rotated) >= 1
    try:
        only_new = SecretBox([new_key])
        async with sessionmaker() as session:
            row = await credentials.stripe_credential(session, tenant.id)
            assert row is not None
            assert credentials.opened(only_new, row)["webhook_secret"] == WEBHOOK_SECRET
            with pytest.raises(ValueError):
                SecretBox(old_keys).open(row.key["secret_key"])
    finally:  # rotate back, so the rest of the run reads with the configured keys
        back = Settings(
            data_dir=settings.data_dir,
            database_url=settings.database_url,
            encryption_keys=",".join([*old_keys, new_key]),
        )
        async with transaction(sessionmaker) as session:
            await credentials.rotate_all(session, back)


@pytest.mark.usefixtures("jobs")
async def test_late_payment_with_the_seat_still_free_confirms(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, price=700, currency="usd")
    booking, intent_id = await book_paid(client, et, dates.at(MONDAY + WEEK, "10:00"))
    await end_holds(sessionmaker, booking["uid"])
    async with transaction(sessionmaker) as session:
        await payment_holds.release_expired(session, clock.now())
    assert await pay(localstripe, intent_id) == "succeeded"
    from immersio_booking.payments.tasks import process_payment_event

    await notify(client, tenant, intent_id)
    async with sessionmaker() as session:
        inbox_id = (
            await session.execute(
                text("SELECT id FROM inbox_events WHERE payload->'data'->'object'->>'id' = :i"),
                {"i": intent_id},
            )
        ).scalar_one()
    assert await process_payment_event(inbox_id) == "confirmed_late"
    done = await booking_state(client, tenant, booking["uid"])
    assert (done["status"], done["paid"]) == ("accepted", True)
    assert await cancellation_history(client, tenant, booking["uid"]) == []


async def test_school_without_stripe_marks_bookings_paid(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, price=1200, currency="eur")
    booking = data(await book(client, et["id"], dates.at(MONDAY + WEEK + DAY, "10:00")), 201)
    assert booking["payment"]["clientSecret"] is None and booking["status"] == "pending"
    url = f"/v2/bookings/{booking['uid']}/mark-paid"
    # A student's manage token is no key (and mark-paid reads no ?token= at all).
    assert_error(await client.post(url, headers={"X-Manage-Token": "x"}), 401, "missing_api_key")
    assert_error(await client.post(url, params={"token": "x"}), 400, "unsupported_field")
    paid = data(await client.post(url, headers=tenant.headers))
    assert (paid["status"], paid["paid"]) == ("accepted", True)
    assert_error(await client.post(url, headers=tenant.headers), 400, "not_awaiting_payment")
    payment = await payment_of(sessionmaker, booking["uid"])
    assert (payment.success, payment.app_id) == (True, "manual-payment")


@pytest.mark.usefixtures("jobs")
async def test_failed_refund_stays_pending_and_succeeds_on_retry(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from immersio_booking.payments.tasks import execute_refund

    et = await stripe_workshop(client, tenant, price=2200, currency="eur")
    booking, intent_id = await book_paid(client, et, dates.at(MONDAY + WEEK + 2 * DAY, "10:00"))
    await pay_and_notify(client, tenant, localstripe, database_url, intent_id)
    await cancel_as_school(client, tenant, booking)
    [row] = await cancellation_history(client, tenant, booking["uid"])
    async with transaction(sessionmaker) as session:  # Stripe will not know this intent
        await session.execute(
            update(Payment).where(Payment.external_id == intent_id).values(external_id="pi_unknown")
        )
    with pytest.raises(stripe.StripeError):
        await execute_refund(row["id"])  # the job fails; the queue retries it with backoff
    [row] = await cancellation_history(client, tenant, booking["uid"])
    assert row["refundStatus"] == "pending"  # the attempt rolled back: nothing half-written
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(Payment).where(Payment.external_id == "pi_unknown").values(external_id=intent_id)
        )
    assert await execute_refund(row["id"]) == "completed"


@pytest.mark.usefixtures("jobs")
async def test_webhook_sent_by_localstripe_itself_confirms_the_booking(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    data_dir: Path,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Not a hand-made event: localstripe signs and POSTs it to the service on a real port."""
    secret = f"whsec_{secrets.token_hex(12)}"
    et = await stripe_workshop(client, tenant, secret, price=3100, currency="eur")
    booking, intent_id = await book_paid(client, et, dates.at(MONDAY + WEEK, "10:00"))
    hook = f"{localstripe}/_config/webhooks/tenant-{tenant.id}"
    env = {"DATABASE_URL": database_url, "IMMERSIO_DATA_DIR": str(data_dir)}
    with serving(**env, IMMERSIO_STRIPE_API_BASE=localstripe) as base:
        registered = {"url": f"{base}/webhooks/stripe/{tenant.id}", "secret": secret}
        httpx.post(hook, json={**registered, "events": ["payment_intent.succeeded"]})
        try:
            assert await pay(localstripe, intent_id) == "succeeded"
            deadline = time.monotonic() + 20
            while not await _inbox_holds(sessionmaker, intent_id):
                assert time.monotonic() < deadline, "localstripe's webhook never arrived"
                await asyncio.sleep(0.2)
        finally:  # localstripe has no way to remove a hook: leave it listening for nothing
            httpx.post(hook, json={**registered, "events": ["nothing.ever"]})
    await run_jobs(database_url)
    done = await booking_state(client, tenant, booking["uid"])
    assert (done["status"], done["paid"]) == ("accepted", True)


async def _inbox_holds(sessionmaker: async_sessionmaker[AsyncSession], intent_id: str) -> bool:
    async with sessionmaker() as session:
        found = await session.execute(
            text("SELECT count(*) FROM inbox_events WHERE payload->'data'->'object'->>'id' = :id"),
            {"id": intent_id},
        )
        return bool(found.scalar_one())
