"""Is this error the database being unreachable (restarting, failing over, out of
connections), rather than a fault of the request or of the code?

Such an error is answered 503 with Retry-After (kit/error_handlers.py) and makes the job worker
wait for the database instead of exiting (jobs/worker.py). Nothing was written: the transaction
that met it can only have rolled back.
"""

from __future__ import annotations

import psycopg
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# What a client should wait before trying again: a restart or a failover takes seconds.
RETRY_AFTER_SECONDS = 2

# SQLSTATEs of a server that is going away or not taking connections: admin_shutdown,
# crash_shutdown, cannot_connect_now, too_many_connections; class 08 is connection_exception.
_UNAVAILABLE_STATES = frozenset({"57P01", "57P02", "57P03", "53300"})


def _driver_error_is_outage(error: BaseException) -> bool:
    if isinstance(error, psycopg.InterfaceError):  # "the connection is closed"
        return True
    if not isinstance(error, psycopg.OperationalError):
        return False
    state = error.sqlstate
    # No SQLSTATE: libpq could not connect or lost the connection (the pool's own timeout too).
    return state is None or state.startswith("08") or state in _UNAVAILABLE_STATES


def database_unavailable(error: BaseException) -> bool:
    """Whether ``error``, or an error it was raised from, says the database cannot be reached."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, PoolTimeout):  # every connection of the pool is in use
            return True
        if isinstance(current, DBAPIError):
            if current.connection_invalidated:
                return True
            if isinstance(current.orig, BaseException) and _driver_error_is_outage(current.orig):
                return True
        elif _driver_error_is_outage(current):
            return True
        current = current.__cause__ or current.__context__
    return False
