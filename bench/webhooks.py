"""Webhook delivery: booking commit → arrival at a local receiver (p50/p99), and deliveries
per second of ``worker --processes 1`` and ``--processes 2`` (target: 300 per process).
Python only sets up and enqueues; the receiver runs in its own uvicorn process and is first
measured alone with wrk, so it is known not to be the bottleneck. Database: DATABASE_URL's
server, else the machine's PostgreSQL. Run: ``.venv/bin/python bench/webhooks.py``."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

import _setup  # type: ignore[import-not-found]
from _receiver import receiving  # type: ignore[import-not-found]
from _setup import ROOT, database, free_port, percentile, served  # type: ignore[import-not-found]

sys.path.insert(0, str(ROOT))

BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "200"))
BULK = int(os.environ.get("BENCH_DELIVERIES", "2000"))
CONCURRENCY = os.environ.get("BENCH_WORKER_CONCURRENCY", "8")
TARGET_PER_PROCESS = 300
WRK_POST = 'wrk.method = "POST"; wrk.body = "{}"; wrk.headers["webhook-id"] = "msg_wrk"'


def receiver_alone(hook_url: str) -> float:
    """Requests per second the receiver answers on its own (wrk, 8 keep-alive connections)."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_POST)
        script.flush()
        done = subprocess.run(
            ["wrk", "-t1", "-c8", "-d3s", "-s", script.name, hook_url],
            capture_output=True,
            text=True,
            check=True,
        )
    line = next(x for x in done.stdout.splitlines() if x.startswith("Requests/sec:"))
    return float(line.split()[1])


def start_worker(cli: str, processes: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [cli, "worker", "--concurrency", CONCURRENCY, "--processes", str(processes)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def stop_worker(worker: subprocess.Popen[bytes]) -> None:
    worker.terminate()
    worker.wait(60)


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="immersio-bench-"))
    url = database.create_scratch_database(_setup.server_url(), "wbench")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "IMMERSIO_DATA_DIR": str(data_dir),
        "IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS": "true",
        "IMMERSIO_LOG_LEVEL": "WARNING",
    }
    try:
        from immersio_booking.db import migrate

        migrate.upgrade(url)
        cli = str(ROOT / ".venv/bin/immersio-booking")
        os.environ.update(
            {k: env[k] for k in ("IMMERSIO_DATA_DIR", "IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS")}
        )
        admin = _setup.platform_admin(env)
        port = free_port()
        hook_url = f"http://127.0.0.1:{port}/b"
        with receiving(port) as received, served(url, data_dir) as base:
            print(f"receiver alone (wrk, 8 connections): {receiver_alone(hook_url):.0f} requests/s")
            worker = start_worker(cli, 1, env)
            try:
                with httpx.Client(base_url=base, timeout=30) as client:
                    owner, org, _ = _setup.enterprise_school(client, admin, "W", "wb")
                    client.post(
                        f"/v2/organizations/{org}/webhooks",
                        headers=owner,
                        json={"subscriberUrl": hook_url, "triggers": ["BOOKING_CREATED"]},
                    ).raise_for_status()
                    _setup.open_all_week(client, owner, "A")
                    et = client.post(
                        "/v2/event-types",
                        headers={**owner, "cal-api-version": "2024-06-14"},
                        json=_setup.seated_workshop("W", "w", 1000),
                    ).json()["data"]
                    latencies = []
                    for n in range(BOOKINGS):
                        seen = received()
                        began = time.perf_counter()
                        client.post(
                            "/v2/bookings",
                            headers={"cal-api-version": "2024-08-13"},
                            json={
                                "eventTypeId": et["id"],
                                "start": "2027-03-01T10:00:00Z",
                                "attendee": {
                                    "name": "S",
                                    "email": f"s{n}@example.com",
                                    "timeZone": "UTC",
                                },
                            },
                        ).raise_for_status()
                        while received() <= seen:
                            time.sleep(0.002)
                        latencies.append(time.perf_counter() - began)
                print(
                    f"booking POST -> delivery arrived ({BOOKINGS} bookings, one at a time):"
                    f" p50 {percentile(latencies, 0.5) * 1000:.0f} ms,"
                    f" p99 {percentile(latencies, 0.99) * 1000:.0f} ms"
                )
                for processes in (1, 2):
                    if processes > 1:
                        stop_worker(worker)
                        worker = start_worker(cli, processes, env)
                        time.sleep(5)  # the processes start before the clock does
                    rate = asyncio.run(bulk(url, received, f"p{processes}"))
                    print(
                        f"worker --processes {processes} ({CONCURRENCY} concurrent jobs each):"
                        f" {rate:.0f} deliveries/s over {BULK} deliveries,"
                        f" {rate / processes:.0f} per process"
                        f" (target >= {TARGET_PER_PROCESS} per process:"
                        f" {'met' if rate / processes >= TARGET_PER_PROCESS else 'NOT met'})"
                    )
            finally:
                stop_worker(worker)
    finally:
        database.drop_database(url)


async def bulk(url: str, received: Callable[[], int], tag: str) -> float:
    """Queue BULK deliveries at once (as the emitter does) and time the worker delivering
    them all."""
    from immersio_booking.db.session import make_engine, make_sessionmaker, transaction
    from immersio_booking.kit import clock
    from immersio_booking.models import Webhook, WebhookDelivery
    from immersio_booking.webhooks.tasks import queue_delivery

    engine = make_engine(url)
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            from sqlalchemy import select

            hook = (await session.execute(select(Webhook))).scalars().first()
            assert hook is not None
            for n in range(BULK):
                delivery = WebhookDelivery(
                    organization_id=hook.organization_id,
                    uid=f"msg_bulk_{tag}_{n}",
                    webhook_id=hook.id,
                    trigger="BOOKING_CREATED",
                    body={"n": n},
                    next_attempt_at=clock.now(),
                )
                session.add(delivery)
                await session.flush()
                await queue_delivery(session, delivery.id)
        before = received()
        began = time.perf_counter()
        while received() < before + BULK:
            await asyncio.sleep(0.05)
        return BULK / (time.perf_counter() - began)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
