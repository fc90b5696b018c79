"""Secrets stay secret: text logs, database error logs, key rotation, the Stripe CLI, /metrics."""

from __future__ import annotations

import asyncio
import re
import traceback
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet
from fastapi import Request
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from immersio_booking.app import create_app
from immersio_booking.cli import app as cli_app
from immersio_booking.config import Settings
from immersio_booking.db import migrate
from immersio_booking.db.session import make_engine, make_sessionmaker
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.payments import credentials
from immersio_booking.workflows.texting import LoggingTextSender
from tests import database, versions
from tests.factories import Tenant, make_tenant
from tests.helpers import assert_error, data
from tests.jobs import job_environment
from tests.payments.helpers import connect_stripe
from tests.workflows.test_reminders import info_logs

SECRET = "sk_live_VerySecret0123456789"
FERNET = re.compile(r"gAAAAA[A-Za-z0-9_\-=]+")


def logged(entries: list[dict[str, Any]]) -> str:
    """Everything the entries would put in a log line, tracebacks included."""
    out = []
    for entry in entries:
        out.append(repr(entry))
        exc = entry.get("exc_info")
        if isinstance(exc, BaseException):
            out.extend(traceback.format_exception(exc))
        elif isinstance(exc, tuple) and exc[1] is not None:
            out.extend(traceback.format_exception(exc[1]))
    return "\n".join(out)


# --- the logging SMS provider -----------------------------------------------------------------


async def test_the_logging_text_provider_hides_numbers_and_tokens() -> None:
    body = (
        "Reminder: Conversation on Monday at 11:00. Manage your booking:"
        " https://book.example.com/booking/Xy7uid_secret/manage?token=1797282946.SiGnAtUrE-42"
        " Invited? https://book.example.com/school/w?invitation=1797.InViTe&email=ada%40x.com"
        " Questions: +33 6 12 34 56 78"
    )
    with info_logs() as entries:
        reference = await LoggingTextSender().send("sms", "+14155550123", body, "Academy")
    (entry,) = [e for e in entries if e["event"] == "text_message"]
    shown = repr(entry) + reference
    for secret in ("SiGnAtUrE", "Xy7uid_secret", "InViTe", "ada%40x.com", "4155550", "12 34 56"):
        assert secret not in shown, secret
    assert entry["to"].endswith("23") and entry["to"] != "+14155550123"
    assert "Reminder: Conversation on Monday at 11:00." in entry["body"]
    assert "https://book.example.com/booking/" in entry["body"]  # still says what it was


# --- database errors --------------------------------------------------------------------------


async def test_database_errors_do_not_carry_their_bound_values(engine: AsyncEngine) -> None:
    async with engine.connect() as conn:
        with pytest.raises(DBAPIError) as caught:
            await conn.execute(text("SELECT 1 / 0 WHERE CAST(:v AS text) <> ''"), {"v": SECRET})
    assert SECRET not in str(caught.value) and SECRET not in repr(caught.value)


async def test_an_unexpected_database_error_is_logged_without_values(
    settings: Settings, engine: AsyncEngine
) -> None:
    app = create_app(settings, engine=engine)

    async def leaky(request: Request) -> None:
        async with request.app.state.sessionmaker() as session:
            # PostgreSQL quotes the offending name in its message: a value in the error text
            await session.execute(text("SELECT set_config(:name, 'x', false)"), {"name": SECRET})

    app.add_api_route("/_leaky", leaky)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        with info_logs() as entries:
            answer = await client.get("/_leaky")
    assert_error(answer, 500, "internal_error")
    assert SECRET not in answer.text
    shown = logged(entries)
    assert "database_error" in shown and SECRET not in shown


# --- key rotation and the Stripe CLI: on a database of their own --------------------------------


@dataclass
class Scratch:
    url: str
    settings: Settings
    sessionmaker: async_sessionmaker[AsyncSession]
    client: httpx.AsyncClient
    tenant: Tenant


@pytest.fixture
def scratch_url(server_url: str) -> Iterator[str]:
    """A database of its own: rotation rewrites every row, whatever keys other tests used."""
    url = database.create_scratch_database(server_url, "keys")
    migrate.upgrade(url)
    yield url
    database.drop_database(url)


@pytest.fixture
async def scratch(scratch_url: str, settings: Settings) -> AsyncIterator[Scratch]:
    own = settings.model_copy(
        update={"database_url": scratch_url, "encryption_keys": Fernet.generate_key().decode()}
    )
    engine = make_engine(scratch_url, pool_size=2, max_overflow=0)
    sessionmaker = make_sessionmaker(engine)
    app = create_app(own, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(
        transport=transport, base_url="http://testserver", event_hooks=versions.HOOKS
    ) as client:
        app.state.engine, app.state.sessionmaker = engine, sessionmaker
        yield Scratch(scratch_url, own, sessionmaker, client, await make_tenant(sessionmaker))
    await engine.dispose()


def cli(
    scratch: Scratch, data_dir: Path, *args: str, keys: str, stdin: str = "", **env: str
) -> Any:
    """The real command line, in a thread (it runs its own event loop), on the scratch base."""
    with job_environment(scratch.url, data_dir, IMMERSIO_ENCRYPTION_KEYS=keys, **env):
        return CliRunner().invoke(cli_app, list(args), input=stdin, catch_exceptions=False)


async def sealed_values(scratch: Scratch) -> list[tuple[str, str]]:
    """Every Fernet token stored anywhere in the database: (table.column, token)."""
    found = []
    async with scratch.sessionmaker() as session:
        columns = (
            await session.execute(
                text(
                    "SELECT table_name, column_name FROM information_schema.columns"
                    " WHERE table_schema = 'public'"
                    " AND data_type IN ('text', 'character varying', 'json', 'jsonb')"
                )
            )
        ).all()
        for table, column in columns:
            rows = await session.execute(
                text(f'SELECT "{column}"::text FROM "{table}" WHERE "{column}"::text LIKE :p'),
                {"p": "%gAAAAA%"},
            )
            for (value,) in rows:
                found += [(f"{table}.{column}", token) for token in FERNET.findall(value)]
    return found


async def test_rotate_keys_reencrypts_every_sealed_secret(scratch: Scratch, data_dir: Path) -> None:
    client, tenant = scratch.client, scratch.tenant
    await connect_stripe(client, tenant)
    data(
        await client.put(
            f"/v2/organizations/{tenant.id}/immersio/integration",
            headers=tenant.headers,
            json={"immersioOrgId": "imm-1", "baseUrl": "http://127.0.0.1:9", "apiKey": "imm_key"},
        )
    )
    data(
        await client.post(
            f"/v2/organizations/{tenant.id}/webhooks",
            headers=tenant.headers,
            json={
                "subscriberUrl": "http://127.0.0.1:9/hook",
                "triggers": ["BOOKING_CREATED"],
                "secret": "hook-secret-123",
            },
        ),
        201,
    )
    sealed = await sealed_values(scratch)
    assert {place for place, _ in sealed} == {
        "credentials.key",  # the Stripe secret key and webhook secret
        "immersio_integrations.api_key_encrypted",
        "immersio_integrations.webhook_secret",
        "webhooks.secret",
    }
    old = scratch.settings.encryption_keys or ""
    new = Fernet.generate_key().decode()
    done = await asyncio.to_thread(
        cli, scratch, data_dir, "admin", "rotate-keys", "--json", keys=f"{new},{old}"
    )
    assert done.exit_code == 0, done.output
    only_new = SecretBox([new])
    for place, token in await sealed_values(scratch):
        try:
            only_new.open(token)
        except ValueError:
            pytest.fail(f"{place} is still sealed with the old key after rotate-keys")


async def test_connect_stripe_takes_its_secrets_from_stdin_or_the_environment(
    scratch: Scratch, data_dir: Path
) -> None:
    keys = scratch.settings.encryption_keys or ""
    base = (
        "admin",
        "connect-stripe",
        "--org",
        scratch.tenant.slug,
        "--publishable-key",
        "pk_test_abc",
    )
    refused = await asyncio.to_thread(
        cli,
        scratch,
        data_dir,
        *base,
        "--secret-key",
        SECRET,
        "--webhook-secret",
        "whsec_x",
        keys=keys,
    )
    assert refused.exit_code == 2 and "stdin" in refused.output
    missing = await asyncio.to_thread(cli, scratch, data_dir, *base, keys=keys)
    assert missing.exit_code == 2 and "IMMERSIO_STRIPE_SECRET_KEY" in missing.output
    for how in ("stdin", "environment"):
        key = f"sk_test_{how}_0123456789"
        if how == "stdin":
            args = (*base, "--secret-key-stdin", "--webhook-secret-stdin", "--json")
            done = await asyncio.to_thread(
                cli, scratch, data_dir, *args, keys=keys, stdin=f"{key}\nwhsec_{how}\n"
            )
        else:
            done = await asyncio.to_thread(
                cli,
                scratch,
                data_dir,
                *base,
                "--json",
                keys=keys,
                IMMERSIO_STRIPE_SECRET_KEY=key,
                IMMERSIO_STRIPE_WEBHOOK_SECRET=f"whsec_{how}",
            )
        assert done.exit_code == 0, done.output
        assert key not in done.output  # shown masked
        async with scratch.sessionmaker() as session:
            row = await credentials.stripe_credential(session, scratch.tenant.id)
            assert row is not None
            opened = credentials.opened(SecretBox([keys]), row)
        assert (opened["secret_key"], opened["webhook_secret"]) == (key, f"whsec_{how}")


# --- /metrics ---------------------------------------------------------------------------------


async def metrics_with(settings: Settings, engine: AsyncEngine, **update: Any) -> httpx.AsyncClient:
    app = create_app(settings.model_copy(update=update), engine=engine)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_metrics_need_the_token_when_one_is_set(
    settings: Settings, engine: AsyncEngine
) -> None:
    token = "m" * 32
    async with await metrics_with(settings, engine, metrics_token=token) as client:
        assert_error(await client.get("/metrics"), 401, "metrics_token_required")
        for wrong in ("Bearer nope", f"Basic {token}", f"Bearer {token}x"):
            answer = await client.get("/metrics", headers={"Authorization": wrong})
            assert_error(answer, 401, "metrics_token_required")
        shown = await client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert shown.status_code == 200 and "immersio_http_requests_total" in shown.text


async def test_metrics_are_not_served_in_production_without_a_token(
    settings: Settings, engine: AsyncEngine
) -> None:
    production = {
        "environment": "production",
        "secret_key": "s" * 32,
        "encryption_keys": Fernet.generate_key().decode(),
    }
    async with await metrics_with(settings, engine, **production) as client:
        answer = await client.get("/metrics")
        assert answer.status_code == 404 and "immersio_http" not in answer.text
