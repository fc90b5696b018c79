"""kill -9 of a worker in the middle of 1,000 deliveries: after a restart every event arrives
(at least once; duplicates share their webhook-id)."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.jobs.app import bound_to
from immersio_booking.jobs.maintenance import recover_stalled_jobs
from tests.factories import Tenant
from tests.jobs import job_environment, run_jobs
from tests.webhooks.queued import queue_deliveries, worker_env
from tests.webhooks.receiver import receiver

DELIVERIES = 1000
pytestmark = pytest.mark.race


async def test_every_delivery_arrives_after_a_worker_is_killed(
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    data_dir: Path,
) -> None:
    with receiver() as hooks:
        expected = await queue_deliveries(
            sessionmaker, settings, tenant, hooks.base + "/crash", DELIVERIES, "msg_crash"
        )

        env = worker_env(database_url, data_dir, "WARNING")
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
        assert set(ids) == expected
        # Duplicates may happen (a job killed after its POST) and share their webhook-id.
        assert len(ids) >= DELIVERIES and recovered >= 0
