"""Alembic environment: runs with the connection handed over by ``db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine, pool

import immersio_booking.models  # noqa: F401  (registers every table)
from immersio_booking.db.base import Base

config = context.config
target_metadata = Base.metadata


def include_object(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Procrastinate's tables belong to its own schema script (migration 0002), not to models."""
    del obj, reflected, compare_to
    return not (
        type_ in ("table", "index")
        and (name or "").startswith(("procrastinate", "idx_procrastinate"))
    )


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection, target_metadata=target_metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url") or "", poolclass=pool.NullPool)
    with engine.connect() as conn:
        context.configure(
            connection=conn, target_metadata=target_metadata, include_object=include_object
        )
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `immersio-booking migrate`")
run_migrations_online()
