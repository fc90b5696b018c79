"""Scale-out on one machine (issue 16, item 5): two API processes behind one port and two job
workers, under booking load from many clients; one API process and one worker are killed
(SIGKILL) and started again, then the database itself is restarted. Counts, never timings:

- every 201 the clients saw is in the database exactly once;
- no session holds more bookings than it has seats, and the one teacher is never booked twice
  at once;
- no booking is half-written (each has its attendee);
- while the database is down, requests fail with 503 ``database_unavailable`` (nothing else)
  and ``/readyz`` answers 503; after it is back the same processes book again;
- every booking's BOOKING_CREATED webhook arrives at least once; duplicates share their
  ``webhook-id``.
"""

from __future__ import annotations

import asyncio
import json
import random
import secrets
import shutil
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from immersio_booking.db import migrate
from immersio_booking.db.session import make_engine, make_sessionmaker
from immersio_booking.jobs.app import bound_to
from immersio_booking.kit import clock
from tests import database, versions
from tests.bookings.helpers import MONDAY, seating, student
from tests.factories import Tenant, make_tenant
from tests.helpers import data
from tests.scaleout.fleet import Fleet
from tests.scaleout.servers import RestartableServer, restartable_server
from tests.webhooks.receiver import Receiver, receiver

pytestmark = pytest.mark.race

CLIENTS = 12
SEATS = 4
HOURS = [f"{h:02d}:00" for h in range(9, 17)]
BATCH = 10  # bookings made before and after each blow
WAIT_SECONDS = 60  # a bound on every wait, never an assertion about speed


@dataclass
class Load:
    """Clients booking random sessions of the phase's days until told to stop."""

    base: str
    workshops: list[int]
    days: list[date] = field(default_factory=list)
    answers: list[tuple[int, str | None, str | None, str | None]] = field(default_factory=list)
    lost: int = 0  # no answer at all: the process was killed under the request
    killed_at: Any = None  # the database's clock when a worker was killed
    stopping: asyncio.Event = field(default_factory=asyncio.Event)

    def created(self) -> int:
        return sum(1 for status, *_ in self.answers if status == 201)

    def count(self, status: int) -> int:
        return sum(1 for answer in self.answers if answer[0] == status)

    async def one_client(self, n: int) -> None:
        async with httpx.AsyncClient(base_url=self.base, timeout=30) as client:
            i = 0
            while not self.stopping.is_set():
                i += 1
                day, hour = random.choice(self.days), random.choice(HOURS)
                body = {
                    "eventTypeId": random.choice(self.workshops),
                    "start": f"{day}T{hour}:00Z",
                    "attendee": student(f"c{n}-{i}-{secrets.token_hex(3)}@scaleout.example.com"),
                }
                try:
                    r = await client.post(
                        "/v2/bookings", json=body, headers={"cal-api-version": "2024-08-13"}
                    )
                except httpx.TransportError:
                    self.lost += 1
                    await asyncio.sleep(0.05)
                    continue
                if r.status_code == 201:
                    self.answers.append((201, None, data(r, 201)["uid"], None))
                else:
                    reason = r.json()["error"]["details"].get("reason")
                    self.answers.append((r.status_code, reason, None, r.headers.get("retry-after")))
                    if r.status_code == 503:  # a client that honours Retry-After, briefly
                        await asyncio.sleep(0.2)


async def until(what: str, check: Callable[[], Awaitable[bool]], fleet: Fleet) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not await check():
        assert time.monotonic() < deadline, f"never: {what}\n{fleet.log_tail()}"
        await asyncio.sleep(0.1)


def weekdays(first: date, weeks: int) -> list[date]:
    return [first + timedelta(days=7 * w + d) for w in range(weeks) for d in range(5)]


@pytest.fixture
def own_database() -> Iterator[tuple[RestartableServer, str]]:
    with restartable_server() as (server, url):
        migrate.upgrade(url)
        yield server, url


@pytest.fixture
async def school(own_database: tuple[RestartableServer, str]) -> AsyncIterator[Tenant]:
    engine = make_engine(own_database[1], pool_size=2, max_overflow=0)
    try:
        yield await make_tenant(make_sessionmaker(engine))
    finally:
        await engine.dispose()


async def set_up_school(base: str, school: Tenant, hooks: Receiver) -> list[int]:
    """The teacher's hours, two free workshops and two seated ones, and a subscriber."""
    async with httpx.AsyncClient(
        base_url=base, headers=school.headers, timeout=30, event_hooks=versions.HOOKS
    ) as api:
        schedule = {
            "name": "Hours",
            "timeZone": "UTC",
            "isDefault": True,
            "availability": [
                {
                    "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
                    "startTime": "09:00",
                    "endTime": "17:00",
                }
            ],
        }
        data(await api.post("/v2/schedules", json=schedule), 201)
        workshops = []
        for n, seats in enumerate([None, None, seating(SEATS), seating(SEATS)]):
            body: dict[str, Any] = {
                "lengthInMinutes": 60,
                "title": f"Workshop {n}",
                "slug": f"w{n}-{secrets.token_hex(3)}",
                "minimumBookingNotice": 0,
            }
            if seats:
                body["seats"] = seats
            workshops.append(data(await api.post("/v2/event-types", json=body), 201)["id"])
        hook = {"subscriberUrl": hooks.base + "/hook", "triggers": ["BOOKING_CREATED"]}
        data(await api.post(f"/v2/organizations/{school.id}/webhooks", json=hook), 201)
    return workshops


async def requeue_jobs_of_workers_gone_since(url: str, moment: Any) -> None:
    """What the periodic ``retry_stalled_jobs`` does a minute later (its threshold is 30 s of
    silence): the jobs the killed worker had in hand are queued again."""
    with psycopg.connect(database.libpq(url)) as conn:
        ids = [
            row[0]
            for row in conn.execute(
                "SELECT j.id FROM procrastinate_jobs j"
                " LEFT JOIN procrastinate_workers w ON w.id = j.worker_id"
                " WHERE j.status = 'doing' AND (w.id IS NULL OR w.last_heartbeat < %s)",
                (moment,),
            )
        ]
    with bound_to(url) as app:
        async with app.open_async():
            for job_id in ids:
                await app.job_manager.retry_job_by_id_async(job_id, retry_at=clock.now())


async def test_kills_and_a_database_restart_under_load_keep_every_invariant(
    own_database: tuple[RestartableServer, str], school: Tenant
) -> None:
    server, url = own_database
    logs = Path(tempfile.mkdtemp(prefix="immersio-fleet-"))
    fleet = Fleet(url, logs)
    with receiver() as hooks:
        for n in (1, 2):
            fleet.start_api(n)
            fleet.start_worker(n)
        try:
            await fleet.until_serving()
            workshops = await set_up_school(fleet.base, school, hooks)
            load = Load(fleet.base, workshops, days=weekdays(MONDAY, 2))
            clients = [asyncio.create_task(load.one_client(n)) for n in range(CLIENTS)]
            try:
                await run_the_phases(load, fleet, server, url)
            finally:
                load.stopping.set()
                await asyncio.gather(*clients)
            await check_invariants(load, fleet, hooks, url)
        finally:
            fleet.stop()
            shutil.rmtree(logs, ignore_errors=True)  # their tails are in any failure message


async def run_the_phases(load: Load, fleet: Fleet, server: RestartableServer, url: str) -> None:
    async def created(at_least: int) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return load.created() >= at_least

        return check

    # 1. Kill one API process and one worker mid-load; start them again.
    await until("10 bookings", await created(BATCH), fleet)
    with psycopg.connect(database.libpq(url)) as conn:
        killed_at = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
    fleet.kill(fleet.apis[1])
    fleet.kill(fleet.workers[1])
    fleet.start_api(1)
    fleet.start_worker(1)
    await fleet.until_serving()
    await until("10 more bookings", await created(load.created() + BATCH), fleet)
    load.killed_at = killed_at

    # 2. Restart the database under the same load, on other days (seats left to book).
    load.days = weekdays(MONDAY + timedelta(weeks=2), 2)
    await until("10 bookings on the new days", await created(load.created() + BATCH), fleet)
    before = load.count(503)
    await asyncio.to_thread(server.stop)
    try:

        async def refused() -> bool:
            return load.count(503) > before

        await until("a 503 while the database is down", refused, fleet)
        async with httpx.AsyncClient(base_url=fleet.base, timeout=30) as probe:
            ready = await probe.get("/readyz")
        assert ready.status_code == 503, ready.text
    finally:
        await asyncio.to_thread(server.start)

    async def ready_again() -> bool:
        async with httpx.AsyncClient(base_url=fleet.base, timeout=30) as probe:
            return all([(await probe.get("/readyz")).status_code == 200 for _ in range(6)])

    await until("/readyz 200 after the restart", ready_again, fleet)
    # The same processes (none restarted) book again.
    await until("10 bookings after the restart", await created(load.created() + BATCH), fleet)
    assert all(p.poll() is None for p in (*fleet.apis.values(), *fleet.workers.values()))


async def check_invariants(load: Load, fleet: Fleet, hooks: Receiver, url: str) -> None:
    # Answers: bookings, refusals of a taken session, and 503s of the outage, nothing else.
    kinds = Counter((status, reason) for status, reason, _, _ in load.answers if status != 201)
    assert {s for s, _ in kinds} <= {409, 503}, kinds
    assert {r for s, r in kinds if s == 503} == {"database_unavailable"}, kinds
    assert all(after == "2" for s, _, _, after in load.answers if s == 503)
    seen = [uid for status, _, uid, _ in load.answers if status == 201]
    assert len(seen) == len(set(seen))

    with psycopg.connect(database.libpq(url)) as conn:
        rows = conn.execute(
            "SELECT b.uid, b.event_type_id, b.start_time, count(a.id) FROM bookings b"
            " LEFT JOIN attendees a ON a.booking_id = b.id"
            " WHERE b.event_type_id = ANY(%s) AND b.status = 'accepted'"
            " GROUP BY b.id",
            (load.workshops,),
        ).fetchall()
    stored = Counter(uid for uid, *_ in rows)
    assert all(stored[uid] == 1 for uid in seen), "a 201 not stored exactly once"
    assert all(attendees == 1 for *_, attendees in rows), "a half-written booking"
    at: dict[Any, Counter[int]] = defaultdict(Counter)
    for _, event_type, start, _ in rows:
        at[start][event_type] += 1
    seated = set(load.workshops[2:])
    for start, booked in at.items():
        assert len(booked) == 1, f"the teacher booked twice at {start}: {booked}"
        ((event_type, n),) = booked.items()
        assert n <= (SEATS if event_type in seated else 1), f"oversold at {start}: {n}"

    # Every booking's webhook, at least once; duplicates share their webhook-id.
    await requeue_jobs_of_workers_gone_since(url, load.killed_at)
    uids = set(stored)

    async def all_arrived() -> bool:
        arrived = {json.loads(r.body)["payload"]["uid"] for r in hooks.at("/hook")}
        return uids <= arrived

    await until("every booking's webhook", all_arrived, fleet)
    ids: dict[str, set[str]] = defaultdict(set)
    for r in hooks.at("/hook"):
        ids[json.loads(r.body)["payload"]["uid"]].add(r.headers["webhook-id"])
    assert all(len(ids[uid]) == 1 for uid in uids), "duplicates with different webhook-ids"
