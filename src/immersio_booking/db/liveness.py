"""Is a pooled connection still alive? Asked only of a connection that sat idle.

``pool_pre_ping`` asks every connection before each checkout: a round trip on every request.
A connection handed back a moment ago was alive a moment ago, so here only a connection idle
for ``IDLE_PING_SECONDS`` or more is pinged (the pool's ``checkout`` event, against the time
of its last ``checkin``). A ping that fails invalidates the whole pool (the server restarted:
every connection opened before it is dead) and the pool connects afresh.

A busy connection whose server went away in the last seconds is found out by the statement
that uses it: SQLAlchemy sees a disconnect error, invalidates the pool the same way, and the
request is answered 503 ``database_unavailable`` (``kit/outage.py``), as any request of the
outage is; the next ones get new connections.
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.ext.asyncio import AsyncEngine

# Idle this long, a connection is pinged before use (a restart or a failover takes seconds).
IDLE_PING_SECONDS = 2.0

_CHECKED_IN = "immersio_checked_in_at"


def ping_when_idle(engine: AsyncEngine, idle_seconds: float = IDLE_PING_SECONDS) -> None:
    """Ping ``engine``'s pooled connections before use when idle for ``idle_seconds``."""
    pool = engine.sync_engine.pool
    dialect = engine.sync_engine.dialect

    def checked_in(dbapi_connection: Any, record: Any) -> None:
        if dbapi_connection is not None:  # None: the connection was invalidated
            record.info[_CHECKED_IN] = time.monotonic()

    def checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        # A record's info lives as long as its connection: no stamp, a connection just made.
        since = record.info.get(_CHECKED_IN)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as error:
            raise InvalidatePoolError(f"idle connection failed its ping: {error}") from error

    event.listen(pool, "checkin", checked_in)
    event.listen(pool, "checkout", checked_out)
