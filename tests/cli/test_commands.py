"""The real ``immersio-booking`` command, run as a process against a real database.

Embedded runs give the CLI its own data directory, hence its own embedded server (stopped at the
end of the module); runs with DATABASE_URL give it a scratch database on that server.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from immersio_booking.app import create_app
from immersio_booking.auth.keys import hash_key
from immersio_booking.config import Settings
from immersio_booking.db import embedded, migrate
from immersio_booking.db.session import make_engine
from immersio_booking.fakes.served import BackgroundServer
from tests import database, versions
from tests.factories import auth, unique

EXTERNAL = bool(os.environ.get("DATABASE_URL"))

# One test process runs this whole module, in order (make test runs several, pytest-xdist): its
# module fixtures are one CLI data dir and school, and the last test stops that data dir's server.
pytestmark = pytest.mark.xdist_group("cli")


@dataclass
class Cli:
    env: dict[str, str]
    data_dir: Path
    url: str  # the SQLAlchemy URL of the CLI's database, as `db url` prints it

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "immersio_booking.cli", *args]

    def run(self, *args: str, ok: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.command(*args), env=self.env, capture_output=True, text=True, timeout=120
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def run_together(self, *commands: list[str]) -> list[subprocess.CompletedProcess[str]]:
        """Independent commands at once (each one is mostly interpreter start-up)."""
        started = [
            (
                args,
                subprocess.Popen(
                    self.command(*args),
                    env=self.env,
                    text=True,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                ),
            )
            for args in commands
        ]
        done = []
        for args, process in started:
            stdout, stderr = process.communicate(timeout=120)
            done.append(subprocess.CompletedProcess(args, process.returncode, stdout, stderr))
        return done

    def json(self, *args: str) -> Any:
        """The command's whole stdout, parsed: it must be exactly one JSON document."""
        return json.loads(self.run(*args, "--json").stdout)

    def sql(self, query: str, *params: object) -> list[tuple[Any, ...]]:
        with psycopg.connect(database.libpq(self.url), autocommit=True) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else []


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    data_dir = tmp_path_factory.mktemp("cli-data")
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["IMMERSIO_DATA_DIR"] = str(data_dir)
    scratch = None
    if EXTERNAL:
        scratch = database.create_scratch_database(database.server_url(data_dir), label="cli")
        env["DATABASE_URL"] = scratch
    probe = Cli(env, data_dir, url="")
    try:
        url = probe.run("db", "url").stdout.strip()  # starts the embedded server
        yield Cli(env, data_dir, url)
    finally:
        if scratch is not None:
            database.drop_database(scratch)
        elif embedded.status(data_dir)["running"]:
            probe.run("db", "stop")  # no postgres is left behind


@pytest.fixture(scope="module")
def school(cli: Cli) -> dict[str, Any]:
    """A tenant made with ``admin create-organization --json``."""
    slug = unique("cli")
    payload: dict[str, Any] = cli.json(
        "admin",
        "create-organization",
        "--name",
        "CLI School",
        "--slug",
        slug,
        "--owner-email",
        f"Owner@{slug}.example.com",
        "--owner-name",
        "Olga Owner",
        "--plan",
        "starter",
    )
    return payload


@pytest.fixture
async def api(cli: Cli) -> AsyncIterator[httpx.AsyncClient]:
    """The API on the CLI's database, to prove the printed keys work."""
    engine = make_engine(cli.url, pool_size=2, max_overflow=0)
    settings = Settings(data_dir=cli.data_dir, database_url=cli.url, log_level="WARNING")
    transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        yield client
    await engine.dispose()


def test_migrate_prints_the_head_revision(cli: Cli) -> None:
    head = migrate.head_revision()
    assert cli.run("migrate").stdout.strip() == f"schema at revision {head}"
    assert cli.sql("SELECT version_num FROM alembic_version") == [(head,)]


async def test_create_organization_prints_one_json_object_with_a_working_key(
    cli: Cli, school: dict[str, Any], api: httpx.AsyncClient
) -> None:
    assert set(school) == {"organization", "owner", "api_key"}
    assert set(school["organization"]) == {"id", "slug"}
    assert set(school["owner"]) == {"id", "email"}
    assert isinstance(school["organization"]["id"], int) and isinstance(school["owner"]["id"], int)
    slug = school["organization"]["slug"]
    assert school["owner"]["email"] == f"owner@{slug}.example.com"
    assert cli.sql(
        "SELECT user_id FROM api_keys WHERE hashed_key = %s", hash_key(school["api_key"])
    ) == [(school["owner"]["id"],)]
    assert cli.sql(
        "SELECT plan_type FROM tenant_subscriptions WHERE tenant_id = %s",
        school["organization"]["id"],
    ) == [("starter",)]

    me = await api.get("/v2/me", headers=auth(school["api_key"]))
    assert me.status_code == 200, me.text
    assert me.json()["data"]["organizationId"] == school["organization"]["id"]
    assert [m["role"] for m in me.json()["data"]["memberships"]] == ["OWNER"]


def test_create_organization_refuses_a_taken_slug_and_bad_input(
    cli: Cli, school: dict[str, Any]
) -> None:
    slug = school["organization"]["slug"]
    taken, bad = cli.run_together(
        [
            "admin",
            "create-organization",
            "--name",
            "Copy",
            "--slug",
            slug,
            "--owner-email",
            f"other@{slug}.example.com",
            "--json",
        ],
        [
            "admin",
            "create-organization",
            "--name",
            "Bad",
            "--slug",
            "Not OK",
            "--owner-email",
            "not-an-email",
            "--plan",
            "gold",
            "--json",
        ],
    )
    assert taken.returncode != 0 and taken.stdout == ""
    assert slug in taken.stderr and "taken" in taken.stderr
    assert cli.sql("SELECT count(*) FROM users WHERE email = %s", f"other@{slug}.example.com") == [
        (0,)
    ]

    assert bad.returncode != 0 and bad.stdout == ""
    for option in ("--slug", "--owner-email", "--plan"):
        assert option in bad.stderr


async def test_create_api_key_for_a_user_and_not_for_a_stranger(
    cli: Cli, school: dict[str, Any], api: httpx.AsyncClient
) -> None:
    ok, stranger = cli.run_together(
        ["admin", "create-api-key", "--email", school["owner"]["email"].upper(), "--json"],
        ["admin", "create-api-key", "--email", "nobody@example.com", "--json"],
    )
    assert ok.returncode == 0, ok.stderr
    issued = json.loads(ok.stdout)
    assert set(issued) == {"api_key", "user_id"}
    assert issued["user_id"] == school["owner"]["id"]
    assert issued["api_key"] != school["api_key"]
    me = await api.get("/v2/me", headers=auth(issued["api_key"]))
    assert me.json()["data"]["id"] == school["owner"]["id"]

    assert stranger.returncode != 0 and stranger.stdout == ""
    assert "nobody@example.com" in stranger.stderr


def test_create_platform_admin_creates_then_promotes(cli: Cli, school: dict[str, Any]) -> None:
    email = f"{unique('root')}@platform.example.com"
    owner = school["owner"]["email"]
    runs = cli.run_together(
        ["admin", "create-platform-admin", "--email", email, "--json"],
        ["admin", "create-platform-admin", "--email", owner, "--json"],
    )
    assert [done.returncode for done in runs] == [0, 0], [done.stderr for done in runs]
    created, promoted = (json.loads(done.stdout) for done in runs)
    assert set(created) == set(promoted) == {"api_key"}
    assert cli.sql(
        "SELECT u.email, u.is_platform_admin, u.organization_id FROM users u"
        " JOIN api_keys k ON k.user_id = u.id WHERE k.hashed_key = %s",
        hash_key(created["api_key"]),
    ) == [(email, True, None)]
    # An existing user is promoted, not duplicated.
    assert cli.sql(
        "SELECT u.id, u.is_platform_admin FROM users u"
        " JOIN api_keys k ON k.user_id = u.id WHERE k.hashed_key = %s",
        hash_key(promoted["api_key"]),
    ) == [(school["owner"]["id"], True)]


async def test_demo_is_idempotent_and_keeps_its_key(cli: Cli, api: httpx.AsyncClient) -> None:
    first = cli.json("demo")
    second = cli.json("demo")
    # The owner's dashboard sign-in link is new (one-time) on every run; the rest is the same.
    links = (first.pop("sign_in_url"), second.pop("sign_in_url"))
    assert links[0] != links[1]
    assert all("/dashboard/sign-in/link?token=" in link for link in links)
    assert first == second
    org = first["organization"]["id"]
    assert first["organization"]["slug"] == "immersio-academy"
    assert len(first["teachers"]) == 2 and len(first["workshops"]) == 3

    key_file = cli.data_dir / "demo-api-key.txt"
    assert key_file.read_text().strip() == first["api_key"]
    assert key_file.stat().st_mode & 0o777 == 0o600
    me = await api.get("/v2/me", headers=auth(first["api_key"]))
    assert me.json()["data"]["email"] == first["owner"]["email"]

    counts = {
        table: cli.sql(f"SELECT count(*) FROM {table} WHERE organization_id = %s", org)[0][0]
        for table in (
            "users",
            "event_types",
            "schedules",
            "availability",
            "workshop_whitelist",
            "workflows",
        )
    }
    assert counts == {
        "users": 3,
        "event_types": 3,
        "schedules": 2,
        "availability": 2,
        "workshop_whitelist": 2,
        "workflows": 2,
    }
    assert cli.sql(
        "SELECT w.trigger, w.time, w.time_unit, w.is_active_on_all, s.action"
        " FROM workflows w JOIN workflow_steps s ON s.workflow_id = w.id"
        " WHERE w.organization_id = %s ORDER BY w.time DESC",
        org,
    ) == [
        ("BEFORE_EVENT", 24, "HOUR", True, "EMAIL_ATTENDEE"),
        ("BEFORE_EVENT", 1, "HOUR", True, "EMAIL_ATTENDEE"),
    ]
    assert cli.sql(
        "SELECT u.email, a.days, a.start_time::text, a.end_time::text, s.time_zone"
        " FROM users u JOIN schedules s ON s.id = u.default_schedule_id"
        " JOIN availability a ON a.schedule_id = s.id"
        " WHERE u.organization_id = %s ORDER BY u.email",
        org,
    ) == [
        ("kenji@immersio-academy.example.com", 62, "09:00:00", "17:00:00", "Asia/Tokyo"),
        ("marie@immersio-academy.example.com", 62, "09:00:00", "17:00:00", "Europe/Paris"),
    ]
    assert cli.sql(
        "SELECT template_id, is_published FROM tenant_landing_settings WHERE tenant_id = %s", org
    ) == [("education", True)]

    # A lost key file gets a new key, which is kept from then on.
    key_file.unlink()
    third = cli.json("demo")
    del third["sign_in_url"]
    assert third["api_key"] != first["api_key"]
    assert {**third, "api_key": None} == {**first, "api_key": None}
    assert key_file.read_text().strip() == third["api_key"]


async def test_worker_purges_dead_api_keys_then_stops_on_sigterm(
    cli: Cli, school: dict[str, Any]
) -> None:
    from immersio_booking.jobs.app import bound_to
    from immersio_booking.jobs.maintenance import purge_expired_api_keys

    owner = school["owner"]["id"]
    # note → (revoked this long ago, expired this long ago)
    dead = {
        "revoked 40 days ago": ("40 days", None),
        "expired 31 days ago": (None, "31 days"),
        "expired 40 days ago, revoked yesterday": ("1 day", "40 days"),
    }
    alive = {"revoked 5 days ago": ("5 days", None)}
    for note, (revoked, expired) in {**dead, **alive}.items():
        cli.sql(
            "INSERT INTO api_keys (user_id, hashed_key, prefix, note, revoked_at, expires_at)"
            " VALUES (%s, %s, 'cal_live_x', %s, now() - %s::interval, now() - %s::interval)",
            owner,
            hash_key(unique("dead")),
            note,
            revoked,
            expired,
        )
    with bound_to(cli.url) as job_app:
        async with job_app.open_async():
            await purge_expired_api_keys.defer_async(timestamp=0)

    worker = subprocess.Popen(
        cli.command("worker", "--concurrency", "1"),
        env=cli.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Generous: the worker process imports the app first, slow on a loaded machine.
        deadline = time.monotonic() + 90
        notes: set[str] = set(dead)
        while time.monotonic() < deadline and notes & set(dead):
            time.sleep(0.2)
            rows = cli.sql("SELECT note FROM api_keys WHERE user_id = %s", owner)
            notes = {note for (note,) in rows}
    finally:
        worker.send_signal(signal.SIGTERM)
        _, stderr = worker.communicate(timeout=30)
    assert not notes & set(dead), stderr
    assert set(alive) <= notes, "a key revoked 5 days ago is kept"
    assert worker.returncode == 0, stderr
    assert "Stopped worker" in stderr


def test_immersio_sync_of_the_demo_school_fills_its_french_club(cli: Cli) -> None:
    """The demo school is connected to the simulator; `immersio sync` runs it in place."""
    from immersio_booking.fakes import immersio as simulator

    school = cli.json("demo")["organization"]
    fake = BackgroundServer(simulator.create_simulator()).start()
    try:
        # The demo points at 127.0.0.1:8100; this test's simulator is on a free port.
        cli.sql(
            "UPDATE immersio_integrations SET base_url = %s WHERE tenant_id = %s",
            fake.url,
            school["id"],
        )
        # The worker of an earlier test may have queued the demo's scheduled sync (it is
        # enabled) and stopped before running it: that sync would be "already running".
        cli.sql(
            "UPDATE immersio_sync_logs SET status = 'failed', completed_at = now()"
            " WHERE tenant_id = %s AND status = 'running'",
            school["id"],
        )
        env = {**cli.env, "IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS": "true"}
        done = subprocess.run(
            cli.command("immersio", "sync", "--org", school["slug"], "--json"),
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        fake.stop()
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert {k: r["status"] for k, r in report["results"].items()} == {
        "courses": "success",
        "students": "success",
        "teachers": "success",
    }
    assert report["results"]["students"]["processed"] == 12
    synced = cli.sql(
        "SELECT count(*) FROM workshop_whitelist w JOIN event_types e ON e.id = w.event_type_id"
        " WHERE e.slug = 'kids-french-club' AND w.organization_id = %s AND w.source = 'immersio'",
        school["id"],
    )
    assert synced == [(12,)]
    unknown = cli.run("immersio", "sync", "--org", "no-such-school", ok=False)
    assert unknown.returncode == 1 and "no organization" in unknown.stderr


def test_db_status_and_stop(cli: Cli) -> None:
    status = json.loads(cli.run("db", "status").stdout)
    if EXTERNAL:
        assert status == {"embedded": False, "reachable": True}
        assert cli.run("db", "stop", ok=False).returncode != 0
        return
    assert status["embedded"] is True and status["running"] is True
    assert isinstance(status["pid"], int)
    assert cli.run("db", "stop").stdout.strip() == "stopped"
    assert embedded.status(cli.data_dir)["running"] is False
