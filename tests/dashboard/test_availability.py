"""Availability in the dashboard: weekly hours (several ranges a day, copy to other days)
through the schedules service, overrides, time away, the open times; a teacher on another
teacher's schedule and a school on another school's are not found; bad ranges write nothing."""

from __future__ import annotations

from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests.dashboard.staff import Staff, assert_forgeries_refused, assert_nothing_found, csrf_of
from tests.factories import Member, Tenant, make_member


def _days_ahead(days: int) -> str:
    """A date some days from the clock's today (ISO), for forms that must be refused anyway."""
    return (clock.now() + timedelta(days=days)).date().isoformat()


API = {"cal-api-version": "2024-06-11"}


async def _schedule(page: httpx.AsyncClient, teacher: int | None = None) -> tuple[int, str]:
    """A new schedule (Monday–Friday 9–17) of the signed-in member, or of ``teacher``."""
    first = await page.get("/dashboard/availability" + (f"?teacher={teacher}" if teacher else ""))
    assert first.status_code == 200
    data = {"csrf": csrf_of(first.text)}
    if teacher:
        data["teacher"] = str(teacher)
    r = await page.post("/dashboard/availability/schedules", data=data)
    assert r.status_code == 303
    schedule_id = int(r.headers["location"].split("schedule=")[1].split("&")[0])
    return schedule_id, data["csrf"]


def week(**ranges: list[tuple[str, str]]) -> dict[str, str]:
    fields = {"time_zone": "Europe/Paris", "name": "Hours", "action": "save"}
    for day, items in ranges.items():
        for index, (start, end) in enumerate(items):
            fields[f"{day}-{index}-start"] = start
            fields[f"{day}-{index}-end"] = end
    return fields


async def test_a_week_of_several_ranges_a_day_is_saved_through_the_schedules_service(
    client: httpx.AsyncClient,
    staff: Staff,
    teacher: Member,
) -> None:
    async with staff.signed_in(teacher.id) as page:
        schedule_id, token = await _schedule(page)
        r = await page.post(
            f"/dashboard/availability/{schedule_id}/hours",
            data={
                "csrf": token,
                **week(
                    monday=[("09:00", "12:00"), ("14:00", "18:00")], friday=[("10:00", "23:59")]
                ),
            },
        )
        assert r.status_code == 303
        shown = await page.get(r.headers["location"])
        assert 'value="14:00"' in shown.text and "Open times" in shown.text
    api = await client.get(f"/v2/schedules/{schedule_id}", headers={**teacher.headers, **API})
    data = api.json()["data"]
    assert data["timeZone"] == "Europe/Paris"
    assert sorted((r["days"][0], r["startTime"], r["endTime"]) for r in data["availability"]) == [
        ("Friday", "10:00", "24:00"),
        ("Monday", "09:00", "12:00"),
        ("Monday", "14:00", "18:00"),
    ]


async def test_copy_and_add_range_show_the_form_again_without_saving(
    client: httpx.AsyncClient,
    staff: Staff,
    teacher: Member,
) -> None:
    async with staff.signed_in(teacher.id) as page:
        schedule_id, token = await _schedule(page)
        fields = week(monday=[("08:00", "11:00")])
        fields.update({"action": "copy:Monday", "copy-monday-wednesday": "1"})
        r = await page.post(
            f"/dashboard/availability/{schedule_id}/hours", data={"csrf": token, **fields}
        )
        assert r.status_code == 200
        assert 'name="wednesday-0-start" value="08:00"' in r.text
        assert 'name="tuesday-0-start" value=""' in r.text  # not copied there
        fields["action"] = "add:Monday"
        r = await page.post(
            f"/dashboard/availability/{schedule_id}/hours", data={"csrf": token, **fields}
        )
        assert 'name="monday-2-start"' in r.text
    api = await client.get(f"/v2/schedules/{schedule_id}", headers={**teacher.headers, **API})
    assert api.json()["data"]["availability"][0]["startTime"] == "09:00"  # unchanged


async def test_invalid_ranges_are_shown_beside_the_field_and_nothing_is_written(
    client: httpx.AsyncClient,
    staff: Staff,
    teacher: Member,
) -> None:
    async with staff.signed_in(teacher.id) as page:
        schedule_id, token = await _schedule(page)
        cases = [
            (week(monday=[("12:00", "09:00")]), "monday-0-end", "The end must be after the start."),
            (week(tuesday=[("09:00", "12:00"), ("11:00", "13:00")]), "tuesday-1-start", "overlaps"),
            (week(wednesday=[("09:00", "")]), "wednesday-0-end", "Give both a start and an end."),
            (
                {**week(monday=[("09:00", "10:00")]), "time_zone": "Mars/Olympus"},
                "time_zone",
                "time zone",
            ),
        ]
        for fields, field, message in cases:
            r = await page.post(
                f"/dashboard/availability/{schedule_id}/hours", data={"csrf": token, **fields}
            )
            assert r.status_code == 400, field
            assert f'id="{field}-error"' in r.text and message in r.text
        day = (clock.now() + timedelta(days=3)).date().isoformat()
        r = await page.post(
            f"/dashboard/availability/{schedule_id}/overrides",
            data={
                "csrf": token,
                "override_date": day,
                "override_start": "15:00",
                "override_end": "10:00",
            },
        )
        assert r.status_code == 400 and 'id="override_start-error"' in r.text
        r = await page.post(
            "/dashboard/availability/away",
            data={"csrf": token, "away_start": day, "away_end": "2000-01-01"},
        )
        assert r.status_code == 400 and 'id="away_end-error"' in r.text
    api = await client.get(f"/v2/schedules/{schedule_id}", headers={**teacher.headers, **API})
    data = api.json()["data"]
    assert data["availability"] == [
        {
            "days": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"],
            "startTime": "09:00",
            "endTime": "17:00",
        }
    ]
    assert data["overrides"] == []
    ooo = await client.get("/v2/me/ooo", headers=teacher.headers)
    assert ooo.json()["data"] == []


async def test_overrides_and_time_away_change_the_open_times(
    client: httpx.AsyncClient,
    staff: Staff,
    teacher: Member,
) -> None:
    async with staff.signed_in(teacher.id) as page:
        schedule_id, token = await _schedule(page)
        day = clock.now() + timedelta(days=2)
        r = await page.post(
            f"/dashboard/availability/{schedule_id}/overrides",
            data={
                "csrf": token,
                "override_date": day.date().isoformat(),
                "override_start": "07:15",
                "override_end": "08:45",
            },
        )
        assert r.status_code == 303
        shown = await page.get(r.headers["location"])
        assert "07:15" in shown.text or "7:15" in shown.text
        away = (clock.now() + timedelta(days=5)).date().isoformat()
        r = await page.post(
            "/dashboard/availability/away",
            data={"csrf": token, "away_start": away, "away_end": away, "away_reason": "vacation"},
        )
        assert r.status_code == 303
        again = await page.post(
            "/dashboard/availability/away",
            data={"csrf": token, "away_start": away, "away_end": away},
        )
        assert again.status_code == 400 and "overlaps another time away" in again.text
    ooo = await client.get("/v2/me/ooo", headers=teacher.headers)
    assert [e["reason"] for e in ooo.json()["data"]] == ["vacation"]


async def test_teacher_on_another_teachers_hours_and_school_on_another_school(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    teacher: Member,
    other_tenant: Tenant,
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    async with staff.signed_in(colleague.id) as page:
        theirs, _ = await _schedule(page)
    async with staff.signed_in(other_tenant.owner_id) as page:
        foreign, _ = await _schedule(page)
    async with staff.signed_in(tenant.owner_id) as owner:
        # The owner picks a teacher and edits their hours.
        mine, token = await _schedule(owner, teacher=teacher.id)
        r = await owner.post(
            f"/dashboard/availability/{mine}/hours",
            data={"csrf": token, **week(monday=[("10:00", "11:00")])},
        )
        assert r.status_code == 303
        assert (await owner.get(f"/dashboard/availability?schedule={foreign}")).status_code == 404
        assert (
            await owner.get(f"/dashboard/availability?teacher={other_tenant.owner_id}")
        ).status_code == 404
        r = await owner.post(
            f"/dashboard/availability/{foreign}/hours",
            data={"csrf": token, **week(monday=[("10:00", "11:00")])},
        )
        assert r.status_code == 404
    async with staff.signed_in(teacher.id) as page:
        await page.get("/dashboard/availability")
        await assert_nothing_found(
            page,
            gets=(
                f"/dashboard/availability?teacher={colleague.id}",
                f"/dashboard/availability?schedule={theirs}",
            ),
            posts=(
                (f"/dashboard/availability/{theirs}/hours", week(monday=[("01:00", "02:00")])),
                (
                    f"/dashboard/availability/{theirs}/overrides",
                    {"override_date": _days_ahead(30), "day_off": "1"},
                ),
                (
                    "/dashboard/availability/away",
                    {
                        "teacher": str(colleague.id),
                        "away_start": _days_ahead(30),
                        "away_end": _days_ahead(31),
                    },
                ),
                ("/dashboard/availability/schedules", {"teacher": str(colleague.id)}),
            ),
        )
        # Forged or missing CSRF token: refused before anything is read.
        await assert_forgeries_refused(
            page,
            (
                (f"/dashboard/availability/{mine}/hours", week()),
                ("/dashboard/availability/away", {"away_start": _days_ahead(30)}),
                ("/dashboard/availability/calendars/1/disconnect", {"kind": "caldav"}),
            ),
        )
    api = await client.get(f"/v2/schedules/{theirs}", headers={**colleague.headers, **API})
    assert api.json()["data"]["availability"][0]["startTime"] == "09:00"
