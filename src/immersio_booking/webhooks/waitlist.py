"""WAITLIST_JOINED / WAITLIST_OFFERED / WAITLIST_EXPIRED (ours; docs/waitlist.md): Cal.com's
envelope (``triggerEvent``, ``createdAt``, ``payload``) with the entry as the payload, to the
school's webhooks, the workshop's and its teacher's own, and the school's Immersio endpoint."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit import clock
from immersio_booking.models import EventType, Webhook
from immersio_booking.models.waitlist import WaitlistEntry
from immersio_booking.waitlist import events
from immersio_booking.webhooks import destinations
from immersio_booking.webhooks.emitter import deliver, iso, subscribed


def entry_payload(entry: WaitlistEntry, et: EventType) -> dict[str, Any]:
    return {
        "uid": entry.uid,
        "status": entry.status.value.upper(),
        "eventTypeId": et.id,
        "title": et.title,
        "startTime": iso(entry.start_time),
        "endTime": iso(entry.start_time + timedelta(minutes=et.length)),
        "attendee": {
            "name": entry.name,
            "email": entry.email,
            "timeZone": entry.time_zone,
            "language": entry.language,
        },
        "joinedAt": iso(entry.created_at) if entry.created_at else None,
        "offeredAt": iso(entry.offered_at) if entry.offered_at else None,
        "offerExpiresAt": iso(entry.offer_expires_at) if entry.offer_expires_at else None,
        "bookingUid": entry.booking_uid,
        "organizationId": entry.organization_id,
    }


async def subscriptions_for(session: AsyncSession, et: EventType, trigger: str) -> list[Webhook]:
    return await subscribed(session, et.organization_id, et.id, et.user_id, trigger)


async def on_waitlist_event(session: AsyncSession, event: events.WaitlistEvent) -> None:
    entry = event.entry
    et = await session.get(EventType, entry.event_type_id)
    if et is None:
        return
    targets: list[int | None] = [w.id for w in await subscriptions_for(session, et, event.trigger)]
    if await destinations.pushes_to_immersio(session, entry.organization_id):
        targets.append(None)
    if targets:
        payload = entry_payload(entry, et)
        await deliver(session, entry.organization_id, targets, event.trigger, payload, clock.now())
