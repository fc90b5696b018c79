"""A sliding-window rate limiter whose counters live in PostgreSQL, shared by all processes.

Each key counts hits in fixed windows of ``seconds``; a hit is allowed when the previous
window's count, weighted by how much of it still overlaps the sliding window, plus the current
window's count (this hit included) is at most ``count`` (Cloudflare's sliding-window counter:
no burst of twice the limit across a window boundary, two rows per key).

One statement per request for every key it is limited by (``INSERT … ON CONFLICT DO UPDATE …
RETURNING``), on its own autocommit connection: the count is exact under any concurrency (the
row lock of the upsert serialises hits of one key for microseconds), a 429 is not undone by
the request's rollback, and no lock is held while the request runs. Refused hits count too: a
client that keeps hammering stays refused.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

_HIT = text(
    """
    WITH input AS (
        SELECT * FROM unnest(
            CAST(:keys AS text[]), CAST(:starts AS timestamptz[]),
            CAST(:previous AS timestamptz[]), CAST(:expires AS timestamptz[])
        ) AS i(key, window_start, previous_start, expires_at)
    ), counted AS (
        INSERT INTO rate_limit_counters AS c (key, window_start, hits, expires_at)
        SELECT key, window_start, 1, expires_at FROM input ORDER BY key
        ON CONFLICT (key, window_start) DO UPDATE SET hits = c.hits + 1
        RETURNING c.key, c.hits
    )
    SELECT counted.key, counted.hits, coalesce(p.hits, 0)
    FROM counted
    JOIN input ON input.key = counted.key
    LEFT JOIN rate_limit_counters p
        ON p.key = counted.key AND p.window_start = input.previous_start
    """
)


@dataclass(frozen=True)
class Limit:
    """At most ``count`` hits of ``key`` in any ``seconds``; ``name`` says which limit it is."""

    name: str
    key: str
    count: int
    seconds: int


@dataclass(frozen=True)
class Verdict:
    limit: Limit
    hits: float  # the sliding estimate, this hit included
    retry_after: int  # seconds until a hit would be allowed again (0 when allowed)

    @property
    def allowed(self) -> bool:
        return self.retry_after == 0


def _window(now: datetime, seconds: int) -> datetime:
    return datetime.fromtimestamp(math.floor(now.timestamp() / seconds) * seconds, UTC)


def judge(limit: Limit, current: int, previous: int, elapsed: float) -> Verdict:
    """The verdict on a hit ``elapsed`` seconds into its window (pure; tested directly)."""
    width = limit.seconds
    estimate = previous * (1 - elapsed / width) + current
    if estimate <= limit.count:
        return Verdict(limit, estimate, 0)
    if current + 1 > limit.count:
        # The current window alone is full: wait for it to end, then for its weight (as the
        # previous window) to fall enough for one more hit.
        wait = (width - elapsed) + width * max(0.0, 1 - (limit.count - 1) / current)
    else:
        # The previous window's weight is what is over: wait until it has faded enough.
        room = limit.count - current - 1
        wait = width * (1 - room / previous) - elapsed if previous else 0.0
    return Verdict(limit, estimate, max(1, min(2 * width, math.ceil(wait))))


async def hit(engine: AsyncEngine, limits: Sequence[Limit], now: datetime) -> list[Verdict]:
    """Count one hit on every limit (one round trip) and judge each."""
    if not limits:
        return []
    by_key = {limit.key: limit for limit in limits}
    starts = {key: _window(now, limit.seconds) for key, limit in by_key.items()}
    params = {
        "keys": list(by_key),
        "starts": [starts[key] for key in by_key],
        "previous": [starts[key] - timedelta(seconds=by_key[key].seconds) for key in by_key],
        "expires": [starts[key] + timedelta(seconds=2 * by_key[key].seconds) for key in by_key],
    }
    autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")
    async with autocommit.connect() as conn:
        rows = (await conn.execute(_HIT, params)).all()
    return [
        judge(
            by_key[key],
            int(current),
            int(previous),
            (now - starts[key]).total_seconds(),
        )
        for key, current, previous in rows
    ]
