"""The Procrastinate app: a PostgreSQL-backed job queue on the service's own database.

The schema is applied by Alembic (migration 0002), never by ``procrastinate schema --apply``
(it is not idempotent). The connection pool is created when the app is opened, on the database
the settings resolve to: the URL is only known then, because the embedded server may have to
start first, and importing this module must not start it. ``bound_to`` binds an explicit URL.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

import procrastinate
import procrastinate.exceptions
import psycopg
import psycopg_pool
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import get_settings
from immersio_booking.db.session import resolve_database_url
from immersio_booking.kit.outage import database_unavailable

# Scheduled and retried jobs are found by polling (LISTEN/NOTIFY only wakes the worker for new
# jobs): a scheduled job starts at most this late.
FETCH_POLLING_SECONDS = 1.0

# Imported by the worker before it starts, so that every task and periodic task is registered.
TASK_MODULES = [
    "immersio_booking.jobs.maintenance",
    "immersio_booking.notifications.tasks",
    "immersio_booking.notifications.invitations",
    "immersio_booking.notifications.codes",
    "immersio_booking.notifications.staff_messages",
    "immersio_booking.notifications.staff_links",
    "immersio_booking.notifications.no_slot_alerts",
    "immersio_booking.payments.tasks",
    "immersio_booking.webhooks.tasks",
    "immersio_booking.webhooks.meetings",
    "immersio_booking.workflows.tasks",
    "immersio_booking.workflows.waitlist",
    "immersio_booking.immersio.tasks",
    "immersio_booking.video.tasks",
    "immersio_booking.video.notices",
    "immersio_booking.calendars.tasks",
    "immersio_booking.calendars.events_out",
    "immersio_booking.waitlist.joined_email",
    "immersio_booking.waitlist.tasks",
]

_SQLALCHEMY_SCHEME = re.compile(r"^postgres(?:ql)?(?:\+\w+)?://")


def libpq_url(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://…`` → ``postgresql://…`` for libpq; the query is kept, so the
    embedded server's unix-socket form ``postgresql://postgres@/db?host=/dir`` works too."""
    return _SQLALCHEMY_SCHEME.sub("postgresql://", sqlalchemy_url, count=1)


def _pool_on_service_database(**pool_args: Any) -> psycopg_pool.AsyncConnectionPool:
    pool_args.setdefault("conninfo", libpq_url(resolve_database_url(get_settings())))
    return psycopg_pool.AsyncConnectionPool(**pool_args)


job_app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(pool_factory=_pool_on_service_database),
    import_paths=TASK_MODULES,
    worker_defaults={"fetch_job_polling_interval": FETCH_POLLING_SECONDS},
)


class _PoolOpeningWithin(psycopg_pool.AsyncConnectionPool):
    """A pool whose opening gives up after ``within`` seconds: procrastinate opens its pool
    with ``open(wait=True)`` and no timeout of its own."""

    def __init__(self, *args: Any, within: float, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._within = within

    async def open(self, wait: bool = False, timeout: float | None = None) -> None:
        await super().open(wait, self._within if timeout is None else timeout)


@contextmanager
def bound_to(
    database_url: str, *, start_timeout: float | None = None, **pool_args: Any
) -> Iterator[procrastinate.App]:
    """``job_app`` on the database at ``database_url`` (a SQLAlchemy or libpq URL).
    ``start_timeout``: opening the app waits that long at most for the pool's first
    connections (else psycopg's 30 s), then fails."""
    if start_timeout is not None:
        pool_args["pool_factory"] = functools.partial(_PoolOpeningWithin, within=start_timeout)
    connector = procrastinate.PsycopgConnector(conninfo=libpq_url(database_url), **pool_args)
    with job_app.replace_connector(connector) as app:
        yield app


async def defer_in_transaction(
    session: AsyncSession, task: Any, *, options: dict[str, Any] | None = None, **arguments: Any
) -> int:
    """Queue ``task`` (a task, or a task's name when its module imports the caller) on the
    session's own connection: the job exists if and only if the transaction commits
    (docs/architecture.md). ``options`` are Procrastinate's (``schedule_at``...). Returns the
    job's id."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    settings = {"connection": raw.driver_connection, **(options or {})}
    configured = (
        job_app.configure_task(task, **settings)
        if isinstance(task, str)
        else task.configure(**settings)
    )
    try:
        job_id: int = await configured.defer_async(**arguments)
    except procrastinate.exceptions.ConnectorException as exc:
        # The connection died under the transaction: the driver's own error says so, and the
        # request's handler answers it as an outage (503), like any other statement's.
        if isinstance(exc.__cause__, psycopg.Error) and database_unavailable(exc.__cause__):
            raise exc.__cause__ from None
        raise
    return job_id


async def defer_with_the_rest(
    session: AsyncSession, task: Any, *, options: dict[str, Any] | None = None, **arguments: Any
) -> None:
    """``defer_in_transaction`` for a job nobody needs the id of and that has no queueing lock:
    within ``together`` it is written with the others of the block in one statement at its
    end (still in the transaction); outside one, at once."""
    pending: list[Any] | None = session.info.get("jobs_together")
    if pending is None:
        await defer_in_transaction(session, task, options=options, **arguments)
        return
    configured = (
        job_app.configure_task(task, **(options or {}))
        if isinstance(task, str)
        else task.configure(**(options or {}))
    )
    pending.append((configured, configured.make_new_job(**arguments)))


@asynccontextmanager
async def together(session: AsyncSession) -> AsyncIterator[None]:
    """The jobs ``defer_with_the_rest`` queues in the block are written in one statement when
    the block ends without an error (an error leaves them unwritten, as the transaction they
    belong to is rolled back). Nested blocks write with the outermost one."""
    if "jobs_together" in session.info:
        yield
        return
    pending: list[Any] = []
    session.info["jobs_together"] = pending
    try:
        yield
    finally:
        del session.info["jobs_together"]
    if pending:
        connection = await session.connection()
        raw = await connection.get_raw_connection()
        manager = pending[0][0].job_manager
        await manager.batch_defer_jobs_async(
            [job for _, job in pending], connection=raw.driver_connection
        )


async def cancel_in_transaction(session: AsyncSession, job_id: int) -> bool:
    """Cancel a job that has not started, with the caller's transaction (a rollback keeps it).
    Returns whether it was still waiting; a running or finished job is left alone."""
    cancelled = await session.execute(
        text("SELECT procrastinate_cancel_job_v1(:id, false, false)"), {"id": job_id}
    )
    return cancelled.scalar_one() is not None
