"""OOO_CREATED: Cal.com's ``oooEntry`` payload, to the school's webhooks and the teacher's own."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit import clock
from immersio_booking.models import OutOfOfficeEntry, User, Webhook
from immersio_booking.webhooks.emitter import deliver, iso

TRIGGER = "OOO_CREATED"
# Cal.com's OutOfOfficeReason ids, in the order of its seed.
REASON_IDS = {"unspecified": 1, "vacation": 2, "travel": 3, "sick": 4, "public_holiday": 5}


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {
        "id": user.id,
        "name": user.name,
        "username": user.username,
        "timeZone": user.time_zone,
        "email": user.email,
    }


async def absence_payload(session: AsyncSession, entry: OutOfOfficeEntry) -> dict[str, Any]:
    user = await session.get(User, entry.user_id)
    to_user = await session.get(User, entry.to_user_id) if entry.to_user_id else None
    return {
        "oooEntry": {
            "id": entry.id,
            "uuid": entry.uuid,
            "start": iso(entry.start_time),
            "end": iso(entry.end_time),
            "createdAt": iso(entry.created_at),
            "updatedAt": iso(entry.updated_at),
            "notes": entry.notes,
            "reason": {"reason": entry.reason},
            "reasonId": REASON_IDS[entry.reason],
            "user": _person(user),
            "toUser": _person(to_user),
        }
    }


async def subscriptions_for(session: AsyncSession, entry: OutOfOfficeEntry) -> list[Webhook]:
    """The school's own webhooks (not tied to a workshop) and the teacher's personal ones."""
    rows = await session.execute(
        select(Webhook).where(
            Webhook.organization_id == entry.organization_id,
            Webhook.active.is_(True),
            Webhook.event_type_id.is_(None),
            (Webhook.team_id == entry.organization_id)
            | ((Webhook.user_id == entry.user_id) & Webhook.team_id.is_(None)),
        )
    )
    return [w for w in rows.scalars() if TRIGGER in (w.event_triggers or [])]


async def absence_recorded(session: AsyncSession, entry: OutOfOfficeEntry) -> None:
    targets: list[int | None] = [w.id for w in await subscriptions_for(session, entry)]
    if targets:
        payload = await absence_payload(session, entry)
        await deliver(session, entry.organization_id, targets, TRIGGER, payload, clock.now())
