"""Where a delivery goes and with which key: a subscription, or the tenant's Immersio endpoint.

The Immersio push (seed flow step 9) rides the same deliveries as subscriptions: the URL is
``Team.metadata.immersio_config.webhook_url`` and the key the integration's webhook secret, both
read when the attempt is made, so a changed URL or a rotated secret applies to retries too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import (
    Booking,
    ImmersioIntegration,
    Team,
    Webhook,
    WebhookDelivery,
)


@dataclass(frozen=True)
class Destination:
    url: str
    secret: str
    payload_template: str | None
    subscription: Webhook | None  # None for the Immersio endpoint


def immersio_url(metadata: dict[str, Any] | None) -> str | None:
    """The tenant's Immersio endpoint in its team's metadata, if it has one."""
    config = (metadata or {}).get("immersio_config")
    url = config.get("webhook_url") if isinstance(config, dict) else None
    return str(url) if url else None


def immersio_facts(organization_id: int) -> list[ColumnElement[Any]]:
    """The team's metadata and whether the tenant's integration has a webhook secret, as SQL
    (read before a booking's locks: ``pushes`` decides from them)."""
    metadata = select(Team.metadata_).where(Team.id == organization_id).scalar_subquery()
    secret = (
        select(ImmersioIntegration.id)
        .where(
            ImmersioIntegration.tenant_id == organization_id,
            ImmersioIntegration.webhook_secret.is_not(None),
            ImmersioIntegration.webhook_secret != "",
        )
        .exists()
    )
    return [metadata, secret]


def pushes(metadata: dict[str, Any] | None, has_secret: bool) -> bool:
    """``pushes_to_immersio`` from ``immersio_facts``' values."""
    return immersio_url(metadata) is not None and has_secret


async def _immersio_url_and_sealed_secret(
    session: AsyncSession, organization_id: int
) -> tuple[str, str] | None:
    team = await session.get(Team, organization_id)
    url = immersio_url(team.metadata_ if team is not None else None)
    if url is None:
        return None
    sealed = (
        await session.execute(
            select(ImmersioIntegration.webhook_secret).where(
                ImmersioIntegration.tenant_id == organization_id
            )
        )
    ).scalar_one_or_none()
    return (url, sealed) if sealed else None


async def pushes_to_immersio(session: AsyncSession, organization_id: int) -> bool:
    """Whether the tenant has an Immersio integration with a secret and an endpoint URL."""
    return await _immersio_url_and_sealed_secret(session, organization_id) is not None


async def immersio_endpoint(
    session: AsyncSession, organization_id: int, settings: Settings
) -> Destination | None:
    found = await _immersio_url_and_sealed_secret(session, organization_id)
    if found is None:
        return None
    url, sealed = found
    return Destination(url, SecretBox.of(settings).open(sealed), None, None)


async def resolve(
    session: AsyncSession, delivery: WebhookDelivery, hook: Webhook | None, settings: Settings
) -> Destination | None:
    """Where this delivery goes now; None when its destination is gone or switched off."""
    if delivery.destination == "immersio":
        return await immersio_endpoint(session, delivery.organization_id, settings)
    if hook is None or not hook.active:
        return None
    secret = SecretBox.of(settings).open(hook.secret) if hook.secret else ""
    return Destination(hook.subscriber_url, secret, hook.payload_template, hook)


async def mark_synced(
    session: AsyncSession, organization_id: int, body: dict[str, Any], now: datetime
) -> None:
    """Immersio has the booking (``body`` is the delivery's): ``metadata.synced_to_immersio``
    and ``synced_at``."""
    booking_id = body.get("payload", {}).get("bookingId")
    booking = await session.get(Booking, booking_id, with_for_update=True) if booking_id else None
    if booking is None or booking.organization_id != organization_id:
        return
    booking.metadata_ = {
        **(booking.metadata_ or {}),
        "synced_to_immersio": True,
        "synced_at": now.astimezone(UTC).isoformat().replace("+00:00", "Z"),
    }
