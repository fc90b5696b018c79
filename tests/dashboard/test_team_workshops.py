"""Team workshops from the dashboard: a school's OWNER/ADMIN makes one of several teachers
(every host free, or any one), through the same schema and service as
``/v2/organizations/{orgId}/teams/{teamId}/event-types``; nobody else can, and a refused form
writes nothing. Saving the hosts again keeps what the form does not show (priority,
mandatory)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import EventType, EventTypeHost
from tests.dashboard.staff import Staff, browser, csrf_at, csrf_of
from tests.dashboard.test_workshops import workshop_fields
from tests.factories import Member, Tenant, make_member, unique

NEW = "/dashboard/workshops/new"


def team_fields(hosts: list[int], **changes: str) -> dict[str, object]:
    return {
        **workshop_fields(**{"teacher": "team", "scheduling": "ROUND_ROBIN", **changes}),
        "hosts": [str(host) for host in hosts],
    }


async def _post_new(page: httpx.AsyncClient, fields: dict[str, object]) -> httpx.Response:
    form = await page.get(NEW)
    assert form.status_code == 200
    return await page.post(NEW, data={"csrf": csrf_of(form.text), **fields})


def _created_id(r: httpx.Response) -> int:
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("/")[-1].split("?")[0])


async def _written(sessionmaker: async_sessionmaker[AsyncSession], slug: str) -> int:
    """Workshops and hosts rows a refused form would have left behind under ``slug``."""
    async with sessionmaker() as session:
        ids = select(EventType.id).where(EventType.slug == slug)
        workshops = await session.scalar(select(func.count()).select_from(ids.subquery()))
        hosts = await session.scalar(
            select(func.count()).where(EventTypeHost.event_type_id.in_(ids))
        )
        return int(workshops or 0) + int(hosts or 0)


def _team_api(tenant: Tenant, workshop_id: int) -> str:
    return f"/v2/organizations/{tenant.id}/teams/{tenant.id}/event-types/{workshop_id}"


async def _as_api_says(client: httpx.AsyncClient, tenant: Tenant, workshop_id: int) -> Any:
    r = await client.get(_team_api(tenant, workshop_id), headers=tenant.headers)
    assert r.status_code == 200, r.text
    return r.json()["data"]


async def test_nobody_but_the_schools_admins_makes_a_team_workshop(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    other_tenant: Tenant,
    teacher: Member,
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    hosts = [teacher.id, colleague.id]
    # A stranger: sent to sign in, or refused for want of a page's token; nothing written.
    async with browser(client) as stranger:
        slug = unique("stranger")
        r = await stranger.post(NEW, data={"csrf": "forged", **team_fields(hosts, slug=slug)})
        assert r.status_code in (303, 403)
        assert await _written(sessionmaker, slug) == 0
    # A teacher: the form offers neither the team choice nor hosts; a forged choice finds
    # nothing (as the school's other staff-only pages), nothing written.
    async with staff.signed_in(teacher.id) as page:
        form = await page.get(NEW)
        assert form.status_code == 200
        assert 'value="team"' not in form.text and 'name="hosts"' not in form.text
        slug = unique("teacher")
        r = await page.post(NEW, data={"csrf": csrf_of(form.text), **team_fields(hosts, slug=slug)})
        assert r.status_code == 404
        assert await _written(sessionmaker, slug) == 0
    # Another school's owner, naming this school's teachers as hosts: they are no members of
    # that school; the hosts are marked, nothing written.
    async with staff.signed_in(other_tenant.owner_id) as b:
        slug = unique("other")
        r = await _post_new(b, team_fields(hosts, slug=slug))
        assert r.status_code == 400 and 'id="hosts-error"' in r.text
        assert "Hosts must be accepted members of the team." in r.text
        assert await _written(sessionmaker, slug) == 0


async def test_refused_team_forms_are_marked_and_write_nothing(
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    teacher: Member,
) -> None:
    invited = await make_member(sessionmaker, tenant, accepted=False)
    async with staff.signed_in(tenant.owner_id) as owner:
        cases = [
            # a host who has not accepted the invitation yet
            (team_fields([teacher.id, invited.id]), "hosts"),
            # hosts ticked for one teacher's own workshop: said, not silently dropped
            ({**workshop_fields(teacher=str(teacher.id)), "hosts": [str(teacher.id)]}, "hosts"),
            # a scheduling type the API does not know
            (team_fields([teacher.id], scheduling="EVERYONE"), "scheduling"),
            # the rest of the form is checked as for any workshop
            (team_fields([teacher.id], length="0"), "length"),
        ]
        for fields, field in cases:
            slug = unique("refused")
            fields = {**fields, "slug": slug}
            r = await _post_new(owner, fields)
            assert r.status_code == 400, (field, r.text)
            assert f'id="{field}-error"' in r.text, field
            assert 'value="team"' in r.text  # the form again, as typed
            assert await _written(sessionmaker, slug) == 0, field


async def test_owner_and_admin_make_team_workshops_of_the_schools_teachers(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    teacher: Member,
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    async with staff.signed_in(tenant.owner_id) as owner:
        form = await owner.get(NEW)
        assert '<option value="team"' in form.text
        for member in (teacher, colleague):
            assert f'id="host-{member.id}" name="hosts" value="{member.id}"' in form.text
        made = _created_id(await _post_new(owner, team_fields([teacher.id, colleague.id])))
        api = await _as_api_says(client, tenant, made)
        assert api["teamId"] == tenant.id and api["schedulingType"] == "roundRobin"
        assert {h["userId"] for h in api["hosts"]} == {teacher.id, colleague.id}
        assert {h["priority"] for h in api["hosts"]} == {"medium"}
        page = await owner.get(f"/dashboard/workshops/{made}")
        assert f'id="host-{teacher.id}" name="hosts" value="{teacher.id}" checked' in page.text
        assert '<option value="ROUND_ROBIN" selected' in page.text
    async with staff.signed_in(admin.id) as page:
        collective = team_fields([teacher.id], scheduling="COLLECTIVE")
        made = _created_id(await _post_new(page, collective))
        api = await _as_api_says(client, tenant, made)
        assert api["schedulingType"] == "collective"
        assert [h["userId"] for h in api["hosts"]] == [teacher.id]


async def test_saving_the_hosts_keeps_their_priority_and_mandatory(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    teacher: Member,
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    newcomer = await make_member(sessionmaker, tenant)
    async with staff.signed_in(tenant.owner_id) as owner:
        made = _created_id(await _post_new(owner, team_fields([teacher.id, colleague.id])))
        r = await client.patch(
            _team_api(tenant, made),
            headers=tenant.headers,
            json={
                "hosts": [
                    {"userId": teacher.id, "priority": "highest", "mandatory": True},
                    {"userId": colleague.id, "priority": "low"},
                ]
            },
        )
        assert r.status_code == 200, r.text
        page = await owner.get(f"/dashboard/workshops/{made}")
        slug = (await _as_api_says(client, tenant, made))["slug"]
        fields = team_fields([teacher.id, colleague.id, newcomer.id], slug=slug, title="Renamed")
        r = await owner.post(
            f"/dashboard/workshops/{made}", data={"csrf": csrf_of(page.text), **fields}
        )
        assert r.status_code == 303, r.text
        hosts = (await _as_api_says(client, tenant, made))["hosts"]
        kept = {h["userId"]: (h["priority"], h["mandatory"]) for h in hosts}
        assert kept == {
            teacher.id: ("highest", True),
            colleague.id: ("low", False),
            newcomer.id: ("medium", False),
        }
        # A duplicate copies them as they are too.
        r = await owner.post(
            f"/dashboard/workshops/{made}/duplicate", data={"csrf": await csrf_at(owner)}
        )
        copy = int(r.headers["location"].split("/")[-1])
        hosts = (await _as_api_says(client, tenant, copy))["hosts"]
        assert {h["userId"]: (h["priority"], h["mandatory"]) for h in hosts} == kept
