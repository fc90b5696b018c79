"""Delivering webhooks: signed POSTs, Standard Webhooks' retry schedule, never lost."""

from __future__ import annotations

import asyncio
import json
import random
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.jobs import context
from immersio_booking.jobs.app import defer_in_transaction, job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.http import OutgoingPolicy, pooled_client
from immersio_booking.models import DeliveryStatus, Webhook, WebhookDelivery
from immersio_booking.webhooks import destinations, health, meeting_data, signing, templates
from immersio_booking.webhooks.batches import (
    BATCH_SIZE,
    Claimed,
    cancel_queued,
    claim,
    mark,
    queueing_lock,
)
from immersio_booking.webhooks.destinations import Destination

# Standard Webhooks' schedule: the delay before each attempt (the first is immediate).
SCHEDULE = [
    timedelta(0),
    timedelta(seconds=5),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=5),
    timedelta(hours=10),
    timedelta(hours=14),
    timedelta(hours=20),
    timedelta(hours=24),
]
RESPONSE_KEPT = 1000  # bytes of the subscriber's answer kept on the delivery


def next_delay(attempts: int, retry_after: float | None, rng: random.Random) -> timedelta | None:
    """The wait before attempt ``attempts + 1``, or None when the schedule is used up."""
    if attempts >= len(SCHEDULE):
        return None
    base = SCHEDULE[attempts]
    jittered = base * rng.uniform(0.9, 1.1)
    if retry_after is not None:
        jittered = max(jittered, timedelta(seconds=retry_after))
    return jittered


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value is not None else None
    except ValueError:
        return None


async def _first_bytes(response: httpx.Response, limit: int = RESPONSE_KEPT) -> str:
    """The start of the subscriber's answer; the rest is never read (nor buffered)."""
    head = b""
    async for chunk in response.aiter_bytes():
        head += chunk
        if len(head) >= limit:
            break
    return head[:limit].decode("utf-8", "replace")


@job_app.task(name="deliver_webhook", retry=3)
async def deliver_webhook(delivery_id: int) -> str:
    """Deliver this delivery and the other due ones (one batch, one transaction); on failure
    each one's next attempt is queued at its time on the schedule. Returns what became of
    ``delivery_id``."""
    settings = context.settings()
    async with job_session() as session:
        outcome = await _deliver_batch(session, delivery_id, settings, BATCH_SIZE, wait=False)
    if outcome is not None:
        return outcome
    # Another batch holds this delivery: wait for it (holding nothing), and send it ourselves
    # if that batch rolled back (its worker died).
    async with job_session() as session:
        outcome = await _deliver_batch(session, delivery_id, settings, 1, wait=True)
    return outcome or "done"


async def queue_delivery(
    session: AsyncSession,
    delivery_id: int,
    *,
    at: datetime | None = None,
    replace: bool = False,
) -> None:
    """Queue the job of a delivery in the session's transaction (at ``at``, else now).
    ``replace``: drop a job of it still waiting first (sending again now)."""
    lock = queueing_lock(delivery_id)
    if replace:
        await cancel_queued(session, [lock])
    options: dict[str, Any] = {"queueing_lock": lock}
    if at is not None:
        options["schedule_at"] = at
    await defer_in_transaction(session, deliver_webhook, options=options, delivery_id=delivery_id)


async def _deliver_batch(
    session: AsyncSession, own: int, settings: Settings, size: int, *, wait: bool
) -> str | None:
    now = clock.now()
    batch = await claim(session, own, now, size, wait_for_own=wait)
    targets = [await _prepare(session, c, settings) for c in batch]
    answers = await _send_all(OutgoingPolicy.of(settings), batch, targets, now)
    labels = {}
    for c, target, answer in zip(batch, targets, answers, strict=True):
        labels[c.id] = await _settle(session, c, target, answer, now)
    await mark(session, batch)
    for c, target in zip(batch, targets, strict=True):
        if c.status is DeliveryStatus.PENDING and target is not None:
            labels[c.id] = await _after_failure(session, c, now, settings)
    return labels.get(own) if batch else ("done" if wait else None)


Answer = tuple[int | None, str, float | None]


async def _send_all(
    policy: OutgoingPolicy,
    batch: Sequence[Claimed],
    targets: Sequence[Destination | None],
    now: datetime,
) -> list[Answer]:
    """Every claimed delivery's attempt: the hosts at once, each host's deliveries one after
    the other in the order they were written (a subscriber sees a booking's events in order)."""
    by_host: dict[str, list[int]] = defaultdict(list)
    for n in sorted(range(len(batch)), key=lambda n: batch[n].id):
        target = targets[n]
        by_host[urlsplit(target.url).netloc if target else ""].append(n)
    answers: list[Answer] = [(None, "", None)] * len(batch)

    async def one_host(host: str, indexes: list[int]) -> None:
        for n in indexes:
            answers[n] = await _attempt(policy, host, batch[n], targets[n], now)

    await asyncio.gather(*(one_host(host, indexes) for host, indexes in by_host.items()))
    return answers


async def _prepare(session: AsyncSession, c: Claimed, settings: Settings) -> Destination | None:
    """Where ``c`` goes now (None: gone or switched off), with its body made final."""
    if c.destination == "immersio":
        target = await destinations.immersio_endpoint(session, c.organization_id, settings)
    elif c.subscriber_url is None or not c.hook_active:
        target = None
    else:
        secret = SecretBox.of(settings).open(c.sealed_secret) if c.sealed_secret else ""
        target = Destination(c.subscriber_url, secret, c.payload_template, None)
    if target is None:
        return None
    # The meeting made since the event was written goes with it (kept for the retries).
    late = await meeting_data.with_late_meeting(session, c.organization_id, c.body)
    if late is not None:
        c.body = late
        await session.execute(
            update(WebhookDelivery)
            .where(WebhookDelivery.organization_id == c.organization_id, WebhookDelivery.id == c.id)
            .values(body=late)
        )
    return target


async def _attempt(
    policy: OutgoingPolicy, host: str, c: Claimed, target: Destination | None, now: datetime
) -> Answer:
    if target is None:
        return None, "", None
    body = (
        templates.render(target.payload_template, c.body)
        if target.payload_template
        else json.dumps(c.body, separators=(",", ":")).encode()
    )
    try:
        # One keep-alive client per subscriber host: a slow host holds only its own connections.
        client = pooled_client(policy, host)
        headers = signing.headers(target.secret, c.uid, int(now.timestamp()), body)
        async with client.stream("POST", target.url, content=body, headers=headers) as response:
            text = await _first_bytes(response)
            return response.status_code, text, _retry_after(response.headers.get("retry-after"))
    except Exception as exc:  # any network failure is a failed attempt
        return None, f"{type(exc).__name__}: {exc}"[:1000], None


async def _settle(
    session: AsyncSession, c: Claimed, target: Destination | None, answer: Answer, now: datetime
) -> str:
    """Record the attempt on ``c``; a failure stays pending (``_after_failure`` decides)."""
    if target is None:
        c.status = DeliveryStatus.FAILED
        return "destination inactive"
    code, text, retry_after = answer
    c.attempts += 1
    c.last_attempt_at, c.last_status_code, c.last_response = now, code, text
    if code is not None and 200 <= code < 300:
        c.status, c.next_attempt_at = DeliveryStatus.DELIVERED, None
        if c.destination == "immersio":
            await destinations.mark_synced(session, c.organization_id, c.body, now)
        return "delivered"
    if code == 410:  # the subscriber says it is gone for good
        if c.webhook_id is not None:
            await session.execute(
                update(Webhook)
                .where(Webhook.id == c.webhook_id, Webhook.organization_id == c.organization_id)
                .values(active=False)
            )
        c.status, c.next_attempt_at = DeliveryStatus.FAILED, None
        return "gone"
    delay = next_delay(c.attempts, retry_after if code in (429, 503) else None, random.Random())
    if delay is None:
        c.next_attempt_at = None  # decided after the health check, as before
    else:
        c.next_attempt_at = now + delay
    return "retry scheduled"


async def _after_failure(
    session: AsyncSession, c: Claimed, now: datetime, settings: Settings
) -> str:
    """A failed attempt (already recorded): switch the subscription off when it has failed for
    too long, give up when the schedule is used up, else queue the next attempt."""
    hook = await session.get(Webhook, c.webhook_id) if c.webhook_id is not None else None
    if hook is not None and await health.disable_if_failing_too_long(session, hook, now, settings):
        await _give_up(session, c)
        return "subscription disabled"
    if c.next_attempt_at is None:
        await _give_up(session, c)
        return "failed"
    # Queued in this transaction: the retry exists only if this attempt's record does.
    await queue_delivery(session, c.id, at=c.next_attempt_at)
    return "retry scheduled"


async def _give_up(session: AsyncSession, c: Claimed) -> None:
    c.status, c.next_attempt_at = DeliveryStatus.FAILED, None
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.organization_id == c.organization_id, WebhookDelivery.id == c.id)
        .values(status=DeliveryStatus.FAILED, next_attempt_at=None)
    )
