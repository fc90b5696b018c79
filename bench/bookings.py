"""Booking throughput: ``POST /v2/bookings`` under 64 concurrent clients, and pgbench's rate for
the minimal booking transaction on the same PostgreSQL as the reference.

Runs against the machine's PostgreSQL (127.0.0.1:5432, or DATABASE_URL's server) with 2
uvicorn workers. Variants: bookings spread over 64 workshops of 32 teachers, and a "hot
workshop" where every client books the same session. Run: ``.venv/bin/python bench/bookings.py``.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import secrets
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import psycopg

import _setup  # type: ignore[import-not-found]
from _setup import database, percentile, served  # type: ignore[import-not-found]

CLIENTS = 64
SECONDS = 10.0
WORKERS = 2
TEACHERS = 32
WORKSHOPS_PER_TEACHER = 2
SEATS = 1000  # Cal.com's maximum per session
DAYS = ["2027-03-01", "2027-03-02", "2027-03-03", "2027-03-04", "2027-03-05"]

PGBENCH_SCRIPT = """\\set et random(1, 64)
\\set uid random(1, 1000000000)
BEGIN;
SELECT pg_advisory_xact_lock(:et);
UPDATE bench_sessions SET seats_taken = seats_taken + 1 WHERE id = :et;
INSERT INTO bench_bookings (session_id, uid, start_time)
  VALUES (:et, :uid, now()) RETURNING id \\gset
INSERT INTO bench_attendees (booking_id, email) VALUES (:id, 'student@example.com');
COMMIT;
"""


def seed(base: str, platform_key: str) -> list[int]:
    """An enterprise school with teachers working around the clock and seated workshops."""
    with httpx.Client(base_url=base, timeout=30) as client:
        owner, org, slug = _setup.enterprise_school(client, platform_key, "Bench School", "bench")
        workshops = []
        for t in range(TEACHERS):
            teacher = client.post(
                f"/v2/organizations/{org}/users",
                headers=owner,
                json={"email": f"t{t}@{slug}.example.com", "name": f"Teacher {t}"},
            ).json()["data"]
            acting = {**owner, "X-Act-As-User": str(teacher["id"])}
            _setup.open_all_week(client, acting, "Always")
            for w in range(WORKSHOPS_PER_TEACHER):
                r = client.post(
                    "/v2/event-types",
                    headers={**acting, "cal-api-version": "2024-06-14"},
                    json=_setup.seated_workshop(f"W{t}-{w}", f"w{t}-{w}", SEATS),
                )
                assert r.status_code == 201, r.text
                workshops.append(r.json()["data"]["id"])
        return workshops


async def load(base: str, pick: Callable[[Counter[int]], tuple[int, str]]) -> dict[str, Any]:
    latencies: list[float] = []
    codes: Counter[int] = Counter()
    reasons: Counter[str] = Counter()
    deadline = time.perf_counter() + SECONDS
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base, timeout=30, limits=limits) as client:

        async def one_client(n: int) -> None:
            i = 0
            while time.perf_counter() < deadline:
                i += 1
                event_type, start = pick(codes)
                began = time.perf_counter()
                r = await client.post(
                    "/v2/bookings",
                    headers={"cal-api-version": "2024-08-13"},
                    json={
                        "eventTypeId": event_type,
                        "start": start,
                        "attendee": {
                            "name": "S",
                            "email": f"c{n}-{i}-{secrets.token_hex(3)}@example.com",
                            "timeZone": "UTC",
                        },
                    },
                )
                latencies.append(time.perf_counter() - began)
                codes[r.status_code] += 1
                if r.status_code != 201:
                    reasons[r.json()["error"]["details"].get("reason", "?")] += 1

        began = time.perf_counter()
        await asyncio.gather(*(one_client(n) for n in range(CLIENTS)))
        elapsed = time.perf_counter() - began
    ok = codes.get(201, 0)
    # 409 seats_full at a session's turnover is an answer, not an error; anything else is.
    errors = sum(n for code, n in codes.items() if code not in (201, 409))
    return {
        "rate": ok / elapsed,
        "p50": percentile(latencies, 0.5) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "errors": errors,
        "codes": {**{str(k): v for k, v in codes.items()}, **dict(reasons)},
    }


def pgbench(url: str) -> float:
    conninfo = database.libpq(url)
    with psycopg.connect(conninfo, autocommit=True) as conn:
        conn.execute("CREATE TABLE bench_sessions (id int PRIMARY KEY, seats_taken int NOT NULL)")
        conn.execute("INSERT INTO bench_sessions SELECT g, 0 FROM generate_series(1, 64) g")
        conn.execute(
            "CREATE TABLE bench_bookings (id bigserial PRIMARY KEY, session_id int,"
            " uid bigint, start_time timestamptz)"
        )
        conn.execute(
            "CREATE TABLE bench_attendees (id bigserial PRIMARY KEY, booking_id bigint, email text)"
        )
    script = Path(tempfile.mkdtemp()) / "booking.sql"
    script.write_text(PGBENCH_SCRIPT)
    dbname = url.rsplit("/", 1)[1].split("?")[0]
    host_port = re.search(r"@([^/]+)/", url)
    host, _, port = (host_port.group(1) if host_port else "127.0.0.1:5432").partition(":")
    done = subprocess.run(
        [
            "pgbench",
            "-n",
            "-c",
            str(CLIENTS),
            "-j",
            "2",
            "-T",
            str(int(SECONDS)),
            "-f",
            str(script),
            "-h",
            host or "127.0.0.1",
            "-p",
            port or "5432",
            "-U",
            "postgres",
            dbname,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"tps = ([0-9.]+)", done.stdout)
    return float(match.group(1)) if match else 0.0


def main() -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="immersio-bench-"))
    url = database.create_scratch_database(_setup.server_url(), "bbench")
    try:
        from immersio_booking.db import migrate

        migrate.upgrade(url)
        key = _setup.platform_admin(
            {**os.environ, "DATABASE_URL": url, "IMMERSIO_DATA_DIR": str(data_dir)}
        )
        with served(url, data_dir, workers=WORKERS) as base:
            workshops = seed(base, key)
            rng = random.Random(1)
            grid = [f"{d}T{h:02d}:{m:02d}:00Z" for d in DAYS for h in range(24) for m in (0, 30)]

            def spread(_: Counter[int]) -> tuple[int, str]:
                return rng.choice(workshops), rng.choice(grid)

            def hot(codes: Counter[int]) -> tuple[int, str]:
                # Every client on the same session; the next one once its 1,000 seats are gone.
                return workshops[0], grid[codes.get(201, 0) // SEATS]

            spread_result = asyncio.run(load(base, spread))
            hot_result = asyncio.run(load(base, hot))
        reference = pgbench(url)
    finally:
        database.drop_database(url)
    print(
        f"POST /v2/bookings, {WORKERS} uvicorn workers, {CLIENTS} concurrent clients,"
        f" {SECONDS:.0f} s each"
    )
    for name, result in (("spread over 64 workshops", spread_result), ("hot workshop", hot_result)):
        print(
            f"  {name:<26} {result['rate']:7.1f} bookings/s  p50 {result['p50']:6.1f} ms"
            f"  p99 {result['p99']:6.1f} ms  errors {result['errors']}  {result['codes']}"
        )
    print(f"pgbench minimal booking transaction ({CLIENTS} clients): {reference:.0f} tps")
    if reference:
        print(f"ratio spread / pgbench: {spread_result['rate'] / reference:.3f}  (target >= 0.25)")


if __name__ == "__main__":
    main()
