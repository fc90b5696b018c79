"""Engine and sessions. One transaction per request or job: the dependency commits."""

from __future__ import annotations

from collections.abc import AsyncIterator, Hashable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from immersio_booking.config import Settings
from immersio_booking.db.liveness import IDLE_PING_SECONDS, ping_when_idle


def resolve_database_url(settings: Settings) -> str:
    """The configured URL, or the embedded server's (started on demand)."""
    if settings.database_url:
        return settings.database_url
    from immersio_booking.db import embedded

    return embedded.start(Path(settings.data_dir))


def make_engine(
    url: str,
    *,
    pool_size: int = 10,
    max_overflow: int = 10,
    read_only: bool = False,
    ping_after_idle: float = IDLE_PING_SECONDS,
) -> AsyncEngine:
    """``read_only``: every transaction is read-only (a read replica's engine), and a server
    that does not answer is given up on after a few seconds (reads then go to the primary).
    ``ping_after_idle``: a pooled connection idle this many seconds is pinged before use."""
    connect_args: dict[str, object] = {"application_name": "immersio-booking"}
    if read_only:
        connect_args |= {
            "application_name": "immersio-booking-replica",
            "options": "-c default_transaction_read_only=on",
            "connect_timeout": 3,
        }
    engine = create_async_engine(
        url,
        pool_size=pool_size,
        max_overflow=max_overflow,
        connect_args=connect_args,
        # An error's text never carries the statement's values (emails, tokens, secrets),
        # wherever it is logged: requests, jobs, the CLI.
        hide_parameters=True,
    )
    # Not ``pool_pre_ping``: a round trip on every checkout. Only idle connections are pinged.
    ping_when_idle(engine, ping_after_idle)
    return engine


def make_sessionmaker(
    engine: AsyncEngine, settings: Settings | None = None
) -> async_sessionmaker[AsyncSession]:
    """Sessions on ``engine``; with ``settings``, each session carries them in
    ``session.info["settings"]`` (read by ``settings_of``), so a booking listener that must
    build something from the settings in the booking's own transaction (a Jitsi link) has
    them without a request or a job in reach."""
    info = {"settings": settings} if settings is not None else None
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False, info=info)


def keep(session: AsyncSession, *rows: object) -> None:
    """Hold ``rows`` for the session's life. The identity map holds rows weakly: a row one
    function loaded is read again by the next ``session.get`` of it once the first function let
    go of it. A flow whose listeners and answer ask for the same rows by key keeps them."""
    session.info.setdefault("kept", []).extend(rows)


T = TypeVar("T")


class Remembered(Generic[T]):
    """What a flow read early, kept for the rest of the session's transaction (and no longer):
    the booking path reads its listeners' settings before it takes its locks, and the
    listeners find them here under the locks instead of asking the database again. Only the
    flow that ``put`` a value finds it; a later transaction of the same session starts empty."""

    def __init__(self, name: str) -> None:
        self._name = name

    def put(self, session: AsyncSession, key: Hashable, value: T) -> None:
        transaction = session.sync_session.get_transaction()
        if transaction is None:
            return
        kept = session.info.get("remembered")
        if kept is None or kept[0] is not transaction:
            values: dict[tuple[str, Hashable], object] = {}
            kept = (transaction, values)
            session.info["remembered"] = kept
        kept[1][(self._name, key)] = value

    def get(self, session: AsyncSession, key: Hashable) -> T | None:
        kept = session.info.get("remembered")
        if kept is None or kept[0] is not session.sync_session.get_transaction():
            return None
        found: T | None = kept[1].get((self._name, key))
        return found


def settings_of(session: AsyncSession) -> Settings | None:
    """The settings the session's maker was given (``make_sessionmaker``), if any."""
    found = session.info.get("settings")
    return found if isinstance(found, Settings) else None


@asynccontextmanager
async def transaction(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[AsyncSession]:
    """A session whose work commits on success and rolls back on any error."""
    async with sessionmaker() as session:
        try:
            yield session
            await session.commit()
        except BaseException:
            await session.rollback()
            raise
