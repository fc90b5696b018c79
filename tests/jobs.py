"""Running the real job worker from tests, against the test database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from immersio_booking.config import Settings, get_settings
from immersio_booking.jobs import context
from immersio_booking.jobs import database as job_database
from immersio_booking.jobs.app import bound_to


@contextmanager
def job_environment(database_url: str, data_dir: Path, **extra: str) -> Iterator[None]:
    """Point the jobs at the test database (and more): the settings the worker is given
    (``jobs.context``) come from this environment, as the CLI's would; the CLI run inside the
    block reads the same environment."""
    saved = dict(os.environ)
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "IMMERSIO_DATA_DIR": str(data_dir),
            "IMMERSIO_PUBLIC_BASE_URL": "http://testserver",
            **extra,
        }
    )
    get_settings.cache_clear()
    job_database.reset()
    try:
        with context.use(get_settings()):
            yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        job_database.reset()


async def run_jobs(database_url: str, settings: Settings | None = None) -> None:
    """The real worker, until the queue is empty; with ``settings`` its jobs see those (else
    the ones of the enclosing ``job_environment``)."""
    if settings is not None:
        job_database.reset()  # the job sessions open on these settings' database
    try:
        with context.use(settings) if settings else nullcontext(), bound_to(database_url) as app:
            async with app.open_async():
                await app.run_worker_async(wait=False, install_signal_handlers=False, concurrency=2)
    finally:
        if settings is not None:
            job_database.reset()
