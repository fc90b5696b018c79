"""``/v2/me/ooo`` and ``/v2/organizations/{orgId}/users/{userId}/ooo``: shapes, rules, who may."""

from __future__ import annotations

import asyncio
from typing import get_args

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import User
from immersio_booking.models.calendars import OOO_REASONS
from immersio_booking.out_of_office.schemas import Reason
from tests import dates
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.out_of_office.helpers import ME, away, key_without_organization, member_url

MONDAY = dates.first_monday(2)
TUESDAY, WEDNESDAY = (MONDAY + dates.DAY * n for n in (1, 2))


def test_the_wire_reasons_are_the_tables() -> None:
    assert set(get_args(Reason)) == set(OOO_REASONS)


async def test_a_teacher_records_reads_changes_and_removes_an_entry(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    colleague = await make_member(sessionmaker, tenant)
    created = await away(
        client,
        teacher,
        dates.at(MONDAY, "00:00"),
        dates.at(WEDNESDAY, "00:00"),
        reason="vacation",
        notes="Lisbon",
        toUserId=colleague.id,
    )
    assert created["userId"] == teacher.id and created["toUserId"] == colleague.id
    assert created["reason"] == "vacation" and created["notes"] == "Lisbon"
    assert created["start"].startswith(f"{MONDAY}T00:00:00")
    assert created["end"].startswith(f"{WEDNESDAY}T00:00:00")
    assert isinstance(created["id"], int) and len(created["uuid"]) == 36

    listed = data(await client.get(ME, headers=teacher.headers))
    assert [e["id"] for e in listed] == [created["id"]]
    # the owner sees it through the organization's route too
    seen = data(await client.get(member_url(tenant, teacher.id), headers=tenant.headers))
    assert seen == listed

    changed = data(
        await client.patch(
            f"{ME}/{created['id']}",
            headers=teacher.headers,
            json={"end": dates.at(TUESDAY, "12:00"), "reason": "sick", "toUserId": None},
        )
    )
    assert changed["end"].startswith(f"{TUESDAY}T12:00:00")
    assert changed["reason"] == "sick" and changed["toUserId"] is None
    assert changed["notes"] == "Lisbon" and changed["start"] == created["start"]

    removed = data(await client.delete(f"{ME}/{created['id']}", headers=teacher.headers))
    assert removed["id"] == created["id"]
    assert data(await client.get(ME, headers=teacher.headers)) == []
    assert_error(
        await client.delete(f"{ME}/{created['id']}", headers=teacher.headers),
        404,
        "out_of_office_not_found",
    )


async def test_list_pages_and_sorts_like_cal_com(client: httpx.AsyncClient, tenant: Tenant) -> None:
    ids = []
    for weeks in (2, 0, 1):
        day = MONDAY + dates.WEEK * weeks
        ids.append(
            (await away(client, tenant, dates.at(day, "09:00"), dates.at(day, "17:00")))["id"]
        )
    later, first, middle = ids

    async def order(**params: object) -> list[int]:
        rows = data(await client.get(ME, headers=tenant.headers, params=params))
        return [row["id"] for row in rows]

    assert await order(sortStart="asc") == [first, middle, later]
    assert await order(sortStart="desc") == [later, middle, first]
    assert await order(sortEnd="desc", take=2) == [later, middle]
    assert await order(sortStart="asc", take=2, skip=2) == [later]
    assert_error(
        await client.get(ME, headers=tenant.headers, params={"sortStart": "up"}),
        400,
        "validation_failed",
    )
    assert_error(
        await client.get(ME, headers=tenant.headers, params={"email": "x@example.com"}),
        400,
        "unsupported_field",
    )
    assert_error(
        await client.get(ME, headers=tenant.headers, params={"take": 251}),
        400,
        "validation_failed",
    )


async def test_bad_entries_are_refused_with_a_reason(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    start, end = dates.at(MONDAY, "09:00"), dates.at(MONDAY, "17:00")
    invited = await make_member(sessionmaker, tenant, accepted=False)

    async def refused(body: dict[str, object], status: int, reason: str) -> dict[str, object]:
        return assert_error(
            await client.post(ME, headers=tenant.headers, json=body), status, reason
        )

    await refused({"start": end, "end": start}, 400, "invalid_period")
    await refused({"start": start, "end": start}, 400, "invalid_period")
    # an instant without an offset names no instant
    await refused({"start": f"{MONDAY}T09:00:00", "end": end}, 400, "validation_failed")
    await refused({"start": str(MONDAY), "end": end}, 400, "validation_failed")
    await refused({"start": start}, 400, "validation_failed")
    await refused({"start": start, "end": end, "reason": "bored"}, 400, "validation_failed")
    await refused({"start": start, "end": end, "notes": "x" * 5001}, 400, "validation_failed")
    await refused({"start": start, "end": end, "notes": "a\x00b"}, 400, "validation_failed")
    unknown = await refused({"start": start, "end": end, "reasonId": 2}, 400, "unsupported_field")
    assert "reasonId" in str(unknown["error"])
    await refused(
        {"start": start, "end": end, "toUserId": tenant.owner_id}, 400, "substitute_is_self"
    )
    for outsider in (other_tenant.owner_id, invited.id, 9_999_999_999):
        await refused(
            {"start": start, "end": end, "toUserId": outsider},
            400,
            "substitute_not_in_organization",
        )
    entry = await away(client, tenant, start, end)
    assert_error(
        await client.patch(f"{ME}/{entry['id']}", headers=tenant.headers, json={"start": None}),
        400,
        "validation_failed",
    )
    assert_error(
        await client.patch(
            f"{ME}/{entry['id']}", headers=tenant.headers, json={"end": dates.at(MONDAY, "08:00")}
        ),
        400,
        "invalid_period",
    )
    assert_error(
        await client.patch(f"{ME}/{entry['id']}", headers=tenant.headers, json={"colour": "red"}),
        400,
        "unsupported_field",
    )


async def test_overlapping_entries_of_one_teacher_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    first = await away(client, tenant, dates.at(MONDAY, "09:00"), dates.at(MONDAY, "17:00"))
    clash = assert_error(
        await client.post(
            ME,
            headers=tenant.headers,
            json={"start": dates.at(MONDAY, "16:00"), "end": dates.at(TUESDAY, "10:00")},
        ),
        409,
        "out_of_office_overlap",
    )
    assert clash["error"]["details"]["overlapsId"] == first["id"]
    # touching ends do not overlap; a colleague's entry at the same time is theirs
    second = await away(client, tenant, dates.at(MONDAY, "17:00"), dates.at(TUESDAY, "10:00"))
    await away(client, colleague, dates.at(MONDAY, "09:00"), dates.at(MONDAY, "17:00"))
    # moving an entry onto another is the same conflict; moving it within its own time is not
    assert_error(
        await client.patch(
            f"{ME}/{second['id']}",
            headers=tenant.headers,
            json={"start": dates.at(MONDAY, "12:00")},
        ),
        409,
        "out_of_office_overlap",
    )
    data(
        await client.patch(
            f"{ME}/{second['id']}", headers=tenant.headers, json={"end": dates.at(TUESDAY, "09:00")}
        )
    )


async def test_a_substitute_away_then_is_refused(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    await away(client, colleague, dates.at(MONDAY, "12:00"), dates.at(TUESDAY, "12:00"))
    for start, end in (("09:00", "13:00"), ("13:00", "14:00")):
        assert_error(
            await client.post(
                ME,
                headers=tenant.headers,
                json={
                    "start": dates.at(MONDAY, start),
                    "end": dates.at(MONDAY, end),
                    "toUserId": colleague.id,
                },
            ),
            409,
            "substitute_out_of_office",
        )
    # before the colleague leaves, they may stand in
    entry = await away(
        client, tenant, dates.at(MONDAY, "09:00"), dates.at(MONDAY, "12:00"), toUserId=colleague.id
    )
    # ... and the colleague cannot hand the owner's time back to the owner (no loop)
    assert_error(
        await client.post(
            ME,
            headers=colleague.headers,
            json={
                "start": dates.at(MONDAY, "08:00"),
                "end": dates.at(MONDAY, "10:00"),
                "toUserId": tenant.owner_id,
            },
        ),
        409,
        "substitute_out_of_office",
    )
    assert entry["toUserId"] == colleague.id


async def test_an_offset_is_kept_as_the_instant_it_names(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """09:00 in Paris in winter is 08:00Z; the entry is stored and shown in UTC."""
    entry = await away(client, tenant, f"{MONDAY}T09:00:00+01:00", f"{MONDAY}T18:30:00+01:00")
    assert entry["start"].startswith(f"{MONDAY}T08:00:00")
    assert entry["end"].startswith(f"{MONDAY}T17:30:00")
    assert entry["start"].endswith("Z")


async def test_admins_manage_their_teachers_entries(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    teacher = await make_member(sessionmaker, tenant)
    url = member_url(tenant, teacher.id)
    body = {"start": dates.at(MONDAY, "09:00"), "end": dates.at(MONDAY, "17:00")}
    created = data(await client.post(url, headers=admin.headers, json=body), 201)
    assert created["userId"] == teacher.id
    # the teacher sees it as their own, and may use the organization's route for themself
    assert [e["id"] for e in data(await client.get(ME, headers=teacher.headers))] == [created["id"]]
    assert data(await client.get(url, headers=teacher.headers))[0]["id"] == created["id"]
    changed = data(
        await client.patch(f"{url}/{created['id']}", headers=tenant.headers, json={"notes": "ill"})
    )
    assert changed["notes"] == "ill"
    data(await client.delete(f"{url}/{created['id']}", headers=admin.headers))
    assert data(await client.get(url, headers=admin.headers)) == []


async def test_a_teacher_cannot_reach_a_colleagues_entries(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    colleague = await make_member(sessionmaker, tenant)
    theirs = await away(client, colleague, dates.at(MONDAY, "09:00"), dates.at(MONDAY, "17:00"))
    url = member_url(tenant, colleague.id)
    body = {"start": dates.at(TUESDAY, "09:00"), "end": dates.at(TUESDAY, "17:00")}
    assert_error(await client.get(url, headers=teacher.headers), 403, "role_required")
    assert_error(await client.post(url, headers=teacher.headers, json=body), 403, "role_required")
    assert_error(
        await client.patch(f"{url}/{theirs['id']}", headers=teacher.headers, json={"notes": "x"}),
        403,
        "role_required",
    )
    assert_error(
        await client.delete(f"{url}/{theirs['id']}", headers=teacher.headers), 403, "role_required"
    )
    # through /v2/me the colleague's entry id is simply not one of the teacher's
    for response in (
        await client.patch(f"{ME}/{theirs['id']}", headers=teacher.headers, json={"notes": "x"}),
        await client.delete(f"{ME}/{theirs['id']}", headers=teacher.headers),
    ):
        assert_error(response, 404, "out_of_office_not_found")
    # nor can the owner reach it under another user's path
    assert_error(
        await client.delete(
            f"{member_url(tenant, teacher.id)}/{theirs['id']}", headers=tenant.headers
        ),
        404,
        "out_of_office_not_found",
    )
    assert len(data(await client.get(ME, headers=colleague.headers))) == 1


async def test_another_school_finds_nothing(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    entry = await away(client, tenant, dates.at(MONDAY, "09:00"), dates.at(MONDAY, "17:00"))
    body = {"start": dates.at(TUESDAY, "09:00"), "end": dates.at(TUESDAY, "17:00")}
    # the other school's owner, on our organization's route: the organization is not found
    ours = member_url(tenant, tenant.owner_id)
    for response in (
        await client.get(ours, headers=other_tenant.headers),
        await client.post(ours, headers=other_tenant.headers, json=body),
        await client.patch(f"{ours}/{entry['id']}", headers=other_tenant.headers, json=body),
        await client.delete(f"{ours}/{entry['id']}", headers=other_tenant.headers),
    ):
        assert_error(response, 404, "not_found")
    # on their own organization's route, our teacher is not one of their users
    theirs = member_url(other_tenant, tenant.owner_id)
    assert_error(await client.get(theirs, headers=other_tenant.headers), 404, "not_found")
    assert_error(
        await client.delete(f"{theirs}/{entry['id']}", headers=other_tenant.headers),
        404,
        "not_found",
    )
    # and our entry id is not theirs through /v2/me
    assert_error(
        await client.delete(f"{ME}/{entry['id']}", headers=other_tenant.headers),
        404,
        "out_of_office_not_found",
    )
    assert len(data(await client.get(ME, headers=tenant.headers))) == 1


async def test_callers_who_are_not_teachers_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    body = {"start": dates.at(MONDAY, "09:00"), "end": dates.at(MONDAY, "17:00")}
    # a student has no key: nothing without one
    assert_error(await client.get(ME), 401, "missing_api_key")
    assert_error(await client.post(ME, json=body), 401, "missing_api_key")
    assert_error(await client.get(member_url(tenant, tenant.owner_id)), 401, "missing_api_key")
    # a key whose user belongs to no school (a removed teacher, a platform account)
    outsider = await key_without_organization(sessionmaker)
    headers = {"Authorization": f"Bearer {outsider}"}
    assert_error(await client.get(ME, headers=headers), 403, "organization_member_required")
    assert_error(
        await client.post(ME, headers=headers, json=body), 403, "organization_member_required"
    )
    assert_error(
        await client.get(member_url(tenant, tenant.owner_id), headers=headers), 404, "not_found"
    )
    # an invited teacher who has not accepted yet is not one of the school's members
    invited = await make_member(sessionmaker, tenant, accepted=False)
    assert_error(
        await client.post(ME, headers=invited.headers, json=body),
        403,
        "organization_member_required",
    )
    async with transaction(sessionmaker) as session:
        assert await session.get(User, invited.id) is not None


@pytest.mark.race
async def test_parallel_overlapping_entries_leave_one(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Six admins (six keys, so nothing else serialises them) record overlapping absences of
    one teacher at once: one entry is made, five are refused."""
    teacher = await make_member(sessionmaker, tenant)
    admins = [await make_member(sessionmaker, tenant, role="ADMIN") for _ in range(6)]
    url = member_url(tenant, teacher.id)
    responses = await asyncio.gather(
        *(
            client.post(
                url,
                headers=admin.headers,
                json={"start": dates.at(MONDAY, f"{9 + i:02d}:00"), "end": dates.at(TUESDAY)},
            )
            for i, admin in enumerate(admins)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201] + [409] * 5, codes
    assert len(data(await client.get(url, headers=teacher.headers))) == 1


@pytest.mark.race
async def test_two_teachers_naming_each_other_at_once_leave_one_substitution(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    body = {"start": dates.at(MONDAY, "09:00"), "end": dates.at(MONDAY, "17:00")}
    mine, theirs = await asyncio.gather(
        client.post(ME, headers=tenant.headers, json={**body, "toUserId": colleague.id}),
        client.post(ME, headers=colleague.headers, json={**body, "toUserId": tenant.owner_id}),
    )
    assert sorted([mine.status_code, theirs.status_code]) == [201, 409]
