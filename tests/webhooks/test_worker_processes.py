"""`worker --processes 2`: both processes take deliveries; a child killed with SIGKILL is
restarted by the supervisor and every delivery still arrives (duplicates share their
webhook-id); SIGTERM stops the supervisor and its children cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from tests.factories import Tenant
from tests.webhooks.queued import queue_deliveries, worker_env
from tests.webhooks.receiver import receiver
from tests.webhooks.supervised import Lines, until

DELIVERIES = 800
pytestmark = pytest.mark.race


async def test_two_worker_processes_share_deliveries_and_survive_a_kill(
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    data_dir: Path,
) -> None:
    with receiver() as hooks:
        expected = await queue_deliveries(
            sessionmaker, settings, tenant, hooks.base + "/pool", DELIVERIES, "msg_pool"
        )
        env = worker_env(database_url, data_dir, "INFO")
        command = [sys.executable, "-m", "immersio_booking.cli", "worker"]
        supervisor = subprocess.Popen(
            [*command, "--processes", "2", "--concurrency", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines = Lines(supervisor)
        try:
            await until(lambda: len(lines.job_pids()) == 2)
            children = lines.started()
            assert len(children) == 2, lines.all
            # Both processes take work (their pids are on their job lines).
            assert set(children) == lines.job_pids(), lines.all
            await until(lambda: len(hooks.at("/pool")) >= DELIVERIES // 5)
            assert 0 < len(hooks.at("/pool")) < DELIVERIES, "killed in the middle of the work"
            os.kill(children[0], signal.SIGKILL)

            await until(lambda: len(lines.started()) == 3)
            assert len(lines.started()) == 3, "the supervisor restarts the killed child"
            await until(lambda: {r.headers["webhook-id"] for r in hooks.at("/pool")} >= expected)
        finally:
            supervisor.send_signal(signal.SIGTERM)
            code = supervisor.wait(60)

        arrived = [r.headers["webhook-id"] for r in hooks.at("/pool")]
        assert set(arrived) == expected
        # Duplicates (a batch killed after its POSTs) share their webhook-id.
        assert len(arrived) >= DELIVERIES
        assert code == 0, "".join(lines.all[-20:])
        for pid in lines.started():
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)  # every child has stopped with the supervisor
