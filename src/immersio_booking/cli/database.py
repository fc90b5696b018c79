"""The embedded PostgreSQL server."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

from immersio_booking.cli.common import (
    database_url_of,
    db_app,
    fail,
    load_settings,
    out,
)

# ---------------------------------------------------------------------------------------------
# The embedded server


@db_app.command("status")
def db_status() -> None:
    """Whether the embedded server is running, as JSON."""
    settings = load_settings()
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
    sys.stdout.write(database_url_of(load_settings()) + "\n")


@db_app.command("stop")
def db_stop() -> None:
    """Stop the embedded server (it keeps running after the commands that started it)."""
    from immersio_booking.db import embedded

    settings = load_settings()
    if not settings.embedded:
        fail("DATABASE_URL is set: there is no embedded server to stop")
    stopped = embedded.stop(Path(settings.data_dir))
    out.print("stopped" if stopped else "not running")
