"""Immersio sync: 100 courses x 100 students, first sync and no-change re-sync (targets 10 s and
1 s), then a re-sync after a few enrolments change. Run: ``.venv/bin/python bench/sync.py``.

The simulator runs as its own process (``immersio-booking fake-immersio``) on a free loopback
port; the database is a scratch one on DATABASE_URL's server, else on an embedded server.
"""

from __future__ import annotations

import asyncio
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

from _setup import ROOT, free_port, scratch_database  # type: ignore[import-not-found]

sys.path.insert(0, str(ROOT))
from tests.factories import make_tenant

from immersio_booking.config import Settings
from immersio_booking.db.session import make_engine, make_sessionmaker, transaction
from immersio_booking.immersio import service
from immersio_booking.immersio.schemas import IntegrationIn
from immersio_booking.immersio.sync import sync_in_place
from immersio_booking.models import EventType, ImmersioCourseMapping

COURSES = 100
STUDENTS = 100
API_KEY = "bench-key"


def simulator(port: int) -> subprocess.Popen[bytes]:
    command = [
        str(Path(sys.executable).parent / "immersio-booking"),
        "fake-immersio",
        f"--port={port}",
        f"--api-key={API_KEY}",
        f"--courses={COURSES}",
        f"--students={STUDENTS}",
    ]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(f"http://127.0.0.1:{port}/_control/stats", timeout=1)
            return proc
        except httpx.HTTPError:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the simulator did not start") from None
            time.sleep(0.1)


async def bench(url: str, data_dir: Path, immersio_url: str) -> None:
    settings = Settings(data_dir=data_dir, database_url=url, allow_private_network_targets=True)
    engine = make_engine(url, pool_size=4, max_overflow=0)
    sessionmaker = make_sessionmaker(engine)
    tenant = await make_tenant(sessionmaker)
    async with transaction(sessionmaker) as session:
        body = IntegrationIn.model_validate(
            {"immersioOrgId": "demo-org", "baseUrl": immersio_url, "apiKey": API_KEY}
        )
        await service.connect(session, tenant.id, body, settings)
        workshops = [
            EventType(
                organization_id=tenant.id,
                user_id=tenant.owner_id,
                title=f"Course {n}",
                slug=f"course-{n}",
                length=60,
                metadata_={},
                locations=[],
                booking_fields=[],
                extra={},
            )
            for n in range(1, COURSES + 1)
        ]
        session.add_all(workshops)
        await session.flush()
        session.add_all(
            ImmersioCourseMapping(
                tenant_id=tenant.id, event_type_id=w.id, immersio_course_id=f"crs_{n}"
            )
            for n, w in enumerate(workshops, start=1)
        )

    async def timed(label: str) -> float:
        began = time.perf_counter()
        _, outcomes = await sync_in_place(
            sessionmaker, tenant.id, ["courses", "students", "teachers"], settings
        )
        took = time.perf_counter() - began
        summary = ", ".join(
            f"{kind} {o.status} {o.processed} read {o.written} written"
            for kind, o in outcomes.items()
        )
        print(f"{label:<28} {took:6.2f} s   ({summary})")
        return took

    first = await timed("first sync")
    # The machine is shared: several runs, and the median is the figure.
    again = statistics.median([await timed(f"no-change re-sync #{n}") for n in range(1, 6)])
    for n in range(1, 11):  # ten courses: one newcomer, one departure each
        httpx.put(
            f"{immersio_url}/_control/courses/crs_{n}/students/stu_new_{n}",
            json={"email": f"new{n}@example.com", "name": "New"},
        )
        httpx.delete(
            f"{immersio_url}/_control/courses/crs_{n}/students/stu_{(n - 1) * STUDENTS + 1}"
        )
    changed = await timed("re-sync after 20 changes")
    await engine.dispose()
    print(
        f"targets: first {first:.2f} s <= 10 s ({'met' if first <= 10 else 'MISSED'}), "
        f"no-change median {again:.2f} s <= 1 s ({'met' if again <= 1 else 'MISSED'}); "
        f"20 changes {changed:.2f} s"
    )


def main() -> None:
    print(f"Immersio sync: {COURSES} courses x {STUDENTS} students = {COURSES * STUDENTS} rows")
    port = free_port()
    proc = simulator(port)
    try:
        with scratch_database() as (url, data_dir):
            asyncio.run(bench(url, data_dir, f"http://127.0.0.1:{port}"))
    finally:
        proc.terminate()
        proc.wait(10)


if __name__ == "__main__":
    main()
