"""Database sessions inside jobs: one engine per worker process, one transaction per job, on
the database of the worker's settings (``jobs.context``)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import lru_cache

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import (
    make_engine,
    make_sessionmaker,
    resolve_database_url,
    transaction,
)
from immersio_booking.jobs import context

# Connections the jobs of this process may hold at once: one per concurrent job (a webhook
# delivery keeps its row locked while it waits for the subscriber), set by the worker.
_pool = {"size": 5}


@lru_cache
def _sessionmaker() -> async_sessionmaker[AsyncSession]:
    settings = context.settings()
    size = _pool["size"]
    return make_sessionmaker(
        make_engine(resolve_database_url(settings), pool_size=size, max_overflow=max(2, size // 4)),
        settings,
    )


def size_for(concurrency: int) -> None:
    """Give each of ``concurrency`` concurrent jobs its own connection."""
    _pool["size"] = max(5, concurrency)
    _sessionmaker.cache_clear()


def reset() -> None:
    """Forget the engine (tests switch databases between runs)."""
    _sessionmaker.cache_clear()


@asynccontextmanager
async def job_session() -> AsyncIterator[AsyncSession]:
    async with transaction(_sessionmaker()) as session:
        yield session
