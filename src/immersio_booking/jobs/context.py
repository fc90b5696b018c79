"""What a job knows of the worker running it: the settings the worker was started with.

The worker bootstrap installs them before the first job: ``jobs.worker.run_worker`` with the
settings the CLI resolved, tests with ``use(settings)`` (tests/jobs.py). Jobs call
``settings()``, never ``config.get_settings()``: a job runs with its worker's configuration,
not with whatever the environment of the process says when the job happens to start. The job
sessions (``jobs.database``) open on the database of these settings too.

A job run where no worker installed settings fails loudly instead of guessing from the
environment.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from procrastinate import JobContext

from immersio_booking.config import Settings

# The settings of the worker(s) of this process, innermost last (a test may nest them).
_installed: list[Settings] = []


class NoWorkerSettings(RuntimeError):
    """A job asked for its worker's settings, and no worker bootstrap installed any."""


def settings() -> Settings:
    """The settings of the worker running this job."""
    if not _installed:
        raise NoWorkerSettings(
            "no worker settings: start jobs with jobs.worker.run_worker(settings, ...) "
            "or inside jobs.context.use(settings)"
        )
    return _installed[-1]


@contextmanager
def use(settings: Settings) -> Iterator[Settings]:
    """Jobs run inside the block see ``settings``."""
    _installed.append(settings)
    try:
        yield settings
    finally:
        # This block's own entry (not an equal one of another block).
        del _installed[max(i for i, one in enumerate(_installed) if one is settings)]


def job_id(job: JobContext) -> int:
    """The id of the running job: the same on each of its retries (Procrastinate's automatic
    ones and an operator's), so what a job records can be found again by its retry."""
    if job.job.id is None:
        raise RuntimeError("a running job without an id")
    return job.job.id
