"""Webhook subscriptions of a user, an event type or an organization: rules and storage."""

from __future__ import annotations

import base64
import secrets
import uuid
from dataclasses import dataclass

from sqlalchemy import Select, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.http import OutgoingPolicy, vetted_addresses
from immersio_booking.models import DeliveryStatus, Webhook, WebhookDelivery
from immersio_booking.webhooks.schemas import DeliveryOut, WebhookCreate, WebhookOut, WebhookPatch


@dataclass(frozen=True)
class Owner:
    """Whose subscriptions: exactly one of user, event type or team (organization)."""

    organization_id: int
    user_id: int | None = None
    event_type_id: int | None = None
    team_id: int | None = None

    def statement(self) -> Select[Webhook]:
        statement = select(Webhook).where(Webhook.organization_id == self.organization_id)
        if self.event_type_id is not None:
            return statement.where(Webhook.event_type_id == self.event_type_id)
        if self.team_id is not None:
            return statement.where(Webhook.team_id == self.team_id, Webhook.event_type_id.is_(None))
        return statement.where(
            Webhook.user_id == self.user_id,
            Webhook.team_id.is_(None),
            Webhook.event_type_id.is_(None),
        )


def new_secret() -> str:
    """``whsec_`` + base64 of 32 random bytes (Standard Webhooks' form)."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def out(webhook: Webhook, shown_secret: str | None = None) -> WebhookOut:
    return WebhookOut(
        id=webhook.uid,
        payload_template=webhook.payload_template,
        triggers=list(webhook.event_triggers or []),
        subscriber_url=webhook.subscriber_url,
        active=webhook.active,
        secret=shown_secret,
        user_id=webhook.user_id,
        event_type_id=webhook.event_type_id,
        team_id=webhook.team_id,
    )


async def create(
    session: AsyncSession, owner: Owner, body: WebhookCreate, settings: Settings
) -> WebhookOut:
    await vetted_addresses(body.subscriber_url, OutgoingPolicy.of(settings))
    secret = body.secret or new_secret()
    webhook = Webhook(
        uid=str(uuid.uuid4()),
        organization_id=owner.organization_id,
        user_id=owner.user_id,
        event_type_id=owner.event_type_id,
        team_id=owner.team_id,
        subscriber_url=body.subscriber_url,
        active=body.active,
        event_triggers=body.triggers,
        payload_template=body.payload_template,
        secret=SecretBox.of(settings).seal(secret),
    )
    session.add(webhook)
    await session.flush()
    return out(webhook, shown_secret=secret)


async def get(session: AsyncSession, owner: Owner, uid: str) -> Webhook:
    found = (
        await session.execute(owner.statement().where(Webhook.uid == uid))
    ).scalar_one_or_none()
    if found is None:
        raise NotFound(f"Webhook with id {uid} not found")
    return found


async def listing(session: AsyncSession, owner: Owner, take: int, skip: int) -> list[Webhook]:
    rows = await session.execute(owner.statement().order_by(Webhook.id).limit(take).offset(skip))
    return list(rows.scalars())


async def patch(
    session: AsyncSession, owner: Owner, uid: str, body: WebhookPatch, settings: Settings
) -> WebhookOut:
    webhook = await get(session, owner, uid)
    given = body.model_fields_set
    if body.subscriber_url is not None:
        await vetted_addresses(body.subscriber_url, OutgoingPolicy.of(settings))
        webhook.subscriber_url = body.subscriber_url
    if body.triggers is not None:
        webhook.event_triggers = body.triggers
    if body.active is not None:
        webhook.active = body.active
    if "payload_template" in given:
        webhook.payload_template = body.payload_template
    shown = None
    if body.secret is not None:
        webhook.secret = SecretBox.of(settings).seal(body.secret)
        shown = body.secret
    await session.flush()
    return out(webhook, shown_secret=shown)


async def remove(session: AsyncSession, owner: Owner, uid: str) -> WebhookOut:
    webhook = await get(session, owner, uid)
    result = out(webhook)
    await session.delete(webhook)
    await session.flush()
    return result


async def remove_all(session: AsyncSession, owner: Owner) -> int:
    ids = owner.statement().with_only_columns(Webhook.id).scalar_subquery()
    deleted = await session.execute(
        delete(Webhook).where(Webhook.id.in_(ids)).returning(Webhook.id)
    )
    return len(deleted.all())


def delivery_out(delivery: WebhookDelivery) -> DeliveryOut:
    return DeliveryOut(
        id=delivery.uid,
        trigger=delivery.trigger,
        status=delivery.status,
        attempts=delivery.attempts,
        next_attempt_at=delivery.next_attempt_at,
        last_attempt_at=delivery.last_attempt_at,
        last_status_code=delivery.last_status_code,
        last_response=delivery.last_response,
        created_at=delivery.created_at,
    )


async def deliveries(
    session: AsyncSession, owner: Owner, uid: str, take: int, skip: int
) -> list[WebhookDelivery]:
    webhook = await get(session, owner, uid)
    rows = await session.execute(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.organization_id == owner.organization_id,
            WebhookDelivery.webhook_id == webhook.id,
        )
        .order_by(WebhookDelivery.id.desc())
        .limit(take)
        .offset(skip)
    )
    return list(rows.scalars())


async def redeliver(
    session: AsyncSession, owner: Owner, uid: str, delivery_uid: str
) -> WebhookDelivery:
    """Send a delivery again now (same ``webhook-id``), whatever became of it."""
    from immersio_booking.webhooks.tasks import queue_delivery

    webhook = await get(session, owner, uid)
    delivery = (
        await session.execute(
            select(WebhookDelivery).where(
                WebhookDelivery.organization_id == owner.organization_id,
                WebhookDelivery.webhook_id == webhook.id,
                WebhookDelivery.uid == delivery_uid,
            )
        )
    ).scalar_one_or_none()
    if delivery is None:
        raise NotFound(f"Delivery {delivery_uid} not found")
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    await session.flush()
    await queue_delivery(session, delivery.id, replace=True)
    return delivery


async def rotate_secrets(session: AsyncSession, settings: Settings) -> int:
    """Re-encrypt every subscription's signing secret under the first key
    (``immersio-booking admin rotate-keys``); returns how many were rewritten."""
    box = SecretBox.of(settings)
    count = 0
    for hook in await global_lookups.webhooks_to_reseal(session):
        assert hook.secret is not None
        hook.secret = box.rotate(hook.secret)
        count += 1
    await session.flush()
    return count


async def deliveries_of_booking(
    session: AsyncSession, organization_id: int, booking_uid: str, limit: int = 50
) -> list[WebhookDelivery]:
    """The school's webhook deliveries about one booking (its uid in the payload), newest
    first: the history a booking's page shows."""
    payload = WebhookDelivery.body["payload"]
    rows = await session.execute(
        select(WebhookDelivery)
        .where(
            WebhookDelivery.organization_id == organization_id,
            or_(
                payload["uid"].astext == booking_uid,
                payload["bookingUid"].astext == booking_uid,
            ),
        )
        .order_by(WebhookDelivery.id.desc())
        .limit(limit)
    )
    return list(rows.scalars())
