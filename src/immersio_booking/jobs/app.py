"""The Procrastinate app: a PostgreSQL-backed job queue on the service's own database.

The schema is applied by Alembic (migration 0002), never by ``procrastinate schema --apply``.
The connector is bound at run time (``bound_to``), because the database URL is only known then
(the embedded server may have to start first).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import procrastinate
from sqlalchemy.ext.asyncio import AsyncSession

# Scheduled jobs are found by polling: at most a second late.
FETCH_POLLING_SECONDS = 1.0

job_app = procrastinate.App(
    connector=procrastinate.PsycopgConnector(),
    import_paths=[
        "immersio_booking.jobs.maintenance",
        "immersio_booking.notifications.tasks",
        "immersio_booking.payments.tasks",
        "immersio_booking.webhooks.tasks",
        "immersio_booking.webhooks.meetings",
    ],
    worker_defaults={"fetch_job_polling_interval": FETCH_POLLING_SECONDS},
)


def libpq_url(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://…`` (also the unix-socket ``?host=/dir`` form) → libpq URL."""
    return sqlalchemy_url.replace("postgresql+psycopg://", "postgresql://", 1)


@contextmanager
def bound_to(database_url: str) -> Iterator[procrastinate.App]:
    connector = procrastinate.PsycopgConnector(conninfo=libpq_url(database_url))
    with job_app.replace_connector(connector) as app:
        yield app


async def defer_in_transaction(
    session: AsyncSession, task: Any, *, options: dict[str, Any] | None = None, **arguments: Any
) -> None:
    """Queue ``task`` on the session's own connection: the job exists if and only if the
    transaction commits (ARCHITECTURE.md). ``options`` are Procrastinate's (``schedule_at``...)."""
    connection = await session.connection()
    raw = await connection.get_raw_connection()
    await task.configure(connection=raw.driver_connection, **(options or {})).defer_async(
        **arguments
    )
