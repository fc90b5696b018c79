"""Scale-out rates (issue 16, item 5): one API process against two on one port.

In one run, on one scratch database of the machine's PostgreSQL (127.0.0.1:5432, or
DATABASE_URL's server), with one job worker (``worker``) throughout:

1. one ``serve --no-worker`` process;
2. two ``serve --no-worker --reuse-port`` processes on the same port (the kernel spreads the
   connections over them).

Each phase measures ``POST /v2/bookings`` (bench/bookings.py's load: wrk with
``_bookings.lua``, 64 connections, bookings spread over 64 workshops) and anonymous
``GET /v2/slots`` (bench/_wrk.py, 16 connections), 10 s each, and prints the two-to-one
ratios; then pgbench's minimal booking transaction on the same database as the reference.
Python only sets up and reads results. Run: ``.venv/bin/python bench/scaleout.py``.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import _setup  # type: ignore[import-not-found]
import _wrk  # type: ignore[import-not-found]
import bookings  # type: ignore[import-not-found]
from _setup import database  # type: ignore[import-not-found]

if TYPE_CHECKING:
    from tests.scaleout.fleet import Fleet

SLOT_CONNECTIONS = 16
SLOTS_DAY = bookings.DAYS[0]


def slot_paths(workshops: list[int]) -> list[str]:
    """One day of each workshop's slots (48 half-hour sessions, some already booked)."""
    end = f"{SLOTS_DAY[:8]}{int(SLOTS_DAY[8:]) + 1:02d}"
    return [f"/v2/slots?eventTypeId={et}&start={SLOTS_DAY}&end={end}" for et in workshops]


def targets(workshops: list[int], minute: int) -> list[tuple[int, str]]:
    """Sessions to book, on the hour (``minute`` 0) or at half past (30): each phase its own,
    since _bookings.lua names the same students in every run, and a student books a session
    once."""
    rng = random.Random(minute)
    grid = [f"{d}T{h:02d}:{minute:02d}:00Z" for d in bookings.DAYS for h in range(24)]
    return [(et, rng.choice(grid)) for et in workshops for _ in range(32)]


def phase(
    fleet: Fleet, url: str, targets: list[tuple[int, str]], paths: list[str]
) -> dict[str, Any]:
    asyncio.run(fleet.until_serving())
    booked = bookings.run(url, fleet.base, targets, "spread")
    slots = _wrk.run(
        fleet.base,
        paths,
        connections=SLOT_CONNECTIONS,
        seconds=int(bookings.SECONDS),
        threads=2,
        headers={"cal-api-version": "2024-09-04"},
    )
    return {"bookings": booked, "slots": slots}


def main() -> None:
    # The processes as tests/scaleout starts them (importable once _setup put the root on the path).
    from tests.scaleout.fleet import Fleet

    logs = Path(tempfile.mkdtemp(prefix="immersio-bench-scaleout-"))
    url = database.create_scratch_database(_setup.server_url(), "sbench")
    results: dict[str, dict[str, Any]] = {}
    fleet = Fleet(url, logs)
    try:
        from immersio_booking.db import migrate

        migrate.upgrade(url)
        key = _setup.platform_admin(
            {**os.environ, "DATABASE_URL": url, "IMMERSIO_DATA_DIR": str(logs)}
        )
        fleet.start_worker(1)
        fleet.start_api(1, reuse_port=False)
        asyncio.run(fleet.until_serving())
        workshops = bookings.seed(fleet.base, key)
        paths = slot_paths(workshops)
        results["1 x serve --no-worker"] = phase(fleet, url, targets(workshops, 0), paths)
        fleet.stop_apis()
        fleet.start_api(1)
        fleet.start_api(2)
        two = phase(fleet, url, targets(workshops, 30), paths)
        results["2 x serve --no-worker --reuse-port"] = two
        fleet.stop()
        reference = bookings.pgbench(url)
    except BaseException:
        print(fleet.log_tail())
        raise
    finally:
        fleet.stop()
        database.drop_database(url)
        shutil.rmtree(logs, ignore_errors=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"Scale-out on one machine: API processes on one port, 1 job worker, machine PostgreSQL;"
        f" wrk, {bookings.SECONDS:.0f} s per measure; load average {load}"
    )
    print(f"  POST /v2/bookings, {bookings.CLIENTS} connections, spread over 64 workshops")
    for name, result in results.items():
        b = result["bookings"]
        print(
            f"    {name:<36} {b['rate']:7.1f} bookings/s  p50 {b['p50']:6.1f} ms"
            f"  p99 {b['p99']:7.1f} ms  errors {b['errors']}  {b['codes']}"
        )
        if not b["answered_201"] <= b["booked"] <= b["answered_201"] + bookings.CLIENTS:
            print(f"      MISMATCH: {b['answered_201']} answers 201, {b['booked']} in the database")
    print(f"  GET /v2/slots (anonymous, one day), {SLOT_CONNECTIONS} connections")
    for name, result in results.items():
        s = result["slots"]
        print(
            f"    {name:<36} {s['rps']:7.1f} req/s       p50 {s['p50_ms']:6.1f} ms"
            f"  p99 {s['p99_ms']:7.1f} ms  non-2xx {s['non2xx']}  errors {s['socket_errors']}"
        )
    one, two = results.values()
    booking_ratio = two["bookings"]["rate"] / max(one["bookings"]["rate"], 1e-9)
    slots_ratio = two["slots"]["rps"] / max(one["slots"]["rps"], 1e-9)
    print(f"ratio two / one process: bookings {booking_ratio:.2f}x, slots {slots_ratio:.2f}x")
    print(f"pgbench minimal booking transaction ({bookings.CLIENTS} clients): {reference:.0f} tps")
    if reference:
        print(
            f"ratio bookings / pgbench: one process {one['bookings']['rate'] / reference:.3f},"
            f" two processes {two['bookings']['rate'] / reference:.3f}  (target >= 0.25)"
        )


if __name__ == "__main__":
    main()
