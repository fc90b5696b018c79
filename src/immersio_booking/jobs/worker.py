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
import signal
import sys
import time
from datetime import UTC, datetime
from typing import Any

import procrastinate
import procrastinate.worker

from immersio_booking.config import Settings
from immersio_booking.db.session import resolve_database_url
from immersio_booking.jobs import context
from immersio_booking.jobs import database as job_database
from immersio_booking.jobs.app import bound_to, job_app
from immersio_booking.kit import clock
from immersio_booking.kit.outage import database_unavailable

# A job still running this long after the stop signal is cancelled and ends as `aborted`.
GRACEFUL_SHUTDOWN_SECONDS = 30.0
# Connections the worker itself holds besides its jobs: the LISTEN connection, the fetcher and
# the heartbeat. The jobs open their own SQLAlchemy sessions (jobs/database.py).
SPARE_CONNECTIONS = 3
PARENT_CHECK_SECONDS = 1.0
# While the database is away the worker asks it again after this long, doubling up to the last.
FIRST_RECONNECT_DELAY = 0.25
LONGEST_RECONNECT_DELAY = 5.0
# A procrastinate worker that ran this long was healthy: the next restart waits the first delay.
HEALTHY_RUN_SECONDS = 60.0

_log = logging.getLogger(__name__)


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

    A database that goes away (a restart, a failover) does not end the worker: it waits for
    the database to answer again and works on (``_Shift``).
    """
    url = database_url or resolve_database_url(settings)
    job_database.size_for(concurrency)
    with (
        context.use(settings),
        bound_to(
            url,
            start_timeout=settings.worker_start_timeout_seconds,
            min_size=1,
            max_size=concurrency + SPARE_CONNECTIONS,
        ) as app,
    ):
        async with app.open_async():
            shift = _Shift(app, concurrency)
            work = asyncio.create_task(shift.work_through_outages())
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, shift.stop)
            watch = asyncio.create_task(_stop_when_orphaned(work)) if stop_with_parent else None
            try:
                await work
            except asyncio.CancelledError:
                # Cancelling the worker is procrastinate's graceful stop; only our own watcher
                # does that. A cancellation of this coroutine itself goes on up.
                current = asyncio.current_task()
                if current is not None and current.cancelling():
                    raise
            finally:
                for sig in (signal.SIGINT, signal.SIGTERM):
                    loop.remove_signal_handler(sig)
                if watch is not None:
                    watch.cancel()


class _Shift:
    """Procrastinate workers, one after the other, for as long as the process is asked to
    work: a procrastinate worker ends when its database connection fails (a fetch, the
    heartbeat or the listener), so after an outage a new one starts once the database
    answers, and the jobs the ended one had in hand are queued again."""

    def __init__(self, app: procrastinate.App, concurrency: int) -> None:
        self._app = app
        self._concurrency = concurrency
        self._stopping = asyncio.Event()
        self._current: Any = None  # the procrastinate.worker.Worker at work (untyped)

    def stop(self) -> None:
        """SIGTERM/SIGINT: finish the jobs in hand and end (or end the wait for the database)."""
        self._stopping.set()
        if self._current is not None:
            self._current.stop()

    async def work_through_outages(self) -> None:
        self._app.perform_import_paths()  # type: ignore[no-untyped-call]
        delay = FIRST_RECONNECT_DELAY
        while not self._stopping.is_set():
            options: dict[str, Any] = {
                **self._app.worker_defaults,
                "concurrency": self._concurrency,
                "install_signal_handlers": False,  # ours call stop()
                "shutdown_graceful_timeout": GRACEFUL_SHUTDOWN_SECONDS,
            }
            worker: Any = procrastinate.worker.Worker(app=self._app, **options)
            self._current = worker
            began = time.monotonic()
            try:
                await worker.run()
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
                _log.warning("database unavailable (%s); waiting for it", type(exc).__name__)
            finally:
                self._current = None
            # Not asked to stop: a side task (heartbeat, listener) or a fetch lost the
            # database. Start again, no faster than a doubling delay after short runs.
            if time.monotonic() - began > HEALTHY_RUN_SECONDS:
                delay = FIRST_RECONNECT_DELAY
            if await self._rest(delay) and await self._wait_for_database():
                await self._requeue_jobs_of(worker.worker_id)
                _log.warning("database answers; the worker works on")
            delay = min(delay * 2, LONGEST_RECONNECT_DELAY)

    async def _rest(self, seconds: float) -> bool:
        """Wait ``seconds``; False when asked to stop meanwhile (or before)."""
        try:
            await asyncio.wait_for(self._stopping.wait(), seconds)
        except TimeoutError:
            return True
        return False

    async def _wait_for_database(self) -> bool:
        """Until the database answers (True) or the process is asked to stop (False)."""
        delay = FIRST_RECONNECT_DELAY
        while not self._stopping.is_set():
            try:
                await self._app.connector.execute_query_one_async("SELECT 1 AS up")
                return True
            except Exception as exc:
                if not database_unavailable(exc):
                    raise
            if not await self._rest(delay):
                return False
            delay = min(delay * 2, LONGEST_RECONNECT_DELAY)
        return False

    async def _requeue_jobs_of(self, worker_id: int | None) -> None:
        """The jobs a worker ended by the outage still shows ``doing`` are queued again (every
        handler is idempotent), and the worker's row goes: it could not say goodbye itself. A
        worker that did say goodbye left its jobs without a worker, and the periodic
        ``retry_stalled_jobs`` queues those."""
        if worker_id is None:
            return
        rows = await self._app.connector.execute_query_all_async(
            "SELECT id FROM procrastinate_jobs WHERE status = 'doing' AND worker_id = %(worker)s",
            worker=worker_id,
        )
        for row in rows:
            await self._app.job_manager.retry_job_by_id_async(row["id"], retry_at=clock.now())
        await self._app.job_manager.unregister_worker(worker_id)


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
