"""Public reads on a read replica (``IMMERSIO_READ_REPLICA_URL``), the primary when it fails.

Only reads that decide nothing go there: anonymous slot lists (``GET /v2/slots``, the booking
and landing pages). A booking, a hold or a reservation reads seats and busy times on the
primary, in its own transaction, so a slot that replica lag showed as free is refused with 409
as in any race. A replica that cannot be reached (down, restarting, or a query cancelled by a
conflict with recovery) costs the visitor nothing: the read runs again on the request's primary
session, the first failure is logged (once, until the replica answers again), and for
``retry_seconds`` every public read goes straight to the primary before the replica is tried
again.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import structlog
from fastapi import Request
from prometheus_client import Counter
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.kit.outage import database_unavailable

T = TypeVar("T")

READS = Counter(
    "immersio_replica_reads_total",
    "Public reads meant for the read replica, by the database that answered",
    ["served_by"],  # replica | primary_fallback
)

# canceling statement due to conflict with recovery (a hot standby replaying WAL).
RECOVERY_CONFLICT = "40001"


def _log() -> Any:
    return structlog.get_logger(__name__)


def replica_failed(error: BaseException) -> bool:
    """Whether the replica, not the read, is at fault: unreachable, or the standby cancelled
    the query to replay WAL."""
    if database_unavailable(error):
        return True
    orig = error.orig if isinstance(error, DBAPIError) else None
    return getattr(orig, "sqlstate", None) == RECOVERY_CONFLICT


class ReplicaReads:
    """The replica's engine, and whether it is being given a rest after a failure."""

    def __init__(
        self,
        engine: AsyncEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        retry_seconds: float,
    ) -> None:
        self.engine = engine
        self._sessionmaker = sessionmaker
        self._retry_seconds = retry_seconds
        self._resting_until = 0.0
        self._down = False

    async def read(self, primary: AsyncSession, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
        """``work`` on a replica session; on ``primary`` if the replica fails or rests."""
        if time.monotonic() < self._resting_until:
            return await self._on_primary(primary, work)
        try:
            async with self._sessionmaker() as replica:
                result = await work(replica)
                touched = replica.in_transaction()  # a memo may have answered without it
        except Exception as error:
            if not replica_failed(error):
                raise
            self._failed(error)
            return await self._on_primary(primary, work)
        if self._down:
            self._down = False
            _log().info("read_replica_back")
        if touched:
            READS.labels("replica").inc()
        return result

    async def state(self) -> str:
        """``ok``, or ``error: <kind>``, for /readyz (asks the replica now)."""
        try:
            async with self.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as error:
            return f"error: {type(error).__name__}"
        return "ok"

    async def _on_primary(
        self, primary: AsyncSession, work: Callable[[AsyncSession], Awaitable[T]]
    ) -> T:
        READS.labels("primary_fallback").inc()
        return await work(primary)

    def _failed(self, error: BaseException) -> None:
        self._resting_until = time.monotonic() + self._retry_seconds
        if not self._down:
            self._down = True
            _log().warning(
                "read_replica_unavailable",
                error=type(error).__name__,
                retry_seconds=self._retry_seconds,
            )


def replica_of(request: Request) -> ReplicaReads | None:
    found = getattr(request.app.state, "replica", None)
    return found if isinstance(found, ReplicaReads) else None


async def public_read(
    request: Request, primary: AsyncSession, work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    """``work`` on the replica when one is configured, else (or when it fails) on ``primary``
    (the request's session). ``work`` only reads: it may run twice."""
    replica = replica_of(request)
    if replica is None:
        return await work(primary)
    return await replica.read(primary, work)
