"""The test database: a scratch database on the embedded server or on DATABASE_URL's server.

Tests never touch the database that DATABASE_URL names; they create ``<name>_t<random>`` beside
it and drop it afterwards.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

from immersio_booking.config import Settings
from immersio_booking.db import embedded


def server_url(tmp_dir: Path) -> str:
    """A SQLAlchemy URL of a database on the server the tests use (not yet the scratch one)."""
    raw = os.environ.get("DATABASE_URL")
    if raw:
        normalised = Settings(database_url=raw).database_url
        assert normalised is not None
        return normalised
    return embedded.start(tmp_dir)


def libpq(url: str) -> str:
    """SQLAlchemy URL → libpq URL (psycopg.connect accepts the query's host= for sockets)."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


def create_scratch_database(url: str, label: str = "t") -> str:
    base = urlsplit(url).path.lstrip("/") or "postgres"
    name = f"{base[:40]}_{label}{secrets.token_hex(4)}"
    with psycopg.connect(libpq(with_database(url, "postgres")), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return with_database(url, name)


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    with psycopg.connect(libpq(with_database(url, "postgres")), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
