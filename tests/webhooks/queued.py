"""Many deliveries queued at once to one subscription, as the crash and scale-out tests need."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Webhook, WebhookDelivery
from immersio_booking.webhooks.tasks import queue_delivery
from tests.factories import Tenant


async def queue_deliveries(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
    url: str,
    count: int,
    prefix: str,
) -> set[str]:
    """``count`` deliveries to a new subscription at ``url``, their jobs queued, in one
    transaction; returns their ``webhook-id``s."""
    now = clock.now()
    async with transaction(sessionmaker) as session:
        hook = Webhook(
            uid=secrets.token_hex(18),
            organization_id=tenant.id,
            team_id=tenant.id,
            subscriber_url=url,
            active=True,
            event_triggers=["BOOKING_CREATED"],
            secret=SecretBox.of(settings).seal("whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="),
        )
        session.add(hook)
        await session.flush()
        for n in range(count):
            delivery = WebhookDelivery(
                organization_id=tenant.id,
                uid=f"{prefix}_{n}",
                webhook_id=hook.id,
                trigger="BOOKING_CREATED",
                body={"triggerEvent": "BOOKING_CREATED", "n": n},
                next_attempt_at=now,
            )
            session.add(delivery)
            await session.flush()
            await queue_delivery(session, delivery.id)
    return {f"{prefix}_{n}" for n in range(count)}


def worker_env(database_url: str, data_dir: Path, log_level: str) -> dict[str, str]:
    """The environment of a worker process the test starts on the run's database."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "IMMERSIO_DATA_DIR": str(data_dir),
        "IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS": "true",
        "IMMERSIO_LOG_LEVEL": log_level,
    }
