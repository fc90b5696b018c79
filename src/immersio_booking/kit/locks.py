"""Transaction-scoped PostgreSQL advisory locks on what a transaction consumes.

Keys are taken in sorted order (no deadlocks between two transactions wanting the same set) with a
short ``lock_timeout``; a timeout surfaces as SQLSTATE 55P03, which the error handler turns into
409 ``busy_try_again`` with ``Retry-After``.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

DEFAULT_LOCK_TIMEOUT_MS = 3000


def lock_key(*parts: object) -> int:
    """A stable signed 64-bit key for a named thing, e.g. ``lock_key("org-members", 7)``."""
    digest = hashlib.blake2b(":".join(map(str, parts)).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


async def lock(
    session: AsyncSession, *keys: int, timeout_ms: int = DEFAULT_LOCK_TIMEOUT_MS
) -> None:
    """One round trip: set the transaction's lock timeout, then take the locks in sorted order
    (PostgreSQL evaluates a select list left to right)."""
    ordered = sorted(set(keys))
    calls = "".join(f", pg_advisory_xact_lock(:k{i})" for i in range(len(ordered)))
    params: dict[str, object] = {f"k{i}": key for i, key in enumerate(ordered)}
    params["timeout"] = f"{int(timeout_ms)}ms"
    await session.execute(text(f"SELECT set_config('lock_timeout', :timeout, true){calls}"), params)
