"""Webhook deliveries to a real receiver: both signatures, retries, 410, one event per seat."""

from __future__ import annotations

import hashlib
import hmac
import json
import random
from datetime import datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from standardwebhooks import Webhook as StandardWebhook

from immersio_booking.kit import clock
from immersio_booking.webhooks.tasks import SCHEDULE, next_delay
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    cancel_as_school,
    one_booking,
    seating,
    student,
    teacher_hours,
    workshop,
)
from tests.dates import DAY, WEEK
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import MailFolder
from tests.webhooks.receiver import Receiver


async def subscribe(
    client: httpx.AsyncClient, tenant: Tenant, url: str, *triggers: str
) -> dict[str, object]:
    return data(
        await client.post(  # type: ignore[no-any-return]
            f"/v2/organizations/{tenant.id}/webhooks",
            headers=tenant.headers,
            json={"subscriberUrl": url, "triggers": list(triggers), "active": True},
        ),
        201,
    )


async def test_signed_deliveries_verify_with_both_schemes(
    client: httpx.AsyncClient, tenant: Tenant, hooks: Receiver, database_url: str
) -> None:
    hook = await subscribe(
        client, tenant, hooks.base + "/ok", "BOOKING_CREATED", "BOOKING_CANCELLED"
    )
    et, booking = await one_booking(client, tenant, dates.at(MONDAY, "10:00"))
    await cancel_as_school(client, tenant, booking)
    await run_jobs(database_url)
    got = hooks.at("/ok")
    assert [json.loads(r.body)["triggerEvent"] for r in got] == [
        "BOOKING_CREATED",
        "BOOKING_CANCELLED",
    ]
    secret = str(hook["secret"])
    for r in got:
        expected = hmac.new(secret.encode(), r.body, hashlib.sha256).hexdigest()
        assert r.headers["x-cal-signature-256"] == expected
        StandardWebhook(secret).verify(r.body, r.headers)  # raises when the signature is wrong
        payload = json.loads(r.body)["payload"]
        assert payload["uid"] == booking["uid"] and payload["eventTypeId"] == et["id"]
    deliveries = data(
        await client.get(
            f"/v2/organizations/{tenant.id}/webhooks/{hook['id']}/deliveries",
            headers=tenant.headers,
        )
    )
    assert [(d["status"], d["attempts"], d["lastStatusCode"]) for d in deliveries] == [
        ("delivered", 1, 200),
        ("delivered", 1, 200),
    ]
    redone = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/webhooks/{hook['id']}/deliveries/{deliveries[0]['id']}/redeliver",
            headers=tenant.headers,
        )
    )
    assert redone["status"] == "pending"
    await run_jobs(database_url)
    again = hooks.at("/ok")[-1]
    assert again.headers["webhook-id"] == got[-1].headers["webhook-id"]  # stable across sends


async def test_failures_retry_on_schedule_and_410_disables(
    client: httpx.AsyncClient, tenant: Tenant, hooks: Receiver, database_url: str
) -> None:
    hooks.answers["/fail"] = (500, {})
    hooks.answers["/busy"] = (503, {"Retry-After": "120"})
    hooks.answers["/gone"] = (410, {})
    failing = await subscribe(client, tenant, hooks.base + "/fail", "BOOKING_CREATED")
    busy = await subscribe(client, tenant, hooks.base + "/busy", "BOOKING_CREATED")
    gone = await subscribe(client, tenant, hooks.base + "/gone", "BOOKING_CREATED")
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    data(await book(client, et["id"], dates.at(MONDAY + DAY, "10:00")), 201)
    started = clock.now()
    await run_jobs(database_url)  # runs until no job is due: the 5 s retry only if it was slow
    base = f"/v2/organizations/{tenant.id}/webhooks"
    [first] = data(await client.get(f"{base}/{failing['id']}/deliveries", headers=tenant.headers))
    assert (first["status"], first["lastStatusCode"]) == ("pending", 500)
    tries = hooks.at("/fail")
    assert len(tries) == first["attempts"]
    if first["attempts"] == 1:
        wait = datetime.fromisoformat(first["nextAttemptAt"]) - started
        assert timedelta(seconds=4) <= wait <= timedelta(seconds=7)
    else:  # a loaded machine: the worker was still at work when the retry fell due
        assert first["attempts"] == 2 and tries[1].at - tries[0].at >= 4.4  # 5 s, jitter 10 %
        assert datetime.fromisoformat(first["nextAttemptAt"]) - started >= timedelta(minutes=4)
    [slow] = data(await client.get(f"{base}/{busy['id']}/deliveries", headers=tenant.headers))
    assert datetime.fromisoformat(slow["nextAttemptAt"]) - started >= timedelta(seconds=119)
    [dead] = data(await client.get(f"{base}/{gone['id']}/deliveries", headers=tenant.headers))
    assert (dead["status"], dead["lastStatusCode"]) == ("failed", 410)
    assert data(await client.get(f"{base}/{gone['id']}", headers=tenant.headers))["active"] is False


async def test_one_event_per_seat(
    client: httpx.AsyncClient, tenant: Tenant, hooks: Receiver, database_url: str
) -> None:
    await subscribe(client, tenant, hooks.base + "/seats", "BOOKING_CREATED")
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        seats=seating(3),
    )
    for n in range(2):
        data(
            await book(
                client,
                et["id"],
                dates.at(MONDAY + 2 * DAY, "10:00"),
                attendee=student(f"seat{n}@example.com"),
            ),
            201,
        )
    await run_jobs(database_url)
    seats = {json.loads(r.body)["payload"]["attendees"][0]["email"] for r in hooks.at("/seats")}
    assert seats == {"seat0@example.com", "seat1@example.com"}


def test_retry_schedule_has_ten_attempts_with_jitter() -> None:
    rng = random.Random(3)
    delays = [next_delay(n, None, rng) for n in range(len(SCHEDULE) + 1)]
    assert delays[-1] is None and delays[0] == timedelta(0)
    assert timedelta(hours=21.5) <= delays[-2] <= timedelta(hours=26.5)  # type: ignore[operator]
    assert next_delay(1, 600, rng) == timedelta(seconds=600)  # Retry-After wins when longer


async def test_payload_template_is_rendered_and_signed(
    client: httpx.AsyncClient, tenant: Tenant, hooks: Receiver, database_url: str
) -> None:
    template = (
        '{"text": "{{triggerEvent}}: {{title}} with {{attendees.0.name}}", "missing": "{{nope}}"}'
    )
    hook = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/webhooks",
            headers=tenant.headers,
            json={
                "subscriberUrl": hooks.base + "/tpl",
                "triggers": ["BOOKING_CREATED"],
                "payloadTemplate": template,
            },
        ),
        201,
    )
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title='Say "hi"')
    data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY + 3 * DAY, "10:00"),
            attendee=student("q@example.com", name='Zoë "Q"'),
        ),
        201,
    )
    await run_jobs(database_url)
    [got] = hooks.at("/tpl")
    sent = json.loads(got.body)  # still valid JSON: values are escaped
    assert sent["text"].startswith('BOOKING_CREATED: Say "hi" between') and sent["text"].endswith(
        'Zoë "Q"'
    )
    assert sent["missing"] == ""
    StandardWebhook(str(hook["secret"])).verify(got.body, got.headers)


async def test_three_days_of_failures_switch_the_subscription_off_and_tell_the_owners(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hooks: Receiver,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    data_dir: Path,
) -> None:
    from sqlalchemy import update

    from immersio_booking.db.session import transaction
    from immersio_booking.models import Webhook as WebhookRow
    from immersio_booking.models import WebhookDelivery

    hooks.answers["/down"] = (500, {})
    hook = await subscribe(client, tenant, hooks.base + "/down", "BOOKING_CREATED")
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    data(await book(client, et["id"], dates.at(MONDAY + 4 * DAY, "10:00")), 201)
    await run_jobs(database_url)  # first failure: still active
    url = f"/v2/organizations/{tenant.id}/webhooks/{hook['id']}"
    assert data(await client.get(url, headers=tenant.headers))["active"] is True
    async with transaction(sessionmaker) as session:  # that failure began four days ago
        row = (
            await session.execute(select(WebhookRow).where(WebhookRow.uid == hook["id"]))
        ).scalar_one()
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.webhook_id == row.id)
            .values(created_at=clock.now() - timedelta(days=4))
        )
    data(await book(client, et["id"], dates.at(MONDAY + 4 * DAY, "11:00")), 201)
    mail = MailFolder(data_dir)
    await run_jobs(database_url)
    assert data(await client.get(url, headers=tenant.headers))["active"] is False
    mails = mail.new_files()
    assert any(
        tenant.owner_email in m.read_text() and "switched off" in m.read_text() for m in mails
    )


async def test_meeting_started_and_ended_fire_only_for_bookings_still_at_that_time(
    client: httpx.AsyncClient,
    tenant: Tenant,
    hooks: Receiver,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    from sqlalchemy import text

    from immersio_booking.db.session import transaction
    from immersio_booking.webhooks.meetings import fire

    await subscribe(client, tenant, hooks.base + "/meet", "MEETING_STARTED", "MEETING_ENDED")
    et, kept = await one_booking(client, tenant, dates.at(MONDAY + WEEK, "10:00"))
    gone = data(await book(client, et["id"], dates.at(MONDAY + WEEK, "12:00")), 201)
    moved = data(await book(client, et["id"], dates.at(MONDAY + WEEK, "14:00")), 201)
    await cancel_as_school(client, tenant, gone)
    data(
        await client.post(
            f"/v2/bookings/{moved['uid']}/reschedule",
            headers=tenant.headers,
            json={"start": dates.at(MONDAY + WEEK + DAY, "14:00")},
        ),
        201,
    )
    async with sessionmaker() as session:
        jobs = (
            await session.execute(
                text(
                    "SELECT (args->>'booking_id')::bigint, args->>'trigger', scheduled_at"
                    " FROM procrastinate_jobs"
                    " WHERE task_name = 'meeting_event' AND status = 'todo'"
                )
            )
        ).all()
        ids = {
            b: (
                await session.execute(text("SELECT id FROM bookings WHERE uid = :u"), {"u": b})
            ).scalar_one()
            for b in (kept["uid"], gone["uid"], moved["uid"])
        }
    scheduled = {(bid, trig): at for bid, trig, at in jobs}
    assert scheduled[(ids[kept["uid"]], "MEETING_STARTED")] == dates.instant(MONDAY + WEEK, "10:00")
    assert scheduled[(ids[kept["uid"]], "MEETING_ENDED")] == dates.instant(MONDAY + WEEK, "11:00")
    # time passes: each queued job runs; only the booking still at its time fires
    outcomes = {}
    for (bid, trig), at in scheduled.items():
        async with transaction(sessionmaker) as session:
            outcomes[(bid, trig)] = await fire(session, bid, trig, int(at.timestamp()))
    assert outcomes[(ids[kept["uid"]], "MEETING_STARTED")] == "sent"
    assert outcomes[(ids[gone["uid"]], "MEETING_STARTED")] == "stale"
    assert outcomes[(ids[moved["uid"]], "MEETING_ENDED")] == "stale"
    await run_jobs(database_url)
    triggers = sorted(json.loads(r.body)["triggerEvent"] for r in hooks.at("/meet"))
    assert triggers.count("MEETING_STARTED") == 2  # the kept booking and the moved one's new time
