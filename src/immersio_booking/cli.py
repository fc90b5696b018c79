"""The ``immersio-booking`` command: serve, work the job queue, migrate, demo data, bootstrap.

Human output is printed with rich. ``--json`` prints exactly one JSON object on stdout; progress,
logs and errors always go to stderr. Heavy modules are imported by the commands that need them,
so ``--help`` and ``db status`` answer at once.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import BaseModel, EmailStr, ValidationError
from rich.console import Console
from rich.markup import escape

from immersio_booking.config import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

T = TypeVar("T")

app = typer.Typer(
    help="Immersio Booking: live workshops for language schools.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
db_app = typer.Typer(help="The embedded PostgreSQL server.", no_args_is_help=True)
admin_app = typer.Typer(
    help="Bootstrap commands the API cannot do for itself.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
immersio_app = typer.Typer(help="The Immersio integration.", no_args_is_help=True)
app.add_typer(immersio_app, name="immersio")

out = Console()
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
# How long `serve` waits, when it stops, for the worker to finish the jobs in hand.
WORKER_STOP_SECONDS = 35.0


# ---------------------------------------------------------------------------------------------
# Shared pieces


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _option(field: object) -> str:
    """A validation error's field (``owner_email`` or ``ownerEmail``) as its CLI option."""
    return "--" + re.sub(r"(?<!^)(?=[A-Z])", "-", str(field)).replace("_", "-").lower()


def fail_validation(exc: ValidationError) -> NoReturn:
    for problem in exc.errors():
        where = _option(problem["loc"][0]) if problem["loc"] else "input"
        err.print(
            f"[red]error:[/red] {where}: {escape(problem['msg'])}", highlight=False, soft_wrap=True
        )
    raise typer.Exit(2)


def _settings() -> Settings:
    try:
        return get_settings()
    except ValidationError as exc:
        for problem in exc.errors():
            err.print(
                f"[red]configuration error:[/red] {escape(problem['msg'])}",
                highlight=False,
                soft_wrap=True,
            )
        raise typer.Exit(2) from exc


def _database_url(settings: Settings) -> str:
    """The SQLAlchemy URL: DATABASE_URL, or the embedded server's (started if needed)."""
    from immersio_booking.db.session import resolve_database_url

    with err.status("Starting the embedded PostgreSQL…") if settings.embedded else nullcontext():
        return resolve_database_url(settings)


def _upgrade_schema(url: str, *, only_if_behind: bool) -> str | None:
    """Bring the schema to the newest migration; return the revision it is at."""
    from alembic.util.exc import CommandError

    from immersio_booking.db import migrate

    try:
        if not only_if_behind or migrate.current_revision(url) != migrate.head_revision():
            with err.status("Migrating the schema…"):
                migrate.upgrade(url)
        return migrate.current_revision(url)
    except CommandError as exc:
        fail(f"cannot migrate: {exc}")


def _ready_database() -> str:
    """The database of an operator command: started if embedded, schema at head."""
    url = _database_url(_settings())
    # Checking first is ~20 ms; an upgrade with nothing to do is ~0.5 s. upgrade() itself
    # serialises concurrent migrators with an advisory lock.
    _upgrade_schema(url, only_if_behind=True)
    return url


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the ready database; domain errors end the command."""
    from immersio_booking.db.session import make_engine, make_sessionmaker, transaction
    from immersio_booking.kit.errors import DomainError

    url = _ready_database()

    async def run() -> T:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            async with transaction(make_sessionmaker(engine)) as session:
                return await work(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(run())
    except DomainError as exc:
        fail(f"{exc.message} ({exc.reason})")
    except ValidationError as exc:
        fail_validation(exc)


def emit(payload: dict[str, Any], as_json: bool, human: Callable[[], None]) -> None:
    if as_json:
        sys.stdout.write(json.dumps(payload) + "\n")
    else:
        human()


def show(title: str, rows: list[tuple[str, str]]) -> None:
    """A title and aligned ``label  value`` lines; values never wrap (keys and URLs are copied)."""
    out.print(f"[bold]{escape(title)}[/bold]", soft_wrap=True)
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        out.print(f"  [bold]{escape(label.ljust(width))}[/bold]  {escape(value)}", soft_wrap=True)


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

    settings = _settings()
    url = _database_url(settings)
    if settings.embedded:
        _upgrade_schema(url, only_if_behind=False)
    # API processes and the worker attach to exactly this database; they need not start the
    # embedded server again.
    os.environ["DATABASE_URL"] = url
    fake_immersio = _demo_immersio(url)
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


def _demo_immersio(database_url: str) -> Any:
    """The Immersio simulator, in a thread of this process, when a school (the demo's) is
    connected to its address and nothing listens there yet; else None."""
    import socket

    import psycopg

    from immersio_booking.immersio import simulator
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


@app.command()
def worker(
    concurrency: Annotated[int, typer.Option(min=1, help="Jobs run at once.")] = 4,
    stop_with_parent: Annotated[bool, typer.Option(hidden=True)] = False,
) -> None:
    """Run the job worker until SIGTERM or Ctrl-C (then finish the jobs in hand)."""
    from immersio_booking.jobs.worker import configure_worker_logging, run_worker

    settings = _settings()
    url = _database_url(settings)
    if settings.embedded:
        _upgrade_schema(url, only_if_behind=True)
    configure_worker_logging(settings.log_level, settings.json_logs)
    asyncio.run(run_worker(concurrency, url, stop_with_parent=stop_with_parent))


# ---------------------------------------------------------------------------------------------
# Schema and demo data


@app.command("migrate")
def migrate_schema() -> None:
    """Upgrade the database schema to the newest migration and print its revision."""
    url = _database_url(_settings())
    revision = _upgrade_schema(url, only_if_behind=False)
    out.print(f"schema at revision {revision}", highlight=False)


@app.command()
def demo(as_json: JsonFlag = False) -> None:
    """Load the demo school (idempotent) and print where to find it and its API key."""
    from immersio_booking.demo import load_demo

    settings = _settings()
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


# ---------------------------------------------------------------------------------------------
# Immersio


@app.command("fake-immersio")
def fake_immersio(
    port: Annotated[int, typer.Option(help="Port to listen on (loopback only).")] = 8100,
    api_key: Annotated[str, typer.Option(help="The one API key accepted.")] = "demo-key",
    org_id: Annotated[str, typer.Option(help="The Immersio organization id served.")] = "demo-org",
    data: Annotated[Path | None, typer.Option(help="A JSON data set instead of generated.")] = None,
    seed: Annotated[int, typer.Option(help="Seed of the generated data set.")] = 1,
    courses: Annotated[int, typer.Option(min=1, help="Generated courses.")] = 5,
    students: Annotated[int, typer.Option(min=1, help="Generated students per course.")] = 12,
) -> None:
    """Serve a fake Immersio API (docs/immersio-api.md) with runtime fault injection."""
    import uvicorn

    from immersio_booking.immersio import simulator

    try:
        dataset = (
            simulator.load(data)
            if data
            else simulator.generate(seed=seed, courses=courses, students=students)
        )
    except (OSError, ValueError) as exc:
        fail(str(exc))
    err.print(f"Fake Immersio on http://127.0.0.1:{port} (organization {org_id})")
    uvicorn.run(
        simulator.create_simulator(api_key, org_id, dataset),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )


@immersio_app.command("sync")
def immersio_sync(
    org: Annotated[str, typer.Option(help="The organization's slug.")],
    types: Annotated[
        list[str] | None, typer.Option("--type", help="courses, students or teachers (repeat).")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Sync a school with Immersio now, in this process, with a progress bar."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from immersio_booking.db.session import make_engine, make_sessionmaker
    from immersio_booking.immersio.schemas import SyncRequest
    from immersio_booking.immersio.sync import sync_in_place
    from immersio_booking.organizations.repository import by_slug

    settings = _settings()
    try:
        request = SyncRequest.model_validate({"types": types} if types else {})
    except ValidationError as exc:
        fail_validation(exc)
    url = _ready_database()

    async def work() -> dict[str, Any]:
        engine = make_engine(url, pool_size=2, max_overflow=0)
        sessionmaker = make_sessionmaker(engine)
        try:
            async with sessionmaker() as session:
                team = await by_slug(session, org)
            if team is None:
                fail(f"no organization with slug {org}")
            with Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=err,
                transient=as_json,
            ) as bar:
                task = bar.add_task("Reading courses from Immersio", total=None)

                def advance(stage: str, done: int, total: int) -> None:
                    bar.update(task, description=f"Reading {stage}", completed=done, total=total)

                started, outcomes = await sync_in_place(
                    sessionmaker, team.id, request.types, settings, advance
                )
        finally:
            await engine.dispose()
        return {
            "syncLogIds": [log.id for log in started.logs],
            "alreadyRunning": started.already_running,
            "results": {
                kind: {
                    "status": o.status,
                    "processed": o.processed,
                    "failed": o.failed,
                    "error": o.fatal,
                }
                for kind, o in outcomes.items()
            },
        }

    with _database_errors():
        report = asyncio.run(work())

    def human() -> None:
        if report["alreadyRunning"]:
            out.print(f"A sync is already running (logs {report['syncLogIds']}).")
            return
        rows = [
            (
                kind,
                f"{r['status']}: {r['processed']} processed, {r['failed']} failed"
                + (f" ({r['error']})" if r["error"] else ""),
            )
            for kind, r in report["results"].items()
        ]
        show(f"Immersio sync of {org}", rows)

    emit(report, as_json, human)
    if any(r["status"] == "failed" for r in report["results"].values()):
        raise typer.Exit(1)


# ---------------------------------------------------------------------------------------------
# The embedded server


@db_app.command("status")
def db_status() -> None:
    """Whether the embedded server is running, as JSON."""
    settings = _settings()
    if settings.embedded:
        from immersio_booking.db import embedded

        report = {"embedded": True, **embedded.status(Path(settings.data_dir))}
    else:
        report = {"embedded": False, "reachable": _reachable(settings.database_url or "")}
    sys.stdout.write(json.dumps(report) + "\n")


def _reachable(sqlalchemy_url: str) -> bool:
    import psycopg

    from immersio_booking.jobs.app import libpq_url

    try:
        with psycopg.connect(libpq_url(sqlalchemy_url), connect_timeout=3):
            return True
    except psycopg.Error:
        return False


@db_app.command("url")
def db_url() -> None:
    """The SQLAlchemy URL of the database (starts the embedded server if needed)."""
    sys.stdout.write(_database_url(_settings()) + "\n")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded server (it keeps running after the commands that started it)."""
    from immersio_booking.db import embedded

    settings = _settings()
    if not settings.embedded:
        fail("DATABASE_URL is set: there is no embedded server to stop")
    stopped = embedded.stop(Path(settings.data_dir))
    out.print("stopped" if stopped else "not running")


# ---------------------------------------------------------------------------------------------
# Bootstrap


class PlatformAdminCreate(BaseModel):
    email: EmailStr


@admin_app.command("create-organization")
def create_organization(
    name: Annotated[str, typer.Option(help="The school's name.")],
    slug: Annotated[str, typer.Option(help="Its address: lowercase letters, digits, '-'.")],
    owner_email: Annotated[str, typer.Option(help="The OWNER's email (a new user).")],
    owner_name: Annotated[str | None, typer.Option(help="The OWNER's name.")] = None,
    plan: Annotated[str, typer.Option(help="lite, starter, growth, pro or enterprise.")] = "lite",
    as_json: JsonFlag = False,
) -> None:
    """Create a tenant with its OWNER and the owner's first API key."""
    from immersio_booking.organizations import service
    from immersio_booking.organizations.schemas import OrganizationCreate

    try:
        body = OrganizationCreate.model_validate(
            {
                "name": name,
                "slug": slug,
                "owner_email": owner_email,
                "owner_name": owner_name,
                "plan": plan,
            }
        )
    except ValidationError as exc:
        fail_validation(exc)

    async def work(session: AsyncSession) -> dict[str, Any]:
        return (await service.create_organization(session, body)).model_dump()

    created = in_transaction(work)
    emit(
        created,
        as_json,
        lambda: show(
            f"Organization {created['organization']['slug']} created",
            [
                ("Organization id", str(created["organization"]["id"])),
                ("Owner", f"{created['owner']['email']} (user {created['owner']['id']})"),
                ("API key", f"{created['api_key']}  (shown once)"),
            ],
        ),
    )


@admin_app.command("create-api-key")
def create_api_key(
    email: Annotated[str, typer.Option(help="The user's email.")],
    note: Annotated[str, typer.Option(help="What the key is for.")] = "cli",
    as_json: JsonFlag = False,
) -> None:
    """Issue a new API key for an existing user."""
    from sqlalchemy import select

    from immersio_booking.auth import service
    from immersio_booking.kit.errors import NotFound
    from immersio_booking.models import User

    async def work(session: AsyncSession) -> dict[str, Any]:
        address = email.strip().lower()
        user = (
            await session.execute(select(User).where(User.email == address))
        ).scalar_one_or_none()
        if user is None:
            raise NotFound(f"No user with email {address}", reason="user_not_found")
        _, raw = await service.issue_key(session, user, note=note)
        return {"api_key": raw, "user_id": user.id}

    issued = in_transaction(work)
    emit(
        issued,
        as_json,
        lambda: show(
            f"API key for user {issued['user_id']}",
            [("API key", f"{issued['api_key']}  (shown once)")],
        ),
    )


@admin_app.command("create-platform-admin")
def create_platform_admin(
    email: Annotated[str, typer.Option(help="Created if missing, promoted otherwise.")],
    as_json: JsonFlag = False,
) -> None:
    """Create (or promote) a platform admin, who may manage every tenant, and issue a key."""
    from sqlalchemy import select

    from immersio_booking.auth import service
    from immersio_booking.models import User

    try:
        address = PlatformAdminCreate(email=email).email.strip().lower()
    except ValidationError as exc:
        fail_validation(exc)

    async def work(session: AsyncSession) -> dict[str, Any]:
        user = (
            await session.execute(select(User).where(User.email == address))
        ).scalar_one_or_none()
        if user is None:
            user = User(email=address, name="Platform admin")
            session.add(user)
        user.is_platform_admin = True
        await session.flush()
        _, raw = await service.issue_key(session, user, note="platform admin")
        return {"api_key": raw}

    issued = in_transaction(work)
    emit(
        issued,
        as_json,
        lambda: show(
            f"Platform admin {address}", [("API key", f"{issued['api_key']}  (shown once)")]
        ),
    )


@admin_app.command("connect-stripe")
def connect_stripe(
    org: Annotated[str, typer.Option(help="The school's slug.")],
    secret_key: Annotated[str, typer.Option(help="sk_live_… / sk_test_… (or a restricted key).")],
    publishable_key: Annotated[str, typer.Option(help="pk_live_… / pk_test_…")],
    webhook_secret: Annotated[str, typer.Option(help="whsec_… of the school's endpoint.")],
    as_json: JsonFlag = False,
) -> None:
    """Connect a school's Stripe account, as PUT /v2/organizations/{orgId}/payments/stripe."""
    from sqlalchemy import select

    from immersio_booking.kit.errors import NotFound
    from immersio_booking.models import Team
    from immersio_booking.payments import credentials

    try:
        body = credentials.StripeKeysIn(
            secret_key=secret_key, publishable_key=publishable_key, webhook_secret=webhook_secret
        )
    except ValidationError as exc:
        fail_validation(exc)
    settings = _settings()

    async def work(session: AsyncSession) -> dict[str, Any]:
        team = (
            await session.execute(
                select(Team).where(Team.slug == org, Team.is_organization.is_(True))
            )
        ).scalar_one_or_none()
        if team is None:
            raise NotFound(f"No school with slug {org}", reason="organization_not_found")
        keys = await credentials.connect(session, team.id, body, settings)
        return {"organization_id": team.id, **keys.model_dump(by_alias=True)}

    connected = in_transaction(work)
    emit(
        connected,
        as_json,
        lambda: show(
            f"Stripe connected to {org}",
            [
                ("Webhook endpoint", f"/webhooks/stripe/{connected['organization_id']}"),
                ("Secret key", connected["secretKey"]),
                ("Key works", "no" if connected["invalid"] else "yes"),
            ],
        ),
    )


@admin_app.command("rotate-keys")
def rotate_keys(as_json: JsonFlag = False) -> None:
    """Re-encrypt every stored secret with the first key of IMMERSIO_ENCRYPTION_KEYS."""
    from immersio_booking.immersio.service import rotate_secrets
    from immersio_booking.payments.credentials import rotate_all

    settings = _settings()

    async def work(session: AsyncSession) -> dict[str, Any]:
        rotated = await rotate_all(session, settings) + await rotate_secrets(session, settings)
        return {"rotated": rotated}

    rotated = in_transaction(work)
    emit(rotated, as_json, lambda: out.print(f"{rotated['rotated']} secrets re-encrypted"))


# ---------------------------------------------------------------------------------------------


@contextmanager
def _database_errors() -> Iterator[None]:
    """An unreachable database is an operator's problem, not a traceback."""
    try:
        yield
    except Exception as exc:
        import psycopg

        sqlalchemy_errors = sys.modules.get("sqlalchemy.exc")
        unreachable = isinstance(exc, psycopg.OperationalError) or (
            sqlalchemy_errors is not None and isinstance(exc, sqlalchemy_errors.OperationalError)
        )
        if not unreachable:
            raise
        reason = getattr(exc, "orig", None) or exc  # SQLAlchemy wraps the driver's error
        err.print(
            f"[red]error:[/red] cannot reach the database: {escape(str(reason))}",
            highlight=False,
            soft_wrap=True,
        )
        sys.exit(1)
        sys.exit(1)


def main() -> None:
    with _database_errors():
        app()


if __name__ == "__main__":
    main()
