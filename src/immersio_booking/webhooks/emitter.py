"""Booking events → one delivery row per matching subscription (and one for the tenant's
Immersio endpoint when it has one), in the same transaction."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.bookings import meeting_links
from immersio_booking.bookings import repository as bookings
from immersio_booking.db.session import Remembered
from immersio_booking.kit import clock
from immersio_booking.models import (
    Booking,
    BookingStatus,
    EventType,
    User,
    Webhook,
    WebhookDelivery,
)
from immersio_booking.webhooks import destinations
from immersio_booking.webhooks.meeting_data import with_meeting


def iso(moment: datetime) -> str:
    return (
        moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    )


async def booking_payload(session: AsyncSession, booking: Booking) -> dict[str, Any]:
    """Cal.com's booking payload fields (one event per seat: each seat is a booking), with the
    session's meeting once it has one. A cancelled or declined seat's payload keeps the meeting
    it had: a Jitsi room is removed in the very transaction that writes the event."""
    ended = booking.status in (BookingStatus.CANCELLED, BookingStatus.REJECTED)
    link = await meeting_links.link_of(session, booking.organization_id, booking.id, removed=ended)
    payload = await _payload(session, booking)
    return with_meeting(payload, link) if link else payload


async def _payload(session: AsyncSession, booking: Booking) -> dict[str, Any]:
    et = await session.get(EventType, booking.event_type_id) if booking.event_type_id else None
    host = await session.get(User, booking.user_id) if booking.user_id else None
    people = (await bookings.attendees_of(session, booking.organization_id, [booking.id])).get(
        booking.id, []
    )
    return {
        "type": et.slug if et else None,
        "title": booking.title,
        "description": booking.description,
        "startTime": iso(booking.start_time),
        "endTime": iso(booking.end_time),
        "organizer": {
            "id": host.id,
            "name": host.name,
            "email": host.email,
            "timeZone": host.time_zone,
        }
        if host
        else None,
        "attendees": [
            {
                "name": a.name,
                "email": a.email,
                "timeZone": a.time_zone,
                "language": {"locale": a.locale or "en"},
                "noShow": a.no_show,
            }
            for a in people
        ],
        "uid": booking.uid,
        "bookingId": booking.id,
        "eventTypeId": booking.event_type_id,
        "status": booking.status.upper(),
        "location": booking.location,
        "metadata": booking.metadata_ or {},
        "responses": booking.responses or {},
        "price": et.price if et else 0,
        "currency": et.currency if et else None,
        "paid": booking.paid,
        "cancellationReason": booking.cancellation_reason,
        "rejectionReason": booking.rejection_reason,
        "rescheduled": booking.rescheduled,
        "seatUid": booking.uid if et and et.seats_per_time_slot else None,
        "noShowHost": booking.no_show_host,
    }


# The active subscriptions that may concern a workshop's bookings, by (school, workshop).
_OF_WORKSHOP: Remembered[list[Webhook]] = Remembered("webhooks.of_workshop")
_TO_IMMERSIO: Remembered[bool] = Remembered("webhooks.to_immersio")


def _of_workshop(organization_id: int, event_type_id: int) -> Select[Webhook]:
    return select(Webhook).where(
        Webhook.organization_id == organization_id,
        Webhook.active.is_(True),
        or_(
            (Webhook.team_id == organization_id) & Webhook.event_type_id.is_(None),
            Webhook.event_type_id == event_type_id,
            Webhook.team_id.is_(None) & Webhook.event_type_id.is_(None),
        ),
    )


def ask(organization_id: int, event_type_id: int) -> ColumnElement[Any]:
    """Before a booking's locks, with the other packages' reads: whether any subscription may
    concern the workshop's bookings (the school's, the workshop's, a teacher's own), and the
    facts of the school's Immersio push, as one JSON value."""
    return func.json_build_array(
        _of_workshop(organization_id, event_type_id).exists(),
        *destinations.immersio_facts(organization_id),
    )


async def keep(
    session: AsyncSession, organization_id: int, event_type_id: int, value: list[Any]
) -> None:
    """Keep ``ask``'s answer for ``emit`` in the same transaction (the subscriptions loaded
    only when there are some)."""
    any_hook, metadata, has_secret = value
    hooks = (
        list((await session.execute(_of_workshop(organization_id, event_type_id))).scalars())
        if any_hook
        else []
    )
    _OF_WORKSHOP.put(session, (organization_id, event_type_id), hooks)
    _TO_IMMERSIO.put(session, organization_id, destinations.pushes(metadata, bool(has_secret)))


def _concerns(hook: Webhook, booking: Booking) -> bool:
    """The subscription's scope takes in the booking (the query's condition, on a row)."""
    return (
        (hook.team_id == booking.organization_id and hook.event_type_id is None)
        or hook.event_type_id == booking.event_type_id
        or (hook.user_id == booking.user_id and hook.team_id is None and hook.event_type_id is None)
    )


async def subscriptions_for(session: AsyncSession, booking: Booking, trigger: str) -> list[Webhook]:
    kept = _OF_WORKSHOP.get(session, (booking.organization_id, booking.event_type_id))
    if kept is not None:
        return [w for w in kept if _concerns(w, booking) and trigger in (w.event_triggers or [])]
    return await subscribed(
        session, booking.organization_id, booking.event_type_id, booking.user_id, trigger
    )


async def subscribed(
    session: AsyncSession,
    organization_id: int,
    event_type_id: int | None,
    user_id: int | None,
    trigger: str,
) -> list[Webhook]:
    """The school's active webhooks of ``trigger`` that concern a workshop: the school's own,
    the workshop's, and its teacher's personal ones."""
    rows = await session.execute(
        select(Webhook).where(
            Webhook.organization_id == organization_id,
            Webhook.active.is_(True),
            or_(
                (Webhook.team_id == organization_id) & Webhook.event_type_id.is_(None),
                Webhook.event_type_id == event_type_id,
                (Webhook.user_id == user_id)
                & Webhook.team_id.is_(None)
                & Webhook.event_type_id.is_(None),
            ),
        )
    )
    return [w for w in rows.scalars() if trigger in (w.event_triggers or [])]


PayloadOf = Callable[[AsyncSession, Booking], Awaitable[dict[str, Any]]]


async def emit(
    session: AsyncSession,
    booking_list: Sequence[Booking],
    trigger: str,
    payload_of: PayloadOf = booking_payload,
) -> int:
    """Write the deliveries of ``trigger`` for each booking and queue their jobs (all or
    nothing with the caller's transaction); the payload is the booking's unless ``payload_of``
    says otherwise. Returns how many deliveries were written."""
    written = 0
    now = clock.now()
    to_immersio: dict[int, bool] = {}
    for booking in booking_list:
        org = booking.organization_id
        if org not in to_immersio:
            kept = _TO_IMMERSIO.get(session, org)
            to_immersio[org] = (
                kept if kept is not None else await destinations.pushes_to_immersio(session, org)
            )
        targets: list[int | None] = [
            h.id for h in await subscriptions_for(session, booking, trigger)
        ]
        if to_immersio[org]:
            targets.append(None)  # the tenant's Immersio endpoint
        if targets:
            payload = await payload_of(session, booking)
            written += await deliver(session, org, targets, trigger, payload, now)
    return written


async def deliver(
    session: AsyncSession,
    organization_id: int,
    targets: Sequence[int | None],
    trigger: str,
    payload: dict[str, Any],
    now: datetime,
) -> int:
    """One delivery row per target (a webhook id, or None for the tenant's Immersio endpoint)
    in Cal.com's envelope, each with its job queued in the caller's transaction."""
    from immersio_booking.webhooks.tasks import queue_delivery

    body = {"triggerEvent": trigger, "createdAt": iso(now), "payload": payload}
    for webhook_id in targets:
        delivery = WebhookDelivery(
            organization_id=organization_id,
            uid="msg_" + secrets.token_urlsafe(18),
            destination="subscription" if webhook_id is not None else "immersio",
            webhook_id=webhook_id,
            trigger=trigger,
            body=body,
            status="pending",
            attempts=0,
            next_attempt_at=now,
        )
        session.add(delivery)
        await session.flush()
        await queue_delivery(session, delivery.id)
    return len(targets)
