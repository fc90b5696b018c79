"""Teachers added through the API get the dashboard's invitation (``members.arrivals``, the
rule docs/dashboard.md states): one email from the school, answered to whoever added them, in
their language, with a one-time sign-in link valid for 7 days. Nobody who already has a way in
is emailed again (a refused re-add, a role change, a re-added teacher with a password), a
caller may ask for none (``sendInvitation: false``), and nobody can invite into a school not
theirs."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.dashboard.sign_in_helpers import follow, link_in, set_password, visitor
from tests.factories import Tenant, auth, make_member, unique
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox


def users_of(tenant: Tenant) -> str:
    return f"/v2/organizations/{tenant.id}/users"


def memberships_of(tenant: Tenant) -> str:
    return f"/v2/organizations/{tenant.id}/memberships"


async def test_a_teacher_added_by_the_api_gets_one_invitation_whose_link_works_once(
    client: httpx.AsyncClient, database_url: str, inbox: Inbox, tenant: Tenant
) -> None:
    email = f"{unique('api-teacher')}@example.com"
    added = data(
        await client.post(
            users_of(tenant),
            headers=tenant.headers,
            json={"email": email, "name": "Théo", "locale": "fr", "timeZone": "Europe/Paris"},
        ),
        201,
    )
    # Added again, then a role change and a name change: none of them is a second invitation.
    again = await client.post(users_of(tenant), headers=tenant.headers, json={"email": email})
    assert_error(again, 409, "email_taken")
    for change in ({"organizationRole": "ADMIN"}, {"name": "Théo B."}):
        r = await client.patch(
            f"{users_of(tenant)}/{added['id']}", headers=tenant.headers, json=change
        )
        assert r.status_code == 200, r.text
    await run_jobs(database_url)
    [message] = inbox.to(email)
    assert str(message["Subject"]) == (
        f"{tenant.owner_email} vous invite sur le tableau de bord de School {tenant.slug}"
    )
    assert message["Content-Language"] == "fr"
    assert f"School {tenant.slug}" in str(message["From"])
    assert tenant.owner_email in str(message["Reply-To"])
    link = link_in(message)
    assert link.startswith("/dashboard/sign-in/link?token=")
    assert "next=%2Fdashboard%2Fpassword" in link and "lang=fr" in link
    async with visitor(client) as teacher:
        signed = await follow(teacher, link)
        assert signed.status_code == 303
        assert signed.headers["location"] == "/dashboard/password"
        assert "no password yet" in (await teacher.get("/dashboard/password")).text
    async with visitor(client) as replay:
        assert (await replay.get(link)).status_code == 400  # spent
    await run_jobs(database_url)
    assert len(inbox.to(email)) == 1


async def test_re_adding_invites_only_whoever_has_no_password_and_can_be_declined(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    with_password = await make_member(sessionmaker, tenant)
    await set_password(sessionmaker, with_password.id, "a password of their own")
    without = await make_member(sessionmaker, tenant)
    memberships = data(await client.get(memberships_of(tenant), headers=tenant.headers))
    ids = {m["userId"]: m["id"] for m in memberships}
    for member in (with_password, without):
        r = await client.delete(
            f"{memberships_of(tenant)}/{ids[member.id]}", headers=tenant.headers
        )
        assert r.status_code == 200, r.text
    for member in (with_password, without):
        back = await client.post(
            memberships_of(tenant),
            headers=tenant.headers,
            json={"userId": member.id, "role": "MEMBER", "accepted": True},
        )
        assert back.status_code == 201, back.text
    # Already a member: refused, nothing sent.
    twice = await client.post(
        memberships_of(tenant), headers=tenant.headers, json={"userId": without.id}
    )
    assert_error(twice, 409, "already_member")
    declined = f"{unique('quiet')}@example.com"
    r = await client.post(
        users_of(tenant),
        headers=tenant.headers,
        json={"email": declined, "sendInvitation": False},
    )
    assert r.status_code == 201, r.text
    # A sub-team's membership has no such field, and sends nothing.
    team = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams",
            headers=tenant.headers,
            json={"name": "French", "slug": unique("french")},
        ),
        201,
    )
    team_members = f"/v2/organizations/{tenant.id}/teams/{team['id']}/memberships"
    odd = await client.post(
        team_members, headers=tenant.headers, json={"userId": without.id, "sendInvitation": True}
    )
    assert_error(odd, 400, "unsupported_field")
    joined = await client.post(team_members, headers=tenant.headers, json={"userId": without.id})
    assert joined.status_code == 201, joined.text
    await run_jobs(database_url)
    assert inbox.to(with_password.email) == [] and inbox.to(declined) == []
    [message] = inbox.to(without.email)  # back in, still no way in of their own
    assert message["Content-Language"] == "en"


async def test_nobody_invites_into_a_school_not_theirs(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    removed = await make_member(sessionmaker, tenant)
    memberships = data(await client.get(memberships_of(tenant), headers=tenant.headers))
    [membership_id] = [m["id"] for m in memberships if m["userId"] == removed.id]
    r = await client.delete(f"{memberships_of(tenant)}/{membership_id}", headers=tenant.headers)
    assert r.status_code == 200, r.text
    email = f"{unique('intruded')}@example.com"
    body = {"email": email}
    # A stranger, a teacher of the school, another school's admin.
    assert (await client.post(users_of(tenant), json=body)).status_code == 401
    assert_error(
        await client.post(users_of(tenant), headers=auth(teacher.key), json=body),
        403,
        "role_required",
    )
    assert_error(
        await client.post(users_of(tenant), headers=other_tenant.headers, json=body),
        404,
        "not_found",
    )
    refused = {"role_required": auth(teacher.key), "not_found": other_tenant.headers}
    for reason, headers in refused.items():
        r = await client.post(memberships_of(tenant), headers=headers, json={"userId": removed.id})
        assert_error(r, 403 if reason == "role_required" else 404, reason)
    # Another school's admin bringing this school's person into their own school.
    assert_error(
        await client.post(
            memberships_of(other_tenant), headers=other_tenant.headers, json={"userId": removed.id}
        ),
        404,
        "user_not_found",
    )
    await run_jobs(database_url)
    assert inbox.to(email) == [] and inbox.to(removed.email) == []


async def test_a_waiting_membership_is_invited_when_accepted_and_only_then(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    r = await client.patch(
        f"/v2/organizations/{tenant.id}/settings",
        headers=tenant.headers,
        json={"orgAutoAcceptEmail": "school.example.org"},
    )
    assert r.status_code == 200, r.text
    inside, outside, quiet = (
        f"{unique(name)}@{domain}"
        for name, domain in (
            ("inside", "school.example.org"),
            ("outside", "example.com"),
            ("quiet", "example.com"),
        )
    )
    added = {
        email: data(
            await client.post(users_of(tenant), headers=tenant.headers, json={"email": email}),
            201,
        )
        for email in (inside, outside, quiet)
    }
    assert [added[e]["accepted"] for e in (inside, outside, quiet)] == [True, False, False]
    # Re-added by its membership after leaving, still waiting: nobody to invite yet either.
    back = await make_member(sessionmaker, tenant)
    ids = {
        m["userId"]: m["id"]
        for m in data(await client.get(memberships_of(tenant), headers=tenant.headers))
    }
    r = await client.delete(f"{memberships_of(tenant)}/{ids[back.id]}", headers=tenant.headers)
    assert r.status_code == 200, r.text
    waiting = data(
        await client.post(
            memberships_of(tenant),
            headers=tenant.headers,
            json={"userId": back.id, "accepted": False},
        ),
        201,
    )
    await run_jobs(database_url)
    assert inbox.to(inside) != []
    assert inbox.to(outside) == [] and inbox.to(quiet) == [] and inbox.to(back.email) == []

    ids = {
        m["userId"]: m["id"]
        for m in data(await client.get(memberships_of(tenant), headers=tenant.headers))
    }
    teacher = await make_member(sessionmaker, tenant)
    # Nobody but the school's OWNER/ADMIN accepts: a stranger, a teacher, another school.
    accept = {"accepted": True}
    target = f"{memberships_of(tenant)}/{ids[added[outside]['id']]}"
    assert (await client.patch(target, json=accept)).status_code == 401
    assert_error(
        await client.patch(target, headers=auth(teacher.key), json=accept), 403, "role_required"
    )
    assert_error(
        await client.patch(target, headers=other_tenant.headers, json=accept), 404, "not_found"
    )
    await run_jobs(database_url)
    assert inbox.to(outside) == []

    for membership_id, body in (
        (ids[added[outside]["id"]], accept),
        (waiting["id"], accept),
        (ids[added[quiet]["id"]], {"accepted": True, "sendInvitation": False}),
    ):
        r = await client.patch(
            f"{memberships_of(tenant)}/{membership_id}", headers=tenant.headers, json=body
        )
        assert r.status_code == 200, r.text
        assert data(r)["accepted"] is True
    # Accepted again, a role change: not a second acceptance, not a second email.
    for body in (accept, {"role": "ADMIN"}, {"accepted": True, "role": "MEMBER"}):
        r = await client.patch(target, headers=tenant.headers, json=body)
        assert r.status_code == 200, r.text
    await run_jobs(database_url)
    [message] = inbox.to(outside)
    assert tenant.owner_email in str(message["Reply-To"])
    assert link_in(message).startswith("/dashboard/sign-in/link?token=")
    assert len(inbox.to(back.email)) == 1
    assert inbox.to(quiet) == [] and len(inbox.to(inside)) == 1


async def test_a_membership_set_waiting_again_before_the_job_gets_no_email(
    client: httpx.AsyncClient, database_url: str, inbox: Inbox, tenant: Tenant
) -> None:
    email = f"{unique('withdrawn')}@example.com"
    added = data(
        await client.post(users_of(tenant), headers=tenant.headers, json={"email": email}), 201
    )
    ids = {
        m["userId"]: m["id"]
        for m in data(await client.get(memberships_of(tenant), headers=tenant.headers))
    }
    url = f"{memberships_of(tenant)}/{ids[added['id']]}"
    r = await client.patch(url, headers=tenant.headers, json={"accepted": False})
    assert r.status_code == 200, r.text
    await run_jobs(database_url)  # queued at the add, sent to nobody: no longer accepted
    assert inbox.to(email) == []
