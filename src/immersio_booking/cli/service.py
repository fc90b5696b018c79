"""Serving the API and pages, the job worker, the schema and the demo school."""

from __future__ import annotations

import asyncio
import os
import signal
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    pass

from immersio_booking.cli.common import (
    JsonFlag,
    app,
    database_url_of,
    emit,
    err,
    in_transaction,
    load_settings,
    out,
    show,
    upgrade_schema,
)

# How long `serve` waits, when it stops, for the worker to finish the jobs in hand.
WORKER_STOP_SECONDS = 35.0

# ---------------------------------------------------------------------------------------------
# Serving


def _note_signal(signum: int, frame: FrameType | None) -> None:
    """Installed while uvicorn serves. uvicorn handles SIGINT/SIGTERM itself (a graceful
    shutdown), then raises the same signal again for the previous handler; the default handlers
    would kill this process (SIGTERM) or interrupt the app's shutdown (SIGINT) before the job
    worker is stopped. The repeat is ignored: the shutdown is already under way."""
    del signum, frame


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="API processes.")] = 1,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Do not run the job worker here.")
    ] = False,
    worker_concurrency: Annotated[
        int, typer.Option(min=1, help="Jobs the worker runs at once.")
    ] = 4,
) -> None:
    """Serve the API and pages, and (unless --no-worker) one job worker beside them.

    In embedded mode the schema is migrated first; with DATABASE_URL run `migrate` yourself.
    """
    import uvicorn

    from immersio_booking.jobs.supervisor import WorkerProcess

    settings = load_settings()
    url = database_url_of(settings)
    if settings.embedded:
        upgrade_schema(url, only_if_behind=False)
    # API processes and the worker attach to exactly this database; they need not start the
    # embedded server again.
    os.environ["DATABASE_URL"] = url
    fake_immersio = _demo_immersio(url)
    fake_zoom = _demo_zoom(settings.zoom_api_base, settings.zoom_oauth_base)
    job_worker = None if no_worker else WorkerProcess(worker_concurrency, dict(os.environ))
    if job_worker is not None:
        job_worker.start()
    previous = {sig: signal.signal(sig, _note_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        uvicorn.run(
            "immersio_booking.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level.lower(),
            access_log=False,  # the app logs every request itself, with its request id
            # uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; the app reads it
            # itself, only from IMMERSIO_TRUSTED_PROXIES (docs/security.md).
            proxy_headers=False,
        )
    finally:
        # A second Ctrl-C from here on ends the wait; the worker then stops by itself when it
        # sees that this process is gone.
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if job_worker is not None:
            job_worker.stop(WORKER_STOP_SECONDS)
        if fake_immersio is not None:
            fake_immersio.stop()
        if fake_zoom is not None:
            fake_zoom.stop()


def _demo_immersio(database_url: str) -> Any:
    """The Immersio simulator, in a thread of this process, when a school (the demo's) is
    connected to its address and nothing listens there yet; else None."""
    import socket

    import psycopg

    from immersio_booking.fakes import immersio as simulator
    from immersio_booking.jobs.app import libpq_url

    with psycopg.connect(libpq_url(database_url)) as connection:
        wanted = connection.execute(
            "SELECT 1 FROM immersio_integrations WHERE base_url = %s LIMIT 1",
            (simulator.DEMO_URL,),
        ).fetchone()
    if wanted is None:
        return None
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8100)) == 0:
            return None  # one is running already (another `serve`, or `fake-immersio`)
    served = simulator.BackgroundSimulator(simulator.create_simulator(), port=8100).start()
    err.print(f"Fake Immersio for the demo school on {simulator.DEMO_URL}")
    return served


def _demo_zoom(api_base: str, oauth_base: str) -> Any:
    """The Zoom simulator, in a thread of this process, when Zoom's addresses point at it
    (``make run``) and nothing listens there yet; else None."""
    import socket

    from immersio_booking.fakes import immersio as served_in_thread
    from immersio_booking.fakes import zoom as simulator

    if simulator.DEMO_URL not in (api_base, oauth_base):
        return None
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8200)) == 0:
            return None  # one is running already (another `serve`, or `fake-zoom`)
    served = served_in_thread.BackgroundSimulator(simulator.create_simulator(), port=8200).start()
    err.print(f"Fake Zoom for the demo school on {simulator.DEMO_URL}")
    return served


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at once.")] = 4,
    stop_with_parent: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:
    """Run the job worker until SIGTERM or Ctrl-C (then finish the jobs in hand)."""
    from immersio_booking.jobs.worker import configure_worker_logging, run_worker
    from immersio_booking.wiring import wire

    settings = load_settings()
    wire()
    url = database_url_of(settings)
    if settings.embedded:
        upgrade_schema(url, only_if_behind=True)
    configure_worker_logging(settings.log_level, settings.json_logs)
    asyncio.run(run_worker(settings, concurrency, url, stop_with_parent=stop_with_parent))


# ---------------------------------------------------------------------------------------------
# Schema and demo data


@app.command("migrate")
def migrate_schema() -> None:
    """Upgrade the database schema to the newest migration and print its revision."""
    url = database_url_of(load_settings())
    revision = upgrade_schema(url, only_if_behind=False)
    out.print(f"schema at revision {revision}", highlight=False)


@app.command()
def demo(as_json: JsonFlag = False) -> None:
    """Load the demo school (idempotent) and print where to find it and its API key."""
    from immersio_booking.demo import load_demo

    settings = load_settings()
    result = in_transaction(lambda session: load_demo(session, Path(settings.data_dir)))

    def human() -> None:
        base = settings.public_base_url
        key = result["api_key"]
        org = result["organization"]
        teachers = ", ".join(f"{t['name']} <{t['email']}>" for t in result["teachers"])
        workshops = ", ".join(w["title"] for w in result["workshops"])
        show(
            f"{org['name']} is ready",
            [
                ("School page", f"{base}/{org['slug']}"),
                ("API docs", f"{base}/docs"),
                ("Demo API key", key),
                ("Try", f'curl -H "Authorization: Bearer {key}" {base}/v2/me'),
                ("Teachers", teachers),
                ("Workshops", workshops),
                ("Immersio", "a fake Immersio on 127.0.0.1:8100, started by `serve`"),
                ("Sync now", f"immersio-booking immersio sync --org {org['slug']}"),
            ],
        )

    emit(result, as_json, human)
