"""kill -9 of a worker in the middle of 1,000 deliveries: after a restart every event arrives
(at least once; duplicates share their webhook-id)."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.jobs.app import bound_to, defer_in_transaction
from immersio_booking.jobs.maintenance import recover_stalled_jobs
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Webhook, WebhookDelivery
from immersio_booking.webhooks.tasks import deliver_webhook
from tests.factories import Tenant
from tests.jobs import job_environment, run_jobs
from tests.webhooks.receiver import receiver

DELIVERIES = 1000
pytestmark = pytest.mark.race


async def test_every_delivery_arrives_after_a_worker_is_killed(
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: object,
    database_url: str,
    data_dir: Path,
) -> None:
    with receiver() as hooks:
        async with transaction(sessionmaker) as session:
            hook = Webhook(
                uid=secrets.token_hex(18),
                organization_id=tenant.id,
                team_id=tenant.id,
                subscriber_url=hooks.base + "/crash",
                active=True,
                event_triggers=["BOOKING_CREATED"],
                secret=SecretBox.of(settings).seal(
                    "whsec_" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo="
                ),  # type: ignore[arg-type]
            )
            session.add(hook)
            await session.flush()
            for n in range(DELIVERIES):
                delivery = WebhookDelivery(
                    organization_id=tenant.id,
                    uid=f"msg_crash_{n}",
                    webhook_id=hook.id,
                    trigger="BOOKING_CREATED",
                    body={"triggerEvent": "BOOKING_CREATED", "n": n},
                )
                session.add(delivery)
                await session.flush()
                await defer_in_transaction(session, deliver_webhook, delivery_id=delivery.id)

        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "IMMERSIO_DATA_DIR": str(data_dir),
            "IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS": "true",
            "IMMERSIO_LOG_LEVEL": "WARNING",
        }
        worker = subprocess.Popen(
            [sys.executable, "-m", "immersio_booking.cli", "worker", "--concurrency", "8"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while len(hooks.at("/crash")) < 150 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        before_kill = len(hooks.at("/crash"))
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        assert 0 < before_kill < DELIVERIES, before_kill

        await asyncio.sleep(1.5)  # no heartbeat from the dead worker any more
        with job_environment(database_url, data_dir, IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS="true"):
            with bound_to(database_url) as app:
                async with app.open_async():
                    recovered = await recover_stalled_jobs(app, seconds_since_heartbeat=1)
            await run_jobs(database_url)  # the restarted worker finishes the queue

        arrived = hooks.at("/crash")
        ids = [r.headers["webhook-id"] for r in arrived]
        assert set(ids) == {f"msg_crash_{n}" for n in range(DELIVERIES)}
        # Duplicates may happen (a job killed after its POST) and share their webhook-id.
        assert len(ids) >= DELIVERIES and recovered >= 0
