"""Students page: each workshop's whitelist by hand, by CSV file and out as CSV; school staff
only, the school's own workshops only, CSRF on every change."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bookings.helpers import workshop
from tests.dashboard.staff import Staff, assert_nothing_found, csrf_at, csrf_of
from tests.dashboard.students_setup import synced_from_immersio
from tests.factories import Tenant, make_member, make_tenant, unique
from tests.helpers import data


def _emails(client_page: str) -> list[str]:
    return re.findall(r"<td>([^<@]+@[^<]+)</td>", client_page)


async def _on_list(client: httpx.AsyncClient, tenant: Tenant, et_id: int) -> list[str]:
    rows = data(await client.get(f"/v2/event-types/{et_id}/whitelist", headers=tenant.headers))
    return [r["email"] for r in rows]


async def _kept_on_a_list(
    client: httpx.AsyncClient, tenant: Tenant
) -> tuple[dict[str, Any], dict[str, Any]]:
    """A workshop whose list holds kept@example.com (through the API): it and the entry."""
    et = await workshop(client, tenant)
    entry = data(
        await client.post(
            f"/v2/event-types/{et['id']}/whitelist",
            headers=tenant.headers,
            json={"email": "kept@example.com"},
        ),
        201,
    )
    return et, entry


async def test_owner_adds_removes_and_sees_where_each_student_came_from(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    et = await workshop(client, tenant, title="Conversation B1")
    await synced_from_immersio(sessionmaker, tenant, et["id"], email="synced@example.com")
    url = f"/dashboard/students/{et['id']}"
    async with staff.signed_in(tenant.owner_id) as owner:
        listing = await owner.get("/dashboard/students")
        assert listing.status_code == 200
        assert f'href="{url}"' in listing.text and "Conversation B1" in listing.text
        shown = await owner.get(url)
        assert "Immersio sync" in shown.text
        csrf = csrf_of(shown.text)
        email = f"{unique('ana')}@example.com"
        added = await owner.post(
            url, data={"csrf": csrf, "email": f" {email.upper()} ", "name": "Ana"}
        )
        assert added.status_code == 303 and added.headers["location"] == f"{url}?done=added"
        shown = await owner.get(added.headers["location"])
        assert _emails(shown.text) == ["synced@example.com", email]
        assert "Added by hand" in shown.text and "The student was added." in shown.text
        # Bad input: the page again, the problem next to the field, nothing written.
        again = await owner.post(url, data={"csrf": csrf, "email": email})
        assert again.status_code == 400
        assert 'id="s-email-error"' in again.text and "already on the list" in again.text
        bad = await owner.post(url, data={"csrf": csrf, "email": "not-an-email", "name": "X"})
        assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
        assert 'value="not-an-email"' in bad.text
        assert await _on_list(client, tenant, et["id"]) == ["synced@example.com", email]
        entry_id = data(
            await client.get(f"/v2/event-types/{et['id']}/whitelist", headers=tenant.headers)
        )[1]["id"]
        removed = await owner.post(f"{url}/entries/{entry_id}/remove", data={"csrf": csrf})
        assert removed.status_code == 303
    assert await _on_list(client, tenant, et["id"]) == ["synced@example.com"]


async def test_import_shows_each_refused_row_and_export_is_safe_in_a_spreadsheet(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    et = await workshop(client, tenant)
    url = f"/dashboard/students/{et['id']}"
    csv_file = (
        b"email,name,immersio_student_id\n"
        b'ana@example.com,=HYPERLINK("http://evil.example"),stu_1\n'
        b"not-an-email,Bad,\n"
        b"ana@example.com,Ana again,\n"
        b"ben@example.com,@SUM(A1),-2\n"
    )
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, url)
        result = await owner.post(
            f"{url}/import", data={"csrf": csrf}, files={"file": ("list.csv", csv_file, "text/csv")}
        )
        assert result.status_code == 200
        assert "2 students imported" in result.text and "2 lines refused" in result.text
        assert re.findall(r'data-reason="(\w+)"><td>(\d+)</td>', result.text) == [
            ("invalid_email", "3"),
            ("duplicate_in_file", "4"),
        ]
        unreadable = await owner.post(
            f"{url}/import",
            data={"csrf": csrf},
            files={"file": ("x.csv", b"name\nAna\n", "text/csv")},
        )
        assert unreadable.status_code == 400 and 'id="s-file-error"' in unreadable.text
        assert "must name the columns" in unreadable.text
        none = await owner.post(f"{url}/import", data={"csrf": csrf})
        assert none.status_code == 400 and "Choose a CSV file." in none.text
        export = await owner.get(f"{url}/export")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert export.text.splitlines() == [
        "email,name,immersio_student_id",
        'ana@example.com,"\'=HYPERLINK(""http://evil.example"")",stu_1',
        "ben@example.com,'@SUM(A1),'-2",
    ]


async def test_a_teacher_and_another_school_find_nothing(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    et, entry = await _kept_on_a_list(client, tenant)
    url = f"/dashboard/students/{et['id']}"
    teacher = await make_member(sessionmaker, tenant)
    other = await make_tenant(sessionmaker)
    for user_id in (teacher.id, other.owner_id):
        async with staff.signed_in(user_id) as attacker:
            await assert_nothing_found(
                attacker,
                gets=(url, f"{url}/export"),
                posts=(
                    (url, {"email": "intruder@example.com"}),
                    (f"{url}/entries/{entry['id']}/remove", {}),
                ),
            )
            csrf = await csrf_at(attacker)
            imported = await attacker.post(
                f"{url}/import",
                data={"csrf": csrf},
                files={"file": ("x.csv", b"email\nintruder@example.com\n", "text/csv")},
            )
            assert imported.status_code == 404
            listing = await attacker.get("/dashboard/students")
            assert listing.status_code == (404 if user_id == teacher.id else 200)
            assert url not in listing.text
    assert await _on_list(client, tenant, et["id"]) == ["kept@example.com"]


async def test_every_change_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    et, entry = await _kept_on_a_list(client, tenant)
    url = f"/dashboard/students/{et['id']}"
    async with staff.signed_in(tenant.owner_id) as owner:
        await owner.get(url)  # the CSRF cookie is set
        for token in ({}, {"csrf": "forged"}):
            for path, form, upload in (
                (url, {"email": "new@example.com"}, None),
                (f"{url}/entries/{entry['id']}/remove", {}, None),
                (f"{url}/import", {}, {"file": ("x.csv", b"email\nnew@example.com\n", "text/csv")}),
            ):
                r = await owner.post(path, data={**token, **form}, files=upload)
                assert r.status_code == 403, path
    assert await _on_list(client, tenant, et["id"]) == ["kept@example.com"]
