"""Rate-limiter overhead: ``GET /v2/slots`` with the limits on vs off, measured with ``wrk``.

Two uvicorn processes (one worker each) on one scratch database (DATABASE_URL's server, else
an embedded one): one with ``IMMERSIO_RATE_LIMITS_ENABLED=false``, one with the limits on and
the slot-read limit set so high that nothing is refused, so every request pays the counting
(one upsert on its own autocommit connection) and nothing else changes. All requests come
from 127.0.0.1, so they all count on one row: the worst case, one hot key. The runs alternate
(off, on, off, on) so drift on a shared machine hits both alike. Then the limiter's round trip
alone (``limiter.hit`` called in a loop, one key) for scale.

Run: ``.venv/bin/python bench/ratelimit.py`` (needs ``wrk``, Debian package ``wrk``).
"""

from __future__ import annotations

import asyncio
import re
import shutil
import statistics
import subprocess
import time
from datetime import timedelta
from pathlib import Path

from _setup import scratch_database, serving  # type: ignore[import-not-found]
from immersio_booking.db.session import make_engine
from immersio_booking.kit import clock
from immersio_booking.ratelimits.limiter import Limit, hit
from slots import WINDOW_END, WINDOW_START, seed  # type: ignore[import-not-found]

DURATION, THREADS, CONNECTIONS, ROUNDS = "10s", 2, 16, 2
UNITS = {"us": 1e-3, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(number) * UNITS[unit]


def wrk(url: str) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx" in out:
        raise RuntimeError(f"some answers were not 200:\n{out}")
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        "mean_ms": _ms(re.search(r"Latency\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "p50_ms": _ms(re.search(r"\s50%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
        "p99_ms": _ms(re.search(r"\s99%\s+(\S+)", out).group(1)),  # type: ignore[union-attr]
    }


async def hit_alone(url: str, calls: int = 2000) -> float:
    """Median milliseconds of one ``limiter.hit`` (one key, sequential)."""
    engine = make_engine(url, pool_size=2)
    limit = Limit("bench", f"bench:{time.time_ns()}", 10**9, 3600)
    runs = []
    try:
        for _ in range(calls):
            began = time.perf_counter()
            await hit(engine, [limit], clock.now())
            runs.append(time.perf_counter() - began)
    finally:
        await engine.dispose()
    return statistics.median(runs) * 1000


def main() -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    print(
        f"GET /v2/slots, wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION}, 1 uvicorn worker per"
        f" process, {ROUNDS} alternating rounds each, 500 bookings in the host's history"
    )
    with scratch_database() as (url, data_dir):
        event_type = seed(url, 500)
        query = (
            f"/v2/slots?eventTypeId={event_type}&start={WINDOW_START.date().isoformat()}"
            f"&end={(WINDOW_END - timedelta(days=1)).date().isoformat()}&timeZone=Europe/Berlin"
        )
        env = {"DATABASE_URL": url, "IMMERSIO_DATA_DIR": str(Path(data_dir))}
        results: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
        with (
            serving(**env, IMMERSIO_RATE_LIMITS_ENABLED="false") as off,
            serving(
                **env,
                IMMERSIO_RATE_LIMITS_ENABLED="true",
                IMMERSIO_RATE_LIMIT_SLOT_READS_PER_ADDRESS="1000000000/hour",
            ) as on,
        ):
            for base in (off, on):  # warm-up
                subprocess.run(
                    ["wrk", "-t1", "-c2", "-d2s", base + query], check=True, capture_output=True
                )
            for _ in range(ROUNDS):
                results["off"].append(wrk(off + query))
                results["on"].append(wrk(on + query))
        summary = {
            name: {key: statistics.mean(r[key] for r in runs) for key in runs[0]}
            for name, runs in results.items()
        }
        for name in ("off", "on"):
            s = summary[name]
            print(
                f"  limits {name:>3}: {s['rps']:8.0f} req/s, latency mean {s['mean_ms']:.2f} ms,"
                f" p50 {s['p50_ms']:.2f} ms, p99 {s['p99_ms']:.2f} ms"
            )
        off_s, on_s = summary["off"], summary["on"]
        per_request = (1 / on_s["rps"] - 1 / off_s["rps"]) * 1000
        print(
            f"  overhead per request: {per_request:.3f} ms of server time"
            f" ({(off_s['rps'] - on_s['rps']) / off_s['rps']:.1%} fewer req/s),"
            f" {on_s['mean_ms'] - off_s['mean_ms']:.2f} ms more mean latency"
        )
        alone = asyncio.run(hit_alone(url))
        print(f"  limiter.hit alone (one key, sequential): {alone:.3f} ms median")


if __name__ == "__main__":
    main()
