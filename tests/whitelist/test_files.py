"""Whitelist CSV import and export; a synced whitelist decides who may book."""

from __future__ import annotations

import httpx
import pytest

from tests import dates
from tests.bookings.helpers import MONDAY, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.immersio.conftest import FakeImmersio
from tests.immersio.helpers import connect, mapped_workshop, sync_now


async def test_import_keeps_valid_rows_and_reports_each_bad_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await workshop(client, tenant)
    url = f"/v2/event-types/{et['id']}/whitelist"
    data(await client.post(url, headers=tenant.headers, json={"email": "old@example.com"}), 201)
    csv_text = (
        "email,name,immersio_student_id\n"
        "ana@example.com,Ana,stu_1\n"
        "not-an-email,Bad,\n"
        " BEN@example.com ,Ben,\n"
        "ana@example.com,Ana again,\n"
        "old@example.com,Old,\n"
    )
    result = data(
        await client.post(
            f"{url}/import",
            headers={**tenant.headers, "content-type": "text/csv"},
            content=csv_text.encode(),
        )
    )
    assert result["imported"] == 2
    assert [(e["line"], e["reason"]) for e in result["errors"]] == [
        (3, "invalid_email"),
        (5, "duplicate_in_file"),
        (6, "already_whitelisted"),
    ]
    export = await client.get(f"{url}/export", headers=tenant.headers)
    assert export.status_code == 200
    assert export.headers["content-type"].startswith("text/csv")
    assert export.text.splitlines() == [
        "email,name,immersio_student_id",
        "old@example.com,,",
        "ana@example.com,Ana,stu_1",
        "ben@example.com,Ben,",
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"name\nAna\n", "csv_header_missing"), (b"\xff\xfe\x00bad", "csv_not_utf8")],
)
async def test_import_refuses_files_it_cannot_read(
    client: httpx.AsyncClient, tenant: Tenant, content: bytes, reason: str
) -> None:
    et = await workshop(client, tenant)
    r = await client.post(
        f"/v2/event-types/{et['id']}/whitelist/import", headers=tenant.headers, content=content
    )
    assert_error(r, 400, reason)


@pytest.mark.usefixtures("jobs_env")
async def test_a_synced_whitelist_accepts_enrolled_students_and_refuses_others(
    client: httpx.AsyncClient, tenant: Tenant, fake_immersio: FakeImmersio, database_url: str
) -> None:
    await teacher_hours(client, tenant)
    await connect(client, tenant, fake_immersio)
    et = await mapped_workshop(client, tenant, "crs_1", registration_mode="whitelist")
    await sync_now(client, tenant, database_url)
    enrolled = fake_immersio.students("crs_1")[0]["email"]

    def booking(email: str) -> dict[str, object]:
        return {
            "eventTypeId": et["id"],
            "start": dates.at(MONDAY, "10:00"),
            "attendee": student(email),
        }

    assert_error(
        await client.post("/v2/bookings", json=booking("stranger@example.com")),
        403,
        "not_whitelisted",
    )
    data(await client.post("/v2/bookings", json=booking(enrolled.upper())), 201)
