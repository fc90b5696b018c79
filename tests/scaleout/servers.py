"""A PostgreSQL of the test's own, that the test may stop and start under load.

Never the shared server of the machine (other runs use it): with DATABASE_URL set, a scratch
cluster of the machine's PostgreSQL (initdb + pg_ctl on a free port); without it, an embedded
server in a data directory of its own, stopped and started through ``db.embedded``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from immersio_booking.db import embedded
from tests import database
from tests.served import free_port


class RestartableServer(Protocol):
    url: str  # a SQLAlchemy URL of a migrated-to-be database on it

    def stop(self) -> None: ...

    def start(self) -> None: ...


def _binaries() -> Path:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
    if not versions:
        raise RuntimeError("no PostgreSQL binaries under /usr/lib/postgresql")
    return versions[-1].parent


def _as_postgres(*command: str) -> list[str]:
    """Root may not run a PostgreSQL server: run it as the machine's postgres user then."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class ScratchCluster:
    """A cluster in a temporary directory, on a free loopback port, trust authentication
    (initdb's defaults also trust replication connections from the loopback)."""

    def __init__(self, root: Path, binaries: Path | None = None) -> None:
        self.pgdata = root / "pgdata"
        self.port = free_port()
        self.bin = binaries or _binaries()
        if os.geteuid() == 0:
            shutil.chown(root, "postgres")
        self._create()
        self.log = root / "server.log"
        self.start()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _create(self) -> None:
        subprocess.run(
            _as_postgres(str(self.bin / "initdb"), "-D", str(self.pgdata), "-U", "postgres")
            + ["-A", "trust", "--no-sync"],
            check=True,
            capture_output=True,
        )

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres(str(self.bin / "pg_ctl"), "-D", str(self.pgdata), "-w", *args),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.pgdata} -c fsync=off"
        self._ctl("-l", str(self.log), "-o", options, "start")

    def stop(self) -> None:
        # "fast": sessions are ended and their open transactions rolled back, as in a restart
        # or a failover of a managed server.
        self._ctl("-m", "fast", "stop")


class StandbyCluster(ScratchCluster):
    """A hot standby of ``primary``, streaming its WAL (``pg_basebackup -R``): read-only, and
    behind the primary by however much it has not replayed yet."""

    def __init__(self, root: Path, primary: ScratchCluster) -> None:
        self.primary = primary
        super().__init__(root, primary.bin)

    def _create(self) -> None:
        # --checkpoint=fast: the copy starts at once, not after a spread checkpoint (minutes).
        subprocess.run(
            _as_postgres(str(self.bin / "pg_basebackup"), "-D", str(self.pgdata))
            + ["-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres"]
            + ["-R", "-X", "stream", "--no-sync", "--checkpoint=fast"],
            check=True,
            capture_output=True,
        )


class EmbeddedServer:
    def __init__(self, root: Path) -> None:
        self.data_dir = root
        self.url = embedded.start(root, database="postgres")

    def start(self) -> None:
        embedded.start(self.data_dir, database="postgres")

    def stop(self) -> None:
        embedded.stop(self.data_dir)


@contextmanager
def restartable_server() -> Iterator[tuple[RestartableServer, str]]:
    """A server of our own (the kind the run uses) and a scratch database on it."""
    root = Path(tempfile.mkdtemp(prefix="immersio-scaleout-"))
    os.chmod(root, 0o755)
    server: ScratchCluster | EmbeddedServer = (
        ScratchCluster(root) if os.environ.get("DATABASE_URL") else EmbeddedServer(root)
    )
    try:
        yield server, database.create_scratch_database(server.url, "scaleout")
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(root, ignore_errors=True)
