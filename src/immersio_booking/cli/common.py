"""What every command shares: the command groups, consoles, settings, the database, output."""

from __future__ import annotations

import asyncio
import json
import re
import sys
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager, nullcontext
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
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


# ---------------------------------------------------------------------------------------------
# Shared pieces


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def option_name(field: object) -> str:
    """A validation error's field (``owner_email`` or ``ownerEmail``) as its CLI option."""
    return "--" + re.sub(r"(?<!^)(?=[A-Z])", "-", str(field)).replace("_", "-").lower()


def fail_validation(exc: ValidationError) -> NoReturn:
    for problem in exc.errors():
        where = option_name(problem["loc"][0]) if problem["loc"] else "input"
        err.print(
            f"[red]error:[/red] {where}: {escape(problem['msg'])}", highlight=False, soft_wrap=True
        )
    raise typer.Exit(2)


def load_settings() -> Settings:
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


def database_url_of(settings: Settings) -> str:
    """The SQLAlchemy URL: DATABASE_URL, or the embedded server's (started if needed)."""
    from immersio_booking.db.session import resolve_database_url

    with err.status("Starting the embedded PostgreSQL…") if settings.embedded else nullcontext():
        return resolve_database_url(settings)


def upgrade_schema(url: str, *, only_if_behind: bool) -> str | None:
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


def ready_database() -> str:
    """The database of an operator command: started if embedded, schema at head."""
    url = database_url_of(load_settings())
    # Checking first is ~20 ms; an upgrade with nothing to do is ~0.5 s. upgrade() itself
    # serialises concurrent migrators with an advisory lock.
    upgrade_schema(url, only_if_behind=True)
    return url


def in_transaction(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Run ``work`` in one transaction on the ready database; domain errors end the command."""
    from immersio_booking.db.session import make_engine, make_sessionmaker, transaction
    from immersio_booking.kit.errors import DomainError
    from immersio_booking.wiring import wire

    url = ready_database()
    wire()  # a command may change bookings: their listeners hear it as in the API

    async def run() -> T:
        engine = make_engine(url, pool_size=1, max_overflow=0)
        try:
            async with transaction(make_sessionmaker(engine, load_settings())) as session:
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


@contextmanager
def database_errors() -> Iterator[None]:
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
