"""The real ``immersio-booking`` command, run as a process against a real database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from immersio_booking.auth.keys import hash_key
from tests import database
from tests.factories import unique


@pytest.fixture(scope="module")
def cli_env(
    tmp_path_factory: pytest.TempPathFactory, database_url: str
) -> Iterator[dict[str, str]]:
    """Embedded runs give the CLI its own embedded server; external runs the test database."""
    data_dir = tmp_path_factory.mktemp("cli-data")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["IMMERSIO_DATA_DIR"] = str(data_dir)
    if os.environ.get("DATABASE_URL"):
        env["DATABASE_URL"] = database_url
    yield env
    if "DATABASE_URL" not in env:
        run(env, "db", "stop")


def run(env: dict[str, str], *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "immersio_booking.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if ok:
        assert done.returncode == 0, done.stderr
    return done


def db_url(env: dict[str, str]) -> str:
    return database.libpq(run(env, "db", "url").stdout.strip())


def test_migrate_prints_head(cli_env: dict[str, str]) -> None:
    from immersio_booking.db import migrate

    assert run(cli_env, "migrate").stdout.strip().endswith(str(migrate.head_revision()))


def test_create_organization_prints_one_json_object_with_a_working_key(
    cli_env: dict[str, str],
) -> None:
    slug = unique("cli")
    done = run(
        cli_env,
        "admin",
        "create-organization",
        "--name",
        "CLI School",
        "--slug",
        slug,
        "--owner-email",
        f"Owner@{slug}.example.com",
        "--plan",
        "starter",
        "--json",
    )
    payload = json.loads(done.stdout)  # the whole stdout is one JSON object
    assert set(payload) == {"organization", "owner", "api_key"}
    assert payload["organization"]["slug"] == slug and isinstance(
        payload["organization"]["id"], int
    )
    assert payload["owner"]["email"] == f"owner@{slug}.example.com"
    with psycopg.connect(db_url(cli_env)) as conn:
        row = conn.execute(
            "SELECT user_id FROM api_keys WHERE hashed_key = %s", (hash_key(payload["api_key"]),)
        ).fetchone()
        assert row == (payload["owner"]["id"],)
        plan = conn.execute(
            "SELECT plan_type FROM tenant_subscriptions WHERE tenant_id = %s",
            (payload["organization"]["id"],),
        ).fetchone()
        assert plan == ("starter",)

    again = run(
        cli_env,
        "admin",
        "create-organization",
        "--name",
        "X",
        "--slug",
        slug,
        "--owner-email",
        f"other@{slug}.example.com",
        "--json",
        ok=False,
    )
    assert again.returncode != 0 and again.stdout == ""
    assert "slug" in again.stderr and "taken" in again.stderr
    bad = run(
        cli_env,
        "admin",
        "create-organization",
        "--name",
        "X",
        "--slug",
        "Not OK",
        "--owner-email",
        "x@example.com",
        "--json",
        ok=False,
    )
    assert bad.returncode != 0 and "slug" in bad.stderr

    key = json.loads(
        run(
            cli_env, "admin", "create-api-key", "--email", payload["owner"]["email"], "--json"
        ).stdout
    )
    assert key["user_id"] == payload["owner"]["id"] and key["api_key"].startswith("cal_live_")
    missing = run(
        cli_env, "admin", "create-api-key", "--email", "nobody@example.com", "--json", ok=False
    )
    assert missing.returncode != 0 and "nobody@example.com" in missing.stderr


def test_platform_admin(cli_env: dict[str, str]) -> None:
    email = f"{unique('root')}@platform.example.com"
    payload = json.loads(
        run(cli_env, "admin", "create-platform-admin", "--email", email, "--json").stdout
    )
    assert set(payload) == {"api_key"}
    with psycopg.connect(db_url(cli_env)) as conn:
        assert conn.execute(
            "SELECT u.is_platform_admin FROM users u JOIN api_keys k ON k.user_id = u.id"
            " WHERE k.hashed_key = %s",
            (hash_key(payload["api_key"]),),
        ).fetchone() == (True,)


def test_demo_is_idempotent_and_keeps_its_key(cli_env: dict[str, str]) -> None:
    first = json.loads(run(cli_env, "demo", "--json").stdout)
    second = json.loads(run(cli_env, "demo", "--json").stdout)
    assert first == second
    assert first["organization"]["slug"] == "immersio-academy"
    key_file = Path(cli_env["IMMERSIO_DATA_DIR"]) / "demo-api-key.txt"
    assert key_file.read_text().strip() == first["api_key"]
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    with psycopg.connect(db_url(cli_env)) as conn:
        org = first["organization"]["id"]
        counts = [
            conn.execute(f"SELECT count(*) FROM {table} WHERE {key} = %s", (org,)).fetchone()
            for table, key in (
                ("event_types", "organization_id"),
                ("users", "organization_id"),
                ("tenant_landing_settings", "tenant_id"),
                ("workshop_whitelist", "organization_id"),
            )
        ]
        assert counts == [(3,), (3,), (1,), (2,)]
        published = conn.execute(
            "SELECT is_published FROM tenant_landing_settings WHERE tenant_id = %s", (org,)
        ).fetchone()
        assert published == (True,)


def test_db_status(cli_env: dict[str, str]) -> None:
    status = json.loads(run(cli_env, "db", "status").stdout)
    if "DATABASE_URL" in cli_env:
        assert status == {"embedded": False}
    else:
        assert status["embedded"] is True and status["running"] is True
