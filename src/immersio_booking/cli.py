"""The ``immersio-booking`` command."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError
from rich.console import Console
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import get_settings
from immersio_booking.db import embedded, migrate
from immersio_booking.db.session import (
    make_engine,
    make_sessionmaker,
    resolve_database_url,
    transaction,
)
from immersio_booking.kit.errors import DomainError

T = TypeVar("T")
app = typer.Typer(help="Immersio Booking: workshops for language schools.", no_args_is_help=True)
db_app = typer.Typer(help="The embedded PostgreSQL server.", no_args_is_help=True)
admin_app = typer.Typer(
    help="Bootstrap commands the API cannot do for itself.", no_args_is_help=True
)
app.add_typer(db_app, name="db")
app.add_typer(admin_app, name="admin")
err = Console(stderr=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]


def _database_url(run_migrations: bool = True) -> str:
    url = resolve_database_url(get_settings())
    if run_migrations:
        migrate.upgrade(url)
    return url


def _in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    url = _database_url()

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
        err.print(f"[red]error:[/red] {exc.message} ({exc.reason})")
        raise typer.Exit(1) from exc
    except ValidationError as exc:
        for problem in exc.errors():
            where = ".".join(str(p) for p in problem["loc"])
            err.print(f"[red]error:[/red] {where}: {problem['msg']}")
        raise typer.Exit(2) from exc


def _emit(payload: dict[str, Any], as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(payload) + "\n")
    else:
        for key, value in payload.items():
            typer.echo(f"{key}: {value}")


@app.command("migrate")
def migrate_schema() -> None:
    """Upgrade the database schema to the newest migration."""
    url = _database_url()
    typer.echo(f"schema at revision {migrate.current_revision(url)}")


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = 1,
    no_worker: Annotated[
        bool, typer.Option("--no-worker", help="Do not run the job worker.")
    ] = False,
) -> None:
    """Serve the API and pages (and, unless --no-worker, the job worker)."""
    import uvicorn

    settings = get_settings()
    url = resolve_database_url(settings)
    if settings.embedded:
        migrate.upgrade(url)
    env = {**os.environ, "DATABASE_URL": url}
    worker: subprocess.Popen[bytes] | None = None
    if not no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "immersio_booking.cli", "worker"], env=env)
    os.environ["DATABASE_URL"] = url  # uvicorn's worker processes attach to the same database
    try:
        uvicorn.run(
            "immersio_booking.app:create_app",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level=settings.log_level.lower(),
            access_log=False,
        )
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(35)
            except subprocess.TimeoutExpired:
                worker.kill()


@app.command()
def worker(concurrency: int = 4) -> None:
    """Run the job worker until SIGTERM or Ctrl-C."""
    from immersio_booking.jobs.worker import run_worker

    asyncio.run(run_worker(_database_url(), concurrency))


@app.command()
def demo(as_json: JsonFlag = False) -> None:
    """Load the demo school (idempotent)."""
    from immersio_booking.demo import load_demo

    settings = get_settings()
    result = _in_transaction(lambda s: load_demo(s, Path(settings.data_dir)))
    _emit(result, as_json)


@db_app.command("status")
def db_status() -> None:
    """Is the embedded server running? (JSON)"""
    settings = get_settings()
    if not settings.embedded:
        typer.echo(json.dumps({"embedded": False}))
        return
    typer.echo(json.dumps({"embedded": True, **embedded.status(Path(settings.data_dir))}))


@db_app.command("url")
def db_url() -> None:
    """The SQLAlchemy URL of the database (starts the embedded server if needed)."""
    typer.echo(resolve_database_url(get_settings()))


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded server."""
    stopped = embedded.stop(Path(get_settings().data_dir))
    typer.echo("stopped" if stopped else "not running")


@admin_app.command("create-organization")
def create_organization(
    name: Annotated[str, typer.Option()],
    slug: Annotated[str, typer.Option()],
    owner_email: Annotated[str, typer.Option("--owner-email")],
    owner_name: Annotated[str | None, typer.Option("--owner-name")] = None,
    plan: str = "lite",
    as_json: JsonFlag = False,
) -> None:
    """Create a tenant with its OWNER and the owner's first API key."""
    from immersio_booking.organizations import service
    from immersio_booking.organizations.schemas import OrganizationCreate

    async def work(session: AsyncSession) -> dict[str, Any]:
        body = OrganizationCreate.model_validate(
            {
                "name": name,
                "slug": slug,
                "owner_email": owner_email,
                "owner_name": owner_name,
                "plan": plan,
            }
        )
        return (await service.create_organization(session, body)).model_dump()

    _emit(_in_transaction(work), as_json)


@admin_app.command("create-api-key")
def create_api_key(email: Annotated[str, typer.Option()], as_json: JsonFlag = False) -> None:
    """Issue a new API key for an existing user."""
    from immersio_booking.auth import service
    from immersio_booking.kit.errors import NotFound
    from immersio_booking.models import User

    async def work(session: AsyncSession) -> dict[str, Any]:
        user = (
            await session.execute(select(User).where(User.email == email.strip().lower()))
        ).scalar_one_or_none()
        if user is None:
            raise NotFound(f"No user with email {email}", reason="user_not_found")
        _, raw = await service.issue_key(session, user, note="cli")
        return {"api_key": raw, "user_id": user.id}

    _emit(_in_transaction(work), as_json)


@admin_app.command("create-platform-admin")
def create_platform_admin(email: Annotated[str, typer.Option()], as_json: JsonFlag = False) -> None:
    """Create (or promote) a platform admin and issue a key."""
    from immersio_booking.auth import service
    from immersio_booking.models import User

    async def work(session: AsyncSession) -> dict[str, Any]:
        address = email.strip().lower()
        if "@" not in address:
            from immersio_booking.kit.errors import BadRequest

            raise BadRequest(f"{email} is not an email address", reason="invalid_email")
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

    _emit(_in_transaction(work), as_json)


@admin_app.command("rotate-keys")
def rotate_keys(as_json: JsonFlag = False) -> None:
    """Re-encrypt every stored secret with the first key of IMMERSIO_ENCRYPTION_KEYS."""
    from immersio_booking.payments.credentials import rotate_all

    settings = get_settings()

    async def work(session: AsyncSession) -> dict[str, Any]:
        return {"rotated": await rotate_all(session, settings)}

    _emit(_in_transaction(work), as_json)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
