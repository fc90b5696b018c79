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
    from sqlalchemy.ext.asyncio import AsyncSession

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
    reuse_port: Annotated[
        bool,
        typer.Option(
            "--reuse-port",
            help="Share the port with other `serve` processes (SO_REUSEPORT): the kernel "
            "spreads connections over them, and each can be stopped or restarted alone.",
        ),
    ] = False,
) -> None:
    """Serve the API and pages, and (unless --no-worker) one job worker beside them.

    In embedded mode the schema is migrated first; with DATABASE_URL run `migrate` yourself.
    """

    from immersio_booking.jobs.supervisor import WorkerProcess

    settings = load_settings()
    url = database_url_of(settings)
    if settings.embedded:
        upgrade_schema(url, only_if_behind=False)
    # API processes and the worker attach to exactly this database; they need not start the
    # embedded server again.
    os.environ["DATABASE_URL"] = url
    fakes = [
        _demo_immersio(url),
        _demo_zoom(settings.zoom_api_base, settings.zoom_oauth_base),
        _demo_calendar_feed(url),
    ]
    job_worker = (
        None
        if no_worker
        else WorkerProcess(
            worker_concurrency,
            dict(os.environ),
            healthy_run_seconds=settings.worker_healthy_run_seconds,
        )
    )
    if job_worker is not None:
        job_worker.start()
    previous = {sig: signal.signal(sig, _note_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        _run_uvicorn(host, port, workers, settings.log_level.lower(), reuse_port=reuse_port)
    finally:
        # A second Ctrl-C from here on ends the wait; the worker then stops by itself when it
        # sees that this process is gone.
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if job_worker is not None:
            job_worker.stop(WORKER_STOP_SECONDS)
        for fake in fakes:
            if fake is not None:
                fake.stop()


def _run_uvicorn(host: str, port: int, workers: int, log_level: str, *, reuse_port: bool) -> None:
    """uvicorn on ``host:port`` (as ``uvicorn.run`` would), on a socket of our own binding when
    the port is shared with other processes: uvicorn's own never sets SO_REUSEPORT."""
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(
        "immersio_booking.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,  # the app logs every request itself, with its request id
        # uvicorn would otherwise believe X-Forwarded-For from 127.0.0.1; the app reads it
        # itself, only from IMMERSIO_TRUSTED_PROXIES (docs/security.md).
        proxy_headers=False,
    )
    server = uvicorn.Server(config)
    sockets = [shared_socket(host, port)] if reuse_port else None
    if workers > 1:
        Multiprocess(config, sockets=sockets or [config.bind_socket()]).run()
    else:
        server.run(sockets=sockets)


def shared_socket(host: str, port: int) -> Any:
    """A listening TCP socket on ``host:port`` that other processes may bind as well."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _demo_immersio(database_url: str) -> Any:
    """The Immersio simulator, when a school (the demo's) is connected to its address."""
    from immersio_booking.fakes import immersio as simulator

    sql = "SELECT 1 FROM immersio_integrations WHERE base_url = %s LIMIT 1"
    if not _found(database_url, sql, simulator.DEMO_URL):
        return None
    return _served("Fake Immersio", simulator.create_simulator(), 8100, simulator.DEMO_URL)


def _demo_zoom(api_base: str, oauth_base: str) -> Any:
    """The Zoom simulator, when Zoom's addresses point at it (``make run``)."""
    from immersio_booking.fakes import zoom as simulator

    if simulator.DEMO_URL not in (api_base, oauth_base):
        return None
    return _served("Fake Zoom", simulator.create_simulator(), 8200, simulator.DEMO_URL)


def _demo_calendar_feed(database_url: str) -> Any:
    """The demo teacher's ICS feed, when the demo school exists (its teacher reads it)."""
    from immersio_booking.demo import DEMO_SLUG
    from immersio_booking.fakes import calendar_feed

    if not _found(database_url, "SELECT 1 FROM teams WHERE slug = %s LIMIT 1", DEMO_SLUG):
        return None
    app = calendar_feed.create_feed_server()
    return _served(
        "Demo teacher's calendar feed", app, calendar_feed.DEMO_PORT, calendar_feed.DEMO_URL
    )


def _found(database_url: str, sql: str, value: str) -> bool:
    """Whether ``sql`` (one ``%s`` parameter) finds a row: is the demo there to serve?"""
    import psycopg

    from immersio_booking.jobs.app import libpq_url

    with psycopg.connect(libpq_url(database_url)) as connection:
        return connection.execute(sql, (value,)).fetchone() is not None


def _served(name: str, app: Any, port: int, url: str) -> Any:
    """``app`` in a thread of this process on ``port``, unless something listens there
    already (another ``serve``, or the simulator's own command): then None."""
    import socket

    from immersio_booking.fakes.served import BackgroundServer

    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return None
    served = BackgroundServer(app, port=port).start()
    err.print(f"{name} for the demo school on {url}")
    return served


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at once (per process).")] = 4,
    processes: Annotated[
        int, typer.Option(min=1, help="Worker processes (more than one: a supervisor runs them).")
    ] = 1,
    stop_with_parent: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:
    """Run the job worker until SIGTERM or Ctrl-C (then finish the jobs in hand).

    With --processes N, this process supervises N worker processes: it forwards SIGTERM and
    Ctrl-C to them, restarts one that dies, and exits non-zero if one keeps crashing."""
    from immersio_booking.jobs.worker import configure_worker_logging, run_worker
    from immersio_booking.wiring import wire

    settings = load_settings()
    url = database_url_of(settings)
    if settings.embedded:
        upgrade_schema(url, only_if_behind=True)
    if processes > 1:
        from immersio_booking.jobs.supervisor import supervise

        # The children attach to exactly this database (no embedded server of their own).
        env = {**os.environ, "DATABASE_URL": url}
        code = supervise(
            processes,
            concurrency,
            env,
            WORKER_STOP_SECONDS,
            healthy_run_seconds=settings.worker_healthy_run_seconds,
        )
        if code:
            raise typer.Exit(code)
        return
    wire()
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
    from immersio_booking.auth import sign_in_links
    from immersio_booking.demo import load_demo
    from immersio_booking.kit import clock

    settings = load_settings()

    async def work(session: AsyncSession) -> dict[str, Any]:
        loaded = await load_demo(session, Path(settings.data_dir))
        # One-time, 15 minutes: a new one each `make run` (or `admin login-link`).
        loaded["sign_in_url"] = await sign_in_links.sign_in_url(
            session, loaded["owner"]["id"], settings.public_base_url, clock.now()
        )
        return loaded

    result = in_transaction(work)

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
                ("Dashboard", f"{result['sign_in_url']}  (owner, one-time, 15 min)"),
                ("Try", f'curl -H "Authorization: Bearer {key}" {base}/v2/me'),
                ("Teachers", teachers),
                ("Workshops", workshops),
                ("Immersio", "a fake Immersio on 127.0.0.1:8100, started by `serve`"),
                ("Video", "Jitsi rooms; Business English on a fake Zoom (127.0.0.1:8200)"),
                ("Calendar", "Kenji's other school's ICS feed (127.0.0.1:8300) blocks his slots"),
                ("Sync now", f"immersio-booking immersio sync --org {org['slug']}"),
            ],
        )

    emit(result, as_json, human)
