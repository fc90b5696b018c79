"""Booking throughput: ``POST /v2/bookings`` under 64 concurrent clients, and pgbench's rate for
the minimal booking transaction on the same PostgreSQL as the reference.

Runs against the machine's PostgreSQL (127.0.0.1:5432, or DATABASE_URL's server) with 2
uvicorn workers. Variants: bookings spread over 64 workshops of 32 teachers, and a "hot
workshop" where every client books the same session. Run: ``.venv/bin/python bench/bookings.py``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import tempfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg

import _setup  # type: ignore[import-not-found]
from _setup import database, served  # type: ignore[import-not-found]

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


def load(base: str, targets: list[tuple[int, str]], mode: str) -> dict[str, Any]:
    """``wrk`` (compiled, 2 threads) drives the load; its Lua script makes every request a new
    student. Latencies and status counts come from wrk, the bookings made from the database."""
    folder = Path(tempfile.mkdtemp(prefix="immersio-wrk-"))
    table = ",".join(f'{{{et},"{start}"}}' for et, start in targets)
    (folder / "targets.lua").write_text(f'mode = "{mode}"\ntargets = {{{table}}}\n')
    done = subprocess.run(
        [
            "wrk",
            *("-t", "2", "-c", str(CLIENTS), "-d", f"{SECONDS:.0f}s", "--timeout", "30s"),
            *("-s", str(Path(__file__).with_name("_bookings.lua")), base),
        ],
        env={**os.environ, "BENCH_TARGETS": str(folder / "targets.lua")},
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("BENCH-JSON "))
    found = json.loads(line.removeprefix("BENCH-JSON "))
    codes = {int(k): v for k, v in found["codes"].items()}
    # 409 seats_full at a session's turnover is an answer, not an error; anything else is.
    errors = sum(n for code, n in codes.items() if code not in (201, 409))
    errors += found["socket_errors"]
    return {
        "seconds": found["duration_us"] / 1e6,
        "p50": found["p50_us"] / 1000,
        "p99": found["p99_us"] / 1000,
        "errors": errors,
        "codes": {**{str(k): v for k, v in sorted(codes.items())}, **found["reasons"]},
        "answered_201": codes.get(201, 0),
    }


def booked(url: str, event_types: list[int]) -> tuple[int, int]:
    """Bookings in the database for these workshops, and the fullest session's seat count."""
    with psycopg.connect(database.libpq(url)) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(n), 0), coalesce(max(n), 0) FROM"
            " (SELECT count(*) AS n FROM bookings WHERE event_type_id = ANY(%s)"
            " AND status IN ('accepted', 'pending')"
            " GROUP BY event_type_id, start_time) per_session",
            (event_types,),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def run(url: str, base: str, targets: list[tuple[int, str]], mode: str) -> dict[str, Any]:
    event_types = sorted({et for et, _ in targets})
    before, _ = booked(url, event_types)
    result = load(base, targets, mode)
    after, fullest = booked(url, event_types)
    result["booked"] = after - before
    result["rate"] = (after - before) / result["seconds"]
    result["fullest"] = fullest
    return result


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


def worker_pids(base: str) -> list[int]:
    """The uvicorn worker processes serving ``base`` (children of the one listening there)."""
    port = base.rsplit(":", 1)[1]
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            argv = (proc / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"uvicorn" in argv and b"--port" in argv and port.encode() in argv:
            children = Path(f"/proc/{proc.name}/task/{proc.name}/children").read_text()
            return [int(c) for c in children.split()]
    return []


@contextmanager
def profiled(base: str, folder: Path | None) -> Iterator[None]:
    """With ``--profile DIR``: py-spy records each worker while the load runs (raw stacks)."""
    if folder is None:
        yield
        return
    folder.mkdir(parents=True, exist_ok=True)
    spies = [
        subprocess.Popen(
            [
                str(_setup.ROOT / ".venv/bin/py-spy"),
                *("record", "--pid", str(pid), "--duration", f"{SECONDS:.0f}"),
                *("--rate", "200", "--format", "raw", "--nonblocking"),
                *("-o", str(folder / f"worker-{pid}.txt")),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for pid in worker_pids(base)
    ]
    try:
        yield
    finally:
        for spy in spies:
            spy.wait(60)
        summarize(folder)


def _function(frame: str) -> str:
    """``name (path/file.py:12)`` → ``name file.py``."""
    name, _, where = frame.partition(" (")
    return f"{name} {where.rsplit('/', 1)[-1].split(':')[0]}"


def summarize(folder: Path, top: int = 25) -> None:
    """Share of samples each function appears in (inclusive), over every worker's stacks."""
    total = 0
    inclusive: Counter[str] = Counter()
    for file in folder.glob("worker-*.txt"):
        for line in file.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            total += n
            frames = {
                f.split(" (")[0] + " " + f.split("/")[-1].split(":")[0] for f in stack.split(";")
            }
            for frame in frames:
                inclusive[frame] += n
    print(f"py-spy, {total} samples (files in {folder}); inclusive share:")
    for frame, n in inclusive.most_common(top):
        print(f"  {100 * n / max(total, 1):5.1f}%  {frame.strip()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--profile", type=Path, help="py-spy the workers into this directory")
    parser.add_argument("--only", choices=["spread", "hot"], help="run one variant")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="immersio-bench-"))
    url = database.create_scratch_database(_setup.server_url(), "bbench")
    results: dict[str, dict[str, Any]] = {}
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
            spread = [(et, rng.choice(grid)) for et in workshops for _ in range(32)]
            # Every client on the same session; the next one once its 1,000 seats are gone.
            hot = [(workshops[-1], start) for start in grid]
            if args.only != "hot":
                with profiled(base, args.profile):
                    results["spread over 64 workshops"] = run(url, base, spread, "spread")
            if args.only != "spread":
                results["hot workshop"] = run(url, base, hot, "hot")
        reference = pgbench(url)
    finally:
        database.drop_database(url)
    print(
        f"POST /v2/bookings, {WORKERS} uvicorn workers, {CLIENTS} connections (wrk, 2 threads),"
        f" {SECONDS:.0f} s each"
    )
    for name, result in results.items():
        print(
            f"  {name:<26} {result['rate']:7.1f} bookings/s  p50 {result['p50']:6.1f} ms"
            f"  p99 {result['p99']:6.1f} ms  errors {result['errors']}  {result['codes']}"
        )
        # Requests in flight when wrk stops still commit: at most one per connection.
        answered, booked_ = result["answered_201"], result["booked"]
        if not answered <= booked_ <= answered + CLIENTS:
            print(f"    MISMATCH: {answered} answers 201, {booked_} bookings in the database")
    if "hot workshop" in results:
        fullest = results["hot workshop"]["fullest"]
        verdict = "exact" if fullest <= SEATS else "OVERSOLD"
        print(f"  hot workshop seats: fullest session {fullest} of {SEATS} ({verdict})")
    print(f"pgbench minimal booking transaction ({CLIENTS} clients): {reference:.0f} tps")
    if reference and "spread over 64 workshops" in results:
        ratio = results["spread over 64 workshops"]["rate"] / reference
        print(f"ratio spread / pgbench: {ratio:.3f}  (target >= 0.25)")


if __name__ == "__main__":
    main()
