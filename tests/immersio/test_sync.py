"""The sync against the simulator: first run, no-op re-run, changes, failures, races."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import EventType, ImmersioCourseMapping, WorkshopWhitelist
from tests.factories import Tenant
from tests.helpers import data
from tests.immersio.conftest import FakeImmersio
from tests.immersio.helpers import (
    base,
    by_type,
    connect,
    mapped_workshop,
    read_integration,
    sync_logs,
    sync_now,
    whitelist,
)
from tests.jobs import run_jobs

pytestmark = pytest.mark.usefixtures("jobs_env")


async def _rows(sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant) -> list[tuple]:  # type: ignore[type-arg]
    async with sessionmaker() as session:
        rows = await session.execute(
            select(
                WorkshopWhitelist.id,
                WorkshopWhitelist.email,
                WorkshopWhitelist.name,
                WorkshopWhitelist.immersio_student_id,
                WorkshopWhitelist.source,
            )
            .where(WorkshopWhitelist.organization_id == tenant.id)
            .order_by(WorkshopWhitelist.id)
        )
        return [tuple(r) for r in rows]


async def test_first_sync_fills_whitelists_and_marks_workshops(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    integration = await connect(client, tenant, fake_immersio)
    assert integration["syncStatus"] == "pending" and integration["webhookSecret"]
    w1 = await mapped_workshop(client, tenant, "crs_1")
    w2 = await mapped_workshop(client, tenant, "crs_2")

    logs = by_type(await sync_now(client, tenant, database_url))

    assert {k: v["status"] for k, v in logs.items()} == {
        "courses": "success",
        "students": "success",
        "teachers": "success",
    }
    assert logs["students"]["recordsProcessed"] == 20
    assert logs["courses"]["recordsProcessed"] == 5
    assert logs["students"]["completedAt"] is not None
    assert {e["email"] for e in await whitelist(client, tenant, w1["id"])} == {
        s["email"] for s in fake_immersio.students("crs_1")
    }
    assert len(await whitelist(client, tenant, w2["id"])) == 10
    async with sessionmaker() as session:
        et = await session.get(EventType, w1["id"])
        assert et is not None
        assert et.metadata_["immersio_course_id"] == "crs_1"
        assert et.metadata_["immersio_tenant_id"] == "imm-org"
        mapping = (
            await session.execute(
                select(ImmersioCourseMapping).where(ImmersioCourseMapping.event_type_id == w1["id"])
            )
        ).scalar_one()
        names = {c["id"]: c["name"] for c in fake_immersio.control("GET", "/data")["courses"]}
        assert mapping.immersio_course_name == names["crs_1"]
        assert mapping.last_student_sync is not None
    got = await read_integration(client, tenant)
    assert got["syncStatus"] == "success" and got["lastSyncAt"] and got["syncErrorMessage"] is None
    assert "webhookSecret" not in got or got["webhookSecret"] is None
    assert "apiKey" not in got


async def test_a_second_sync_with_no_changes_writes_nothing_but_its_logs(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await connect(client, tenant, fake_immersio)
    workshop = await mapped_workshop(client, tenant, "crs_1")
    await sync_now(client, tenant, database_url)
    before = await _rows(sessionmaker, tenant)
    async with sessionmaker() as session:
        et_before = (await session.get(EventType, workshop["id"])).updated_at  # type: ignore[union-attr]

    roster_reads = fake_immersio.calls()["students"]
    logs = by_type(await sync_now(client, tenant, database_url))

    assert all(log["status"] == "success" for log in logs.values())
    assert logs["students"]["recordsProcessed"] == 0  # incremental: nothing changed since
    # The course list said the roster had not changed: no call for its students at all.
    assert fake_immersio.calls()["students"] == roster_reads
    assert await _rows(sessionmaker, tenant) == before
    async with sessionmaker() as session:
        assert (await session.get(EventType, workshop["id"])).updated_at == et_before  # type: ignore[union-attr]


async def test_enrolments_and_departures_reach_the_whitelist_and_manual_rows_stay(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
) -> None:
    await connect(client, tenant, fake_immersio)
    workshop = await mapped_workshop(client, tenant, "crs_1")
    roster = fake_immersio.students("crs_1")
    leaver, also_manual = roster[0], roster[1]
    url = f"/v2/event-types/{workshop['id']}/whitelist"
    data(await client.post(url, headers=tenant.headers, json={"email": "walk-in@example.com"}), 201)
    data(await client.post(url, headers=tenant.headers, json={"email": also_manual["email"]}), 201)
    await sync_now(client, tenant, database_url)
    first = {e["email"]: e for e in await whitelist(client, tenant, workshop["id"])}
    assert first[also_manual["email"]]["source"] == "manual"  # the sync did not take it over
    assert first[leaver["email"]]["source"] == "immersio"

    fake_immersio.drop("crs_1", leaver["id"])
    fake_immersio.drop("crs_1", also_manual["id"])
    fake_immersio.enrol("crs_1", "stu_new", "newcomer@example.com", "Newcomer")
    logs = by_type(await sync_now(client, tenant, database_url, ["students"]))

    assert logs["students"]["status"] == "success"
    assert logs["students"]["recordsProcessed"] == 3
    emails = {e["email"] for e in await whitelist(client, tenant, workshop["id"])}
    assert "newcomer@example.com" in emails
    assert leaver["email"] not in emails
    assert also_manual["email"] in emails  # added by hand: never removed by the sync
    assert "walk-in@example.com" in emails
    assert len(emails) == 10 + 1 - 1 + 1


async def test_one_failing_course_makes_the_run_partial_and_leaves_its_workshop(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
) -> None:
    await connect(client, tenant, fake_immersio)
    good = await mapped_workshop(client, tenant, "crs_1")
    bad = await mapped_workshop(client, tenant, "crs_2")
    fake_immersio.faults(failingCourseIds=["crs_2"])

    logs = by_type(await sync_now(client, tenant, database_url))

    students = logs["students"]
    assert students["status"] == "partial"
    assert students["recordsFailed"] == 1
    assert students["errorDetails"][0]["courseId"] == "crs_2"
    assert len(await whitelist(client, tenant, good["id"])) == 10
    assert await whitelist(client, tenant, bad["id"]) == []
    got = await read_integration(client, tenant)
    assert got["syncStatus"] == "success" and "students" in got["syncErrorMessage"]

    fake_immersio.faults()  # healed: the next run reads the failed course in full
    logs = by_type(await sync_now(client, tenant, database_url, ["students"]))
    assert logs["students"]["status"] == "success"
    assert len(await whitelist(client, tenant, bad["id"])) == 10


async def test_a_bad_key_fails_the_run_with_a_clear_message_and_changes_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await connect(client, tenant, fake_immersio, api_key="wrong-key")
    workshop = await mapped_workshop(client, tenant, "crs_1")
    before = await _rows(sessionmaker, tenant)

    logs = by_type(await sync_now(client, tenant, database_url))

    assert {log["status"] for log in logs.values()} == {"failed"}
    assert "API key" in logs["students"]["errorDetails"][0]["message"]
    got = await read_integration(client, tenant)
    assert got["syncStatus"] == "error"
    assert "refused the API key" in got["syncErrorMessage"]
    assert got["lastSyncAt"] is None
    assert await _rows(sessionmaker, tenant) == before
    assert await whitelist(client, tenant, workshop["id"]) == []
    check = data(await client.post(f"{base(tenant)}/integration/test", headers=tenant.headers))
    assert check == {
        "ok": False,
        "reason": "immersio_key_refused",
        "message": "Immersio refused the API key.",
        "immersioOrganizationName": None,
    }


async def test_a_storm_of_429s_is_ridden_out_with_retries(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
) -> None:
    await connect(client, tenant, fake_immersio)
    workshops = [await mapped_workshop(client, tenant, f"crs_{n}") for n in (1, 2, 3)]
    # the next 5 calls are throttled: the first call of the run needs 6 attempts
    fake_immersio.faults(rateLimitNext=5, retryAfterSeconds=0.01)

    logs = by_type(await sync_now(client, tenant, database_url))

    assert {log["status"] for log in logs.values()} == {"success"}, logs
    for w in workshops:
        assert len(await whitelist(client, tenant, w["id"])) == 10
    assert sum(fake_immersio.calls().values()) == 5 + 5


@pytest.mark.race
async def test_concurrent_sync_requests_share_one_run(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
) -> None:
    await connect(client, tenant, fake_immersio)
    await mapped_workshop(client, tenant, "crs_1")
    url = f"{base(tenant)}/sync"

    answers = await asyncio.gather(
        *(client.post(url, headers=tenant.headers, json={}) for _ in range(6))
    )

    started = [data(a, 202) for a in answers]
    assert len({s["syncLogId"] for s in started}) == 1
    assert sorted(s["alreadyRunning"] for s in started) == [False] + [True] * 5
    await run_jobs(database_url)
    logs = await sync_logs(client, tenant)
    assert len(logs) == 3  # one run: one log per sync type
    assert fake_immersio.calls()["students"] == 1
    again = data(await client.post(url, headers=tenant.headers, json={}), 202)
    assert again["alreadyRunning"] is False  # the first run is over


async def test_the_scheduler_opens_a_sync_when_the_interval_has_passed(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
) -> None:
    from immersio_booking.immersio.tasks import schedule_immersio_syncs

    integration = await connect(client, tenant, fake_immersio)
    workshop = await mapped_workshop(client, tenant, "crs_1")
    await schedule_immersio_syncs(timestamp=0)
    assert await sync_logs(client, tenant) == []  # sync not enabled

    body = {
        "immersioOrgId": integration["immersioOrgId"],
        "baseUrl": fake_immersio.url,
        "syncEnabled": True,
        "syncIntervalMinutes": 5,
    }
    data(await client.put(f"{base(tenant)}/integration", headers=tenant.headers, json=body))
    await schedule_immersio_syncs(timestamp=0)
    await run_jobs(database_url)
    logs = await sync_logs(client, tenant)
    assert sorted(log["status"] for log in logs) == ["success"] * 3
    assert len(await whitelist(client, tenant, workshop["id"])) == 10

    await schedule_immersio_syncs(timestamp=0)  # within the interval: nothing new
    assert len(await sync_logs(client, tenant)) == 3


async def test_a_mapping_added_after_a_sync_gets_its_course_name_on_the_next(
    client: httpx.AsyncClient,
    tenant: Tenant,
    fake_immersio: FakeImmersio,
    database_url: str,
) -> None:
    await connect(client, tenant, fake_immersio)
    await mapped_workshop(client, tenant, "crs_1")
    await sync_now(client, tenant, database_url)
    await mapped_workshop(client, tenant, "crs_4")
    await sync_now(client, tenant, database_url)
    names = {c["id"]: c["name"] for c in fake_immersio.control("GET", "/data")["courses"]}
    mappings = data(await client.get(f"{base(tenant)}/course-mappings", headers=tenant.headers))
    assert {m["immersioCourseId"]: m["immersioCourseName"] for m in mappings} == {
        "crs_1": names["crs_1"],
        "crs_4": names["crs_4"],
    }
