"""Running the real job worker from tests, against the test database."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from immersio_booking.config import get_settings
from immersio_booking.jobs import database as job_database
from immersio_booking.jobs.app import bound_to


@contextmanager
def job_environment(database_url: str, data_dir: Path, **extra: str) -> Iterator[None]:
    """Jobs read settings from the environment: point it at the test database (and more)."""
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
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        get_settings.cache_clear()
        job_database.reset()


async def run_jobs(database_url: str) -> None:
    """The real worker, until the queue is empty."""
    with bound_to(database_url) as app:
        async with app.open_async():
            await app.run_worker_async(wait=False, install_signal_handlers=False, concurrency=2)
