"""The school's attendance report: per workshop and per student, JSON and a CSV that is
safe to open in a spreadsheet; OWNER/ADMIN of the school only."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, student, teacher_hours, workshop
from tests.dates import DAY
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data

START = dates.instant(MONDAY, "10:00")


async def _school_term(
    client: httpx.AsyncClient, tenant: Tenant
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A seated workshop (two students, one absent) and a private lesson (one student,
    present); a later session of the seated one has not started yet."""
    await teacher_hours(client, tenant)
    group = await workshop(client, tenant, title='=HYPERLINK("x") Group', seats=seating(3))
    lesson = await workshop(client, tenant, title="Lesson")
    for who in ("ana@example.com", "bo@example.com"):
        data(await book(client, group["id"], dates.at(MONDAY), attendee=student(who)), 201)
    data(
        await book(
            client, group["id"], dates.at(MONDAY + 7 * DAY), attendee=student("ana@example.com")
        ),
        201,
    )
    data(
        await book(
            client,
            lesson["id"],
            dates.at(MONDAY, "14:00"),
            attendee=student("ana@example.com", name="Ana"),
        ),
        201,
    )
    return group, lesson


async def test_report_per_workshop_and_student_json_and_csv(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    group, lesson = await _school_term(client, tenant)
    rows = data(
        await client.get(
            "/v2/bookings", headers=tenant.headers, params={"eventTypeId": group["id"]}
        )
    )
    seat = rows[0]["uid"]
    url = f"/v2/organizations/{tenant.id}/attendance"
    with clock.frozen(START + DAY):
        data(
            await client.post(
                f"/v2/bookings/{seat}/mark-absent",
                json={"attendees": [{"email": "bo@example.com", "absent": True}]},
                headers=tenant.headers,
            )
        )
        report = data(await client.get(url, headers=tenant.headers))
        by_workshop = {w["eventTypeId"]: w for w in report["byWorkshop"]}
        assert by_workshop[group["id"]] | {"workshop": None} == {
            "eventTypeId": group["id"],
            "workshop": None,
            "sessions": 1,  # the next week's session has not started
            "attended": 1,
            "absent": 1,
            "rate": 0.5,
        }
        assert (by_workshop[lesson["id"]]["sessions"], by_workshop[lesson["id"]]["rate"]) == (
            1,
            1.0,
        )
        by_student = {s["email"]: s for s in report["byStudent"]}
        assert (
            by_student["ana@example.com"]["sessions"],
            by_student["ana@example.com"]["absent"],
        ) == (2, 0)
        assert (by_student["bo@example.com"]["attended"], by_student["bo@example.com"]["rate"]) == (
            0,
            0.0,
        )
        only_bo = data(
            await client.get(url, headers=tenant.headers, params={"studentEmail": "bo@example.com"})
        )
        assert [s["email"] for s in only_bo["byStudent"]] == ["bo@example.com"]
        assert [w["eventTypeId"] for w in only_bo["byWorkshop"]] == [group["id"]]
        lesson_only = data(
            await client.get(url, headers=tenant.headers, params={"eventTypeId": lesson["id"]})
        )
        assert [w["eventTypeId"] for w in lesson_only["byWorkshop"]] == [lesson["id"]]
        later = data(
            await client.get(
                url, headers=tenant.headers, params={"afterStart": dates.at(MONDAY, "12:00")}
            )
        )
        assert [w["eventTypeId"] for w in later["byWorkshop"]] == [lesson["id"]]

        sheet = await client.get(url, headers=tenant.headers, params={"format": "csv"})
        assert sheet.status_code == 200, sheet.text
        assert sheet.headers["content-type"].startswith("text/csv")
        assert sheet.headers["content-disposition"].startswith(
            f'attachment; filename="attendance-{tenant.id}-'
        )
        table = list(csv.DictReader(io.StringIO(sheet.text)))
        group_row = next(r for r in table if r["eventTypeId"] == str(group["id"]))
        # A title starting with "=" would run as a formula in a spreadsheet: written as text.
        assert group_row["workshop"] == '\'=HYPERLINK("x") Group'
        assert (
            group_row["scope"],
            group_row["attended"],
            group_row["absent"],
            group_row["rate"],
        ) == (
            "workshop",
            "1",
            "1",
            "0.5",
        )
        assert {r["studentEmail"] for r in table if r["scope"] == "student"} == {
            "ana@example.com",
            "bo@example.com",
        }

        member = await make_member(sessionmaker, tenant)
        assert_error(await client.get(url, headers=member.headers), 403, "role_required")
        assert_error(await client.get(url, headers=other_tenant.headers), 404, "not_found")
        assert_error(
            await client.get(url, headers=tenant.headers, params={"format": "xlsx"}),
            400,
            "validation_failed",
        )
    # Another school's report does not count this school's sessions.
    with clock.frozen(START + DAY):
        theirs = data(
            await client.get(
                f"/v2/organizations/{other_tenant.id}/attendance", headers=other_tenant.headers
            )
        )
    assert theirs == {"byWorkshop": [], "byStudent": []}
