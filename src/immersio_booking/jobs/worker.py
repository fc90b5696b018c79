"""Running the job worker until SIGTERM/SIGINT, finishing the jobs in hand first.

The task modules are imported by ``run_worker_async`` (``job_app.import_paths``), so every
task and periodic task is registered before the worker fetches its first job. The worker is
given its settings (the CLI resolved them); its jobs read them from ``jobs.context``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from datetime import UTC, datetime

from immersio_booking.config import Settings
from immersio_booking.db.session import resolve_database_url
from immersio_booking.jobs import context
from immersio_booking.jobs import database as job_database
from immersio_booking.jobs.app import bound_to, job_app

# A job still running this long after the stop signal is cancelled and ends as `aborted`.
GRACEFUL_SHUTDOWN_SECONDS = 30.0
# Connections the worker itself holds besides its jobs: the LISTEN connection, the fetcher and
# the heartbeat. The jobs open their own SQLAlchemy sessions (jobs/database.py).
SPARE_CONNECTIONS = 3
PARENT_CHECK_SECONDS = 1.0


async def run_worker(
    settings: Settings,
    concurrency: int = 4,
    database_url: str | None = None,
    *,
    stop_with_parent: bool = False,
) -> None:
    """Work the queue until SIGTERM or SIGINT; then stop fetching, finish the jobs in hand
    (up to ``GRACEFUL_SHUTDOWN_SECONDS``) and return.

    ``stop_with_parent``: also stop, the same way, when the process that started this one is
    gone (``serve`` runs the worker as a child; a ``kill -9`` of ``serve`` must not leave it).

    The jobs see ``settings`` (``jobs.context.settings()``); ``database_url``, when given, is
    the one ``settings`` resolve to (the CLI has already started the embedded server).
    """
    url = database_url or resolve_database_url(settings)
    job_database.size_for(concurrency)
    with (
        context.use(settings),
        bound_to(url, min_size=1, max_size=concurrency + SPARE_CONNECTIONS) as app,
    ):
        async with app.open_async():
            work = asyncio.create_task(
                app.run_worker_async(
                    concurrency=concurrency,
                    install_signal_handlers=True,
                    shutdown_graceful_timeout=GRACEFUL_SHUTDOWN_SECONDS,
                )
            )
            watch = asyncio.create_task(_stop_when_orphaned(work)) if stop_with_parent else None
            try:
                await work
            except asyncio.CancelledError:
                # Cancelling run_worker_async is procrastinate's graceful stop; only our own
                # watcher does that. A cancellation of this coroutine itself goes on up.
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
            finally:
                if watch is not None:
                    watch.cancel()


async def _stop_when_orphaned(work: asyncio.Task[None]) -> None:
    parent = os.getppid()
    while os.getppid() == parent:
        await asyncio.sleep(PARENT_CHECK_SECONDS)
    logging.getLogger(__name__).warning("parent process %s is gone; stopping the worker", parent)
    work.cancel()


class _JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "timestamp": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "pid": record.process,
            "event": record.getMessage(),
        }
        action = getattr(record, "action", None)
        if action is not None:
            line["action"] = str(action)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line)


# What procrastinate says at INFO about every routine run: registering a periodic task, deferring
# it, starting it, its success. For a periodic task (a dozen of them run every minute) these
# lines are DEBUG: the terminal shows requests and problems. A periodic job's failure or retry
# keeps its level, and so does every line about any other job (an email, a webhook).
ROUTINE_ACTIONS = frozenset(
    {"registering_periodic_task", "periodic_task_deferred", "start_job", "job_success"}
)


def _periodic_task_names() -> frozenset[str]:
    return frozenset(p.task.name for p in job_app.periodic_registry.periodic_tasks.values())


class QuietPeriodicJobs(logging.Filter):
    """Lowers the routine INFO lines of periodic tasks to DEBUG (then shown only at DEBUG)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or getattr(record, "action", None) not in ROUTINE_ACTIONS:
            return True
        job = getattr(record, "job", None)
        name = job.get("task_name") if isinstance(job, dict) else None
        # Registering is logged before the task is in the registry: it is periodic by nature.
        if record.action != "registering_periodic_task" and name not in _periodic_task_names():  # type: ignore[attr-defined]
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)


def configure_worker_logging(level: str, json_logs: bool) -> None:
    """Procrastinate logs through the standard library: one line per job start and outcome
    (periodic tasks' routine lines at DEBUG, ``QuietPeriodicJobs``)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.addFilter(QuietPeriodicJobs())
    handler.setFormatter(
        _JsonLines()
        if json_logs
        else logging.Formatter("%(asctime)s %(levelname)-7s [%(process)d] %(message)s")
    )
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.getLevelNamesMapping().get(level.upper(), logging.INFO))
