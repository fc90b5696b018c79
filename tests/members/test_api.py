"""Organization users and memberships: plan limits, auto-accept, roles, the last OWNER."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.factories import Tenant, auth, make_member, make_tenant, unique
from tests.helpers import assert_error, data


async def test_create_list_patch_delete_user(client: httpx.AsyncClient, tenant: Tenant) -> None:
    url = f"/v2/organizations/{tenant.id}/users"
    email = f"Marie.Curie@{tenant.slug}.example.com"
    created = data(
        await client.post(
            url,
            headers=tenant.headers,
            json={"email": email, "name": "Marie", "timeZone": "Asia/Kolkata", "locale": "fr"},
        ),
        201,
    )
    assert created["email"] == email.lower()
    assert created["username"] == "marie-curie"
    assert created["profile"]["username"] == "marie-curie"
    assert created["profile"]["organizationId"] == tenant.id
    assert (created["role"], created["accepted"]) == ("MEMBER", True)

    listed = data(await client.get(url, headers=tenant.headers))
    assert {u["email"] for u in listed} == {tenant.owner_email, email.lower()}
    only = data(await client.get(f"{url}?emails={email.upper()}", headers=tenant.headers))
    assert [u["id"] for u in only] == [created["id"]]

    patched = data(
        await client.patch(
            f"{url}/{created['id']}",
            headers=tenant.headers,
            json={"username": "marie", "organizationRole": "ADMIN", "timeZone": "Europe/Paris"},
        )
    )
    assert (patched["username"], patched["role"], patched["timeZone"]) == (
        "marie",
        "ADMIN",
        "Europe/Paris",
    )
    assert patched["profile"]["username"] == "marie"

    r = await client.post(url, headers=tenant.headers, json={"email": email})
    assert_error(r, 409, "email_taken")
    r = await client.post(
        url,
        headers=tenant.headers,
        json={"email": f"x@{tenant.slug}.example.com", "username": "marie"},
    )
    assert_error(r, 409, "username_taken")

    deleted = data(await client.delete(f"{url}/{created['id']}", headers=tenant.headers))
    assert deleted["id"] == created["id"]
    assert_error(
        await client.get(f"{url}/{created['id']}", headers=tenant.headers), 404, "not_found"
    )


async def test_bad_user_input_is_400(client: httpx.AsyncClient, tenant: Tenant) -> None:
    url = f"/v2/organizations/{tenant.id}/users"
    for body in (
        {},
        {"email": "not-an-email"},
        {"email": "a@b.example.com", "timeZone": "Mars/Olympus"},
        {"email": "a@b.example.com", "organizationRole": "KING"},
        {"email": "a@b.example.com", "username": "Has Spaces"},
    ):
        r = await client.post(url, headers=tenant.headers, json=body)
        err = assert_error(r, 400, "validation_failed")
        assert err["error"]["details"]["errors"], err


@pytest.mark.race
async def test_max_teachers_of_the_plan_is_enforced_under_concurrency(
    client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    lite = await make_tenant(sessionmaker, plan="lite")  # lite: 1 teacher, the owner counts
    url = f"/v2/organizations/{lite.id}/users"
    r = await client.post(url, headers=lite.headers, json={"email": f"t@{lite.slug}.example.com"})
    err = assert_error(r, 403, "plan_limit_reached")
    assert err["error"]["details"]["limit"] == "max_teachers"

    starter = await make_tenant(sessionmaker, plan="starter")  # 3 teachers
    url = f"/v2/organizations/{starter.id}/users"
    responses = await asyncio.gather(
        *(
            client.post(
                url, headers=starter.headers, json={"email": f"t{i}@{starter.slug}.example.com"}
            )
            for i in range(8)
        )
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 201] + [403] * 6, codes
    assert len(data(await client.get(url, headers=starter.headers))) == 3


async def test_org_auto_accept_email_domain(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await client.patch(
        f"/v2/organizations/{tenant.id}/settings",
        headers=tenant.headers,
        json={"orgAutoAcceptEmail": "school.example.org"},
    )
    url = f"/v2/organizations/{tenant.id}/users"
    inside = data(
        await client.post(
            url, headers=tenant.headers, json={"email": f"{unique()}@school.example.org"}
        ),
        201,
    )
    outside = data(
        await client.post(
            url, headers=tenant.headers, json={"email": f"{unique()}@gmail.example.com"}
        ),
        201,
    )
    assert inside["accepted"] is True
    assert outside["accepted"] is False


async def test_pending_member_has_no_access_until_accepted(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    pending = await make_member(sessionmaker, tenant, accepted=False)
    r = await client.get(f"/v2/organizations/{tenant.id}", headers=pending.headers)
    assert_error(r, 404, "not_found")
    memberships = data(
        await client.get(f"/v2/organizations/{tenant.id}/memberships", headers=tenant.headers)
    )
    mine = next(m for m in memberships if m["userId"] == pending.id)
    data(
        await client.patch(
            f"/v2/organizations/{tenant.id}/memberships/{mine['id']}",
            headers=tenant.headers,
            json={"accepted": True},
        )
    )
    r = await client.get(f"/v2/organizations/{tenant.id}", headers=pending.headers)
    assert r.status_code == 200


async def test_roles_members_cannot_manage_admins_cannot_make_owners(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    member = await make_member(sessionmaker, tenant)
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    url = f"/v2/organizations/{tenant.id}/users"
    r = await client.post(url, headers=member.headers, json={"email": f"{unique()}@x.example.com"})
    assert_error(r, 403, "role_required")
    r = await client.post(
        url,
        headers=admin.headers,
        json={"email": f"{unique()}@x.example.com", "organizationRole": "OWNER"},
    )
    assert_error(r, 403, "owner_required")
    ok = await client.post(url, headers=admin.headers, json={"email": f"{unique()}@x.example.com"})
    assert ok.status_code == 201
    # a member may edit their own name but not their role
    r = await client.patch(f"{url}/{member.id}", headers=member.headers, json={"name": "Me"})
    assert data(r)["name"] == "Me"
    r = await client.patch(
        f"{url}/{member.id}", headers=member.headers, json={"organizationRole": "ADMIN"}
    )
    assert_error(r, 403, "role_required")


async def test_last_owner_cannot_be_removed_or_demoted(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    memberships = data(
        await client.get(f"/v2/organizations/{tenant.id}/memberships", headers=tenant.headers)
    )
    owner_membership = next(m for m in memberships if m["userId"] == tenant.owner_id)
    url = f"/v2/organizations/{tenant.id}/memberships/{owner_membership['id']}"
    assert_error(await client.delete(url, headers=tenant.headers), 409, "last_owner")
    assert_error(
        await client.patch(url, headers=tenant.headers, json={"role": "ADMIN"}), 409, "last_owner"
    )
    assert_error(
        await client.delete(
            f"/v2/organizations/{tenant.id}/users/{tenant.owner_id}", headers=tenant.headers
        ),
        409,
        "last_owner",
    )


@pytest.mark.race
async def test_two_owners_demoting_each_other_at_once_leave_one(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    second = await make_member(sessionmaker, tenant, role="OWNER")
    memberships = data(
        await client.get(f"/v2/organizations/{tenant.id}/memberships", headers=tenant.headers)
    )
    by_user = {m["userId"]: m["id"] for m in memberships}
    base = f"/v2/organizations/{tenant.id}/memberships"
    first, other = await asyncio.gather(
        client.patch(
            f"{base}/{by_user[second.id]}", headers=tenant.headers, json={"role": "ADMIN"}
        ),
        client.patch(
            f"{base}/{by_user[tenant.owner_id]}", headers=second.headers, json={"role": "ADMIN"}
        ),
    )
    assert sorted([first.status_code, other.status_code]) == [200, 409]
    after = data(await client.get(base, headers=tenant.headers))
    assert [m["role"] for m in after].count("OWNER") == 1


async def test_membership_create_for_unknown_or_foreign_user(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    url = f"/v2/organizations/{tenant.id}/memberships"
    r = await client.post(url, headers=tenant.headers, json={"userId": other_tenant.owner_id})
    assert_error(r, 404, "user_not_found")
    r = await client.post(url, headers=tenant.headers, json={"userId": tenant.owner_id})
    assert_error(r, 409, "already_member")
    r = await client.post(url, headers=tenant.headers, json={"userId": "abc"})
    assert_error(r, 400, "validation_failed")


async def test_impersonation_is_audited_and_can_be_disabled(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    from sqlalchemy import select

    from immersio_booking.models import AuditEvent

    member = await make_member(sessionmaker, tenant)
    headers = {**tenant.headers, "X-Act-As-User": str(member.id)}
    me = data(await client.get("/v2/me", headers=headers))
    assert me["id"] == member.id
    assert me["actorUserId"] == tenant.owner_id
    async with sessionmaker() as session:
        events = (
            (
                await session.execute(
                    select(AuditEvent).where(
                        AuditEvent.organization_id == tenant.id,
                        AuditEvent.action == "impersonation",
                    )
                )
            )
            .scalars()
            .all()
        )
        assert [(e.actor_user_id, e.subject_user_id) for e in events] == [
            (tenant.owner_id, member.id)
        ]

    # the member may not act as the owner
    r = await client.get(
        "/v2/me", headers={**member.headers, "X-Act-As-User": str(tenant.owner_id)}
    )
    assert_error(r, 403, "impersonation_not_allowed")

    memberships = data(
        await client.get(f"/v2/organizations/{tenant.id}/memberships", headers=tenant.headers)
    )
    mid = next(m["id"] for m in memberships if m["userId"] == member.id)
    await client.patch(
        f"/v2/organizations/{tenant.id}/memberships/{mid}",
        headers=tenant.headers,
        json={"disableImpersonation": True},
    )
    assert_error(await client.get("/v2/me", headers=headers), 403, "impersonation_disabled")
    assert_error(
        await client.get("/v2/me", headers={**tenant.headers, "X-Act-As-User": "nobody"}),
        400,
        "invalid_act_as_user",
    )


async def test_other_tenant_cannot_impersonate(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    r = await client.get(
        "/v2/me", headers={**other_tenant.headers, "X-Act-As-User": str(tenant.owner_id)}
    )
    assert_error(r, 404, "act_as_user_not_found")
    assert auth("x")  # helper sanity: builds a header
