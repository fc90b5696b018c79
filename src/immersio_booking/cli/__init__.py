"""The ``immersio-booking`` command: serve, work the job queue, migrate, demo data, bootstrap.

Human output is printed with rich. ``--json`` prints exactly one JSON object on stdout; progress,
logs and errors always go to stderr. Heavy modules are imported by the commands that need them,
so ``--help`` and ``db status`` answer at once.
"""

from __future__ import annotations

# Importing the command modules registers their commands on the groups in ``common``.
from immersio_booking.cli import admin, database, immersio, service, zoom  # noqa: F401
from immersio_booking.cli.common import app, database_errors


def main() -> None:
    with database_errors():
        app()
