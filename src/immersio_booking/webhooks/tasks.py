"""Delivering webhooks: signed POSTs, Standard Webhooks' retry schedule, never lost."""

from __future__ import annotations

import json
import random
from datetime import timedelta

import httpx

from immersio_booking import global_lookups
from immersio_booking.jobs import context
from immersio_booking.jobs.app import job_app
from immersio_booking.jobs.database import job_session
from immersio_booking.kit import clock
from immersio_booking.kit.http import OutgoingPolicy, pooled_client
from immersio_booking.models import DeliveryStatus
from immersio_booking.webhooks import destinations, health, meeting_data, signing, templates

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
    """One attempt; on failure the next one is queued at its time on the schedule."""
    settings = context.settings()
    async with job_session() as session:
        found = await global_lookups.pending_webhook_delivery(session, delivery_id)
        if found is None:
            return "done"
        delivery, hook = found
        target = await destinations.resolve(session, delivery, hook, settings)
        if target is None:
            delivery.status = DeliveryStatus.FAILED
            return "destination inactive"
        # The meeting made since the event was written goes with it (kept for the retries).
        late = await meeting_data.with_late_meeting(
            session, delivery.organization_id, delivery.body
        )
        if late is not None:
            delivery.body = late
        body = (
            templates.render(target.payload_template, delivery.body)
            if target.payload_template
            else json.dumps(delivery.body, separators=(",", ":")).encode()
        )
        now = clock.now()
        delivery.attempts += 1
        delivery.last_attempt_at = now
        code, text, retry_after = None, "", None
        try:
            client = pooled_client(OutgoingPolicy.of(settings))
            headers = signing.headers(target.secret, delivery.uid, int(now.timestamp()), body)
            async with client.stream("POST", target.url, content=body, headers=headers) as response:
                code, text = response.status_code, await _first_bytes(response)
                retry_after = _retry_after(response.headers.get("retry-after"))
        except Exception as exc:  # any network failure is a failed attempt
            text = f"{type(exc).__name__}: {exc}"[:1000]
        delivery.last_status_code, delivery.last_response = code, text
        if code is not None and 200 <= code < 300:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.DELIVERED, None
            if delivery.destination == "immersio":
                await destinations.mark_synced(session, delivery, now)
            return "delivered"
        if code == 410:  # the subscriber says it is gone for good
            if hook is not None:
                hook.active = False
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            return "gone"
        delay = next_delay(
            delivery.attempts, retry_after if code in (429, 503) else None, random.Random()
        )
        if hook is not None and await health.disable_if_failing_too_long(
            session, hook, now, settings
        ):
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            return "subscription disabled"
        if delay is None:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
            return "failed"
        delivery.next_attempt_at = now + delay
        # Queued on the job's own connection: the retry exists only if this attempt's record does.
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        await deliver_webhook.configure(
            connection=raw.driver_connection, schedule_at=delivery.next_attempt_at
        ).defer_async(delivery_id=delivery.id)
        return "retry scheduled"
