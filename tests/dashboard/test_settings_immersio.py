"""Immersio in the dashboard: an owner connects the school to the Immersio simulator (the
webhook secret shown once), tests the connection, syncs now and follows the sync log (which
polls itself with htmx while the sync runs, with a reload link without JavaScript) until the
real job has run; refused fields are shown beside them, the API key never sent back; a
teacher and another school find nothing; CSRF on every change."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.dashboard.staff import (
    Staff,
    assert_forgeries_refused,
    assert_nothing_found,
    csrf_at,
    csrf_of,
)
from tests.factories import Tenant, make_member, make_tenant
from tests.helpers import data
from tests.immersio.conftest import (
    API_KEY,
    IMMERSIO_ORG,
    FakeImmersio,
    fake_immersio,  # noqa: F401  (fixture)
    jobs_env,  # noqa: F401  (fixture)
    quick_retries,  # noqa: F401  (fixture)
)
from tests.jobs import run_jobs

IMMERSIO = "/dashboard/settings/immersio"
POLLING = 'hx-trigger="every 2s"'


def _form(csrf: str, url: str, **changes: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "immersio_org_id": IMMERSIO_ORG,
        "base_url": url,
        "api_key": API_KEY,
        "sync_interval_minutes": "60",
        **changes,
    }


async def _integration(client: httpx.AsyncClient, tenant: Tenant) -> httpx.Response:
    return await client.get(
        f"/v2/organizations/{tenant.id}/immersio/integration", headers=tenant.headers
    )


@pytest.mark.usefixtures("jobs_env")
async def test_owner_connects_syncs_now_and_follows_the_log(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
    fake_immersio: FakeImmersio,  # noqa: F811
    database_url: str,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        empty = await owner.get(IMMERSIO)
        assert "Not connected" in empty.text
        csrf = csrf_of(empty.text)
        connected = await owner.post(IMMERSIO, data=_form(csrf, fake_immersio.url))
        assert connected.status_code == 201 and connected.headers["cache-control"] == "no-store"
        assert re.search(r"data-new-secret>whsec_", connected.text)
        assert API_KEY not in connected.text
        assert data(await _integration(client, tenant))["hasApiKey"] is True

        checked = await owner.post(f"{IMMERSIO}/test", data={"csrf": csrf})
        assert "the connection works" in checked.text

        started = await owner.post(f"{IMMERSIO}/sync", data={"csrf": csrf})
        assert started.status_code == 303
        running = await owner.get(started.headers["location"])
        assert "The sync has started." in running.text and POLLING in running.text
        assert 'href="/dashboard/settings/immersio#sync-log"' in running.text  # without JS
        partial = await owner.get(f"{IMMERSIO}/sync-log", headers={"HX-Request": "true"})
        assert partial.text.lstrip().startswith('<section id="sync-log"')
        assert POLLING in partial.text and "<html" not in partial.text
        again = await owner.post(f"{IMMERSIO}/sync", data={"csrf": csrf})
        assert again.headers["location"].endswith("done=running#sync-log")

        await run_jobs(database_url)
        done = await owner.get(f"{IMMERSIO}/sync-log")
        assert POLLING not in done.text and "Running" not in done.text
        assert done.text.count("dash-state-delivered") == 3  # courses, students, teachers
        logs = data(
            await client.get(
                f"/v2/organizations/{tenant.id}/immersio/sync-logs", headers=tenant.headers
            )
        )
        assert {log["status"] for log in logs} == {"success"}

        gone = await owner.post(f"{IMMERSIO}/disconnect", data={"csrf": csrf})
        assert gone.status_code == 303
    assert (await _integration(client, tenant)).status_code == 404


async def test_refused_fields_are_shown_and_the_key_never_sent_back(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, IMMERSIO)
        for changes, field in (
            ({"base_url": "not a url"}, "base_url"),
            ({"immersio_org_id": "spaces are not ids"}, "immersio_org_id"),
            ({"sync_interval_minutes": "1"}, "sync_interval_minutes"),
            ({"api_key": ""}, "api_key"),  # a first connection needs the key
        ):
            form = _form(csrf, "http://127.0.0.1:9", **changes) | {"api_key": "s3cret-key"}
            if field == "api_key":
                form["api_key"] = ""
            refused = await owner.post(IMMERSIO, data=form)
            assert refused.status_code == 400, field
            assert f'id="{field}-error"' in refused.text, field
            assert "s3cret-key" not in refused.text
        # Sync now before connecting: nothing to sync.
        assert (await owner.post(f"{IMMERSIO}/sync", data={"csrf": csrf})).status_code == 404
    assert (await _integration(client, tenant)).status_code == 404


async def test_a_teacher_and_another_school_find_nothing_and_csrf_is_checked(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    posts = (IMMERSIO, f"{IMMERSIO}/test", f"{IMMERSIO}/sync", f"{IMMERSIO}/disconnect")
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, IMMERSIO)
        made = await owner.post(IMMERSIO, data=_form(csrf, "http://127.0.0.1:9"))
        assert made.status_code == 201
        forged = _form("", "http://127.0.0.1:9/forged")
        await assert_forgeries_refused(owner, [(path, forged) for path in posts])
    teacher = await make_member(sessionmaker, tenant)
    async with staff.signed_in(teacher.id) as page:
        taken = _form("", "http://127.0.0.1:9/teacher")
        await assert_nothing_found(
            page,
            gets=(IMMERSIO, f"{IMMERSIO}/sync-log"),
            posts=[(path, taken) for path in posts],
        )
    other = await make_tenant(sessionmaker)
    async with staff.signed_in(other.owner_id) as page:
        csrf = await csrf_at(page, IMMERSIO)
        assert (await page.post(f"{IMMERSIO}/disconnect", data={"csrf": csrf})).status_code == 404
    assert data(await _integration(client, tenant))["baseUrl"] == "http://127.0.0.1:9"
