"""Who reaches which dashboard screen, for every screen the app serves under ``/dashboard``
(read from the app's routes, so a new screen is in the matrix or this test fails naming it):

- a stranger is sent to sign in;
- a teacher (MEMBER) of school A opens their own screens, gets "not found" on the staff's
  screens and on another teacher's booking, workshop or hours;
- the owner of school A opens every screen of A, and gets "not found" on school B's ids;
- a platform admin who has not chosen a school is sent to the school list;
- every form refuses a request without the page's CSRF token (403).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any

import httpx
from fastapi.routing import APIRoute
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import User
from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, student
from tests.dashboard.staff import Staff, browser, csrf_at, open_session
from tests.factories import Member, Tenant, make_member, make_tenant, unique
from tests.helpers import data
from tests.workflows.helpers import create_workflow


class Reach(Enum):
    PUBLIC = "signed-out pages: sign-in, sign-in links, password reset"
    OWN = "every staff member, a teacher sees their own"
    USER = "the staff member's own account, no school needed"
    STAFF = "OWNER/ADMIN of the school only"
    PLATFORM = "platform admins only"


GETS: dict[str, Reach] = {
    "/dashboard": Reach.OWN,
    "/dashboard/sign-in": Reach.PUBLIC,
    "/dashboard/sign-in/email": Reach.PUBLIC,
    "/dashboard/sign-in/link": Reach.PUBLIC,
    "/dashboard/password/reset": Reach.PUBLIC,
    "/dashboard/password/new": Reach.PUBLIC,
    "/dashboard/password": Reach.USER,
    "/dashboard/schools": Reach.PLATFORM,
    "/dashboard/bookings": Reach.OWN,
    "/dashboard/bookings.csv": Reach.OWN,
    "/dashboard/bookings/{uid}": Reach.OWN,
    "/dashboard/bookings/{uid}/reschedule": Reach.OWN,
    "/dashboard/workshops": Reach.OWN,
    "/dashboard/workshops/new": Reach.OWN,
    "/dashboard/workshops/{workshop_id}": Reach.OWN,
    "/dashboard/availability": Reach.OWN,
    "/dashboard/students": Reach.STAFF,
    "/dashboard/students/{eventTypeId}": Reach.STAFF,
    "/dashboard/students/{eventTypeId}/export": Reach.STAFF,
    "/dashboard/settings": Reach.STAFF,
    "/dashboard/settings/organization": Reach.STAFF,
    "/dashboard/settings/teachers": Reach.STAFF,
    "/dashboard/settings/api-keys": Reach.STAFF,
    "/dashboard/settings/landing": Reach.STAFF,
    "/dashboard/settings/landing/preview": Reach.STAFF,
    "/dashboard/settings/webhooks": Reach.STAFF,
    "/dashboard/settings/webhooks/{webhookId}": Reach.STAFF,
    "/dashboard/settings/reminders": Reach.STAFF,
    "/dashboard/settings/reminders/new": Reach.STAFF,
    "/dashboard/settings/reminders/{workflowId}": Reach.STAFF,
    "/dashboard/settings/plan": Reach.STAFF,
    "/dashboard/settings/payments": Reach.STAFF,
    "/dashboard/settings/immersio": Reach.STAFF,
    "/dashboard/settings/immersio/sync-log": Reach.STAFF,
    "/dashboard/waitlist": Reach.OWN,
}
# Screens whose object is named in the query: the person's workshop and its Monday session.
QUERIED = {"/dashboard/waitlist": "?eventTypeId={workshop}&start={start}"}
# Another teacher's or another school's hours are asked for in the query, not the path.
AVAILABILITY_OF = ("teacher", "schedule")
# Which object a path parameter names.
PARAMETERS = {
    "uid": "booking",
    "workshop_id": "workshop",
    "eventTypeId": "workshop",
    "webhookId": "webhook",
    "workflowId": "workflow",
}
# Objects of the school itself, not of one teacher: made by the owner only.
SCHOOL_OBJECTS = ("webhook", "workflow")
PARAMETER = re.compile(r"\{(\w+)\}")


def _api_routes(routes: list[Any]) -> list[APIRoute]:
    """Every endpoint, inside included routers too (FastAPI keeps an included router whole,
    under its ``original_router``; the dashboard's have no prefix)."""
    found: list[APIRoute] = []
    for route in routes:
        if isinstance(route, APIRoute):
            found.append(route)
        elif hasattr(route, "original_router"):
            found += _api_routes(route.original_router.routes)
    return found


def dashboard_routes(client: httpx.AsyncClient) -> list[tuple[str, str]]:
    """(method, path) of every route the app serves under /dashboard."""
    app: Any = client._transport.app  # type: ignore[attr-defined]
    found = {
        (method, route.path)
        for route in _api_routes(app.routes)
        if route.path.startswith("/dashboard")
        for method in route.methods
        if method in ("GET", "POST")
    }
    assert len(found) > 20, "the dashboard's routes were not found in the app"
    return sorted(found)


@dataclass(frozen=True)
class Own:
    """One person's objects: a workshop of theirs, a booking of it, their schedule."""

    workshop: int
    booking: str
    schedule: int
    user: int
    webhook: int = 0  # the school's (an owner's objects only)
    workflow: int = 0

    def address(self, path: str) -> str:
        def fill(match: re.Match[str]) -> str:
            kind = PARAMETERS[match.group(1)]
            return str(getattr(self, kind))

        query = QUERIED.get(path, "").format(workshop=self.workshop, start=dates.at(MONDAY))
        return PARAMETER.sub(fill, path) + query


def names_school_objects(path: str) -> bool:
    return any(PARAMETERS[name] in SCHOOL_OBJECTS for name in PARAMETER.findall(path))


async def objects_of(client: httpx.AsyncClient, who: Tenant | Member, user_id: int) -> Own:
    """Hours, a seated workshop and one student's seat in its Monday session, made through
    the API with ``who``'s key."""
    schedule = data(
        await client.post(
            "/v2/schedules",
            headers=who.headers,
            json={
                "name": "Hours",
                "timeZone": "UTC",
                "isDefault": True,
                "availability": [{"days": ["Monday"], "startTime": "09:00", "endTime": "17:00"}],
            },
        ),
        201,
    )
    et = data(
        await client.post(
            "/v2/event-types",
            headers=who.headers,
            json={
                "lengthInMinutes": 60,
                "title": f"Club {unique('w')}",
                "slug": unique("w"),
                "minimumBookingNotice": 0,
                "seats": seating(3),
            },
        ),
        201,
    )
    seat = data(
        await book(
            client,
            et["id"],
            dates.at(MONDAY),
            attendee=student(f"{unique('s')}@example.com"),
        ),
        201,
    )
    own = Own(et["id"], seat["uid"], schedule["id"], user_id)
    if not isinstance(who, Tenant):
        return own
    webhook = data(
        await client.post(
            f"/v2/organizations/{who.id}/webhooks",
            headers=who.headers,
            json={"subscriberUrl": "http://127.0.0.1:9/in", "triggers": ["BOOKING_CREATED"]},
        ),
        201,
    )
    workflow = await create_workflow(client, who)
    return replace(own, webhook=webhook["id"], workflow=workflow["id"])


async def platform_admin(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with transaction(sessionmaker) as session:
        user = User(email=f"{unique('admin')}@platform.example.com", is_platform_admin=True)
        session.add(user)
        await session.flush()
        return user.id


def test_every_dashboard_screen_is_in_the_matrix(client: httpx.AsyncClient) -> None:
    unknown = [path for method, path in dashboard_routes(client) if method == "GET"]
    unknown = [path for path in unknown if path not in GETS]
    assert unknown == [], f"dashboard screens the role matrix does not know: {unknown}"
    gone = sorted(set(GETS) - {path for _, path in dashboard_routes(client)})
    assert gone == [], f"the matrix names screens the app no longer has: {gone}"
    for path in GETS:
        for name in PARAMETER.findall(path):
            assert name in PARAMETERS, f"{path}: the matrix does not know what {name} names"


async def test_each_role_reaches_its_screens_and_nothing_else(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Any,
    tenant: Tenant,
    teacher: Member,
    other_tenant: Tenant,
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    mine = await objects_of(client, teacher, teacher.id)
    theirs = await objects_of(client, colleague, colleague.id)
    school_a = await objects_of(client, tenant, tenant.owner_id)
    school_b = await objects_of(client, other_tenant, other_tenant.owner_id)
    admin = await platform_admin(sessionmaker)
    wrong: list[str] = []

    async def expect(who: str, agent: httpx.AsyncClient, address: str, *wanted: int) -> None:
        got = (await agent.get(address)).status_code
        if got not in wanted:
            wrong.append(f"{who} GET {address}: {got}, expected {wanted}")

    gets = [path for method, path in dashboard_routes(client) if method == "GET"]
    cookies = {
        "teacher": await open_session(sessionmaker, settings, teacher.id),
        "owner": await open_session(sessionmaker, settings, tenant.owner_id),
        "admin": await open_session(sessionmaker, settings, admin),
    }
    async with (
        browser(client) as stranger,
        browser(client, cookies["teacher"]) as as_teacher,
        browser(client, cookies["owner"]) as as_owner,
        browser(client, cookies["admin"]) as as_admin,
    ):
        for path in gets:
            reach = GETS[path]
            takes_id = PARAMETER.search(path) is not None or path in QUERIED
            if reach is Reach.PUBLIC:
                r = await stranger.get(path)
                if r.status_code == 303 and "/dashboard/sign-in?next=" in r.headers["location"]:
                    wrong.append(f"stranger GET {path}: sent to sign in from a signed-out page")
                continue
            r = await stranger.get(school_a.address(path))
            if r.status_code != 303 or not r.headers["location"].startswith(
                "/dashboard/sign-in?next="
            ):
                wrong.append(f"stranger GET {path}: {r.status_code}, expected 303 to sign in")

            # The teacher of school A.
            if reach in (Reach.OWN, Reach.USER):
                await expect("teacher", as_teacher, mine.address(path), 200)
                if takes_id:
                    await expect("teacher", as_teacher, theirs.address(path), 404)
                    await expect("teacher", as_teacher, school_a.address(path), 404)
            else:
                await expect("teacher", as_teacher, school_a.address(path), 404)

            # The owner of school A: every screen of A, none of B's ids.
            if reach is Reach.PLATFORM:
                await expect("owner", as_owner, path, 404)
            else:
                await expect("owner", as_owner, school_a.address(path), 200)
                colleague_or_school = school_a if names_school_objects(path) else theirs
                await expect("owner", as_owner, colleague_or_school.address(path), 200)
                if takes_id:
                    await expect("owner of A", as_owner, school_b.address(path), 404)

            # A platform admin who has not chosen a school: the school list first.
            if reach in (Reach.PLATFORM, Reach.USER):
                await expect("platform admin", as_admin, path, 200)
            else:
                r = await as_admin.get(school_b.address(path))
                if r.status_code != 303 or r.headers["location"] != "/dashboard/schools":
                    wrong.append(
                        f"platform admin GET {path}: {r.status_code}, expected the school list"
                    )

        # Hours are chosen in the query: another teacher's, another school's.
        hours = "/dashboard/availability"
        await expect("teacher", as_teacher, f"{hours}?schedule={mine.schedule}", 200)
        await expect("teacher", as_teacher, f"{hours}?schedule={theirs.schedule}", 404)
        await expect("teacher", as_teacher, f"{hours}?teacher={colleague.id}", 404)
        await expect("teacher", as_teacher, f"{hours}?teacher={tenant.owner_id}", 404)
        await expect("owner", as_owner, f"{hours}?teacher={colleague.id}", 200)
        await expect(
            "owner",
            as_owner,
            f"{hours}?teacher={colleague.id}&schedule={theirs.schedule}",
            200,
        )
        await expect("owner of A", as_owner, f"{hours}?schedule={school_b.schedule}", 404)
        await expect("owner of A", as_owner, f"{hours}?teacher={other_tenant.owner_id}", 404)
    assert wrong == [], "\n".join(wrong)


async def test_every_form_refuses_a_request_without_the_page_token(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Any,
) -> None:
    """Signed in (a session of its own: a form that went through would change it) and with the
    CSRF cookie the pages set, but no token in the form nor the header: 403, before anything
    is looked up or written. Signed-out forms (sign-in, reset) too."""
    school = await make_tenant(sessionmaker)
    own = await objects_of(client, school, school.owner_id)
    cookie = await open_session(sessionmaker, settings, school.owner_id)
    wrong: list[str] = []
    async with browser(client, cookie) as owner:
        await owner.get("/dashboard")  # the page's CSRF cookie, as a real browser holds it
        for method, path in dashboard_routes(client):
            if method != "POST":
                continue
            address = PARAMETER.sub(
                lambda m: str(
                    {"uid": own.booking, "workshop_id": own.workshop}.get(m.group(1), own.workshop)
                ),
                path,
            )
            for body in ({}, {"csrf": "forged"}):
                r = await owner.post(address, data=body)
                if r.status_code != 403:
                    wrong.append(f"POST {path} with {body or 'no token'}: {r.status_code}")
    assert wrong == [], "\n".join(wrong)


# The ids a form's address names that the matrix can give as someone else's.
POST_IDS = {
    "uid": "booking",
    "workshop_id": "workshop",
    "eventTypeId": "workshop",
    "schedule_id": "schedule",
}


def aimed_at(path: str, own: Own) -> str:
    ids = {"booking": own.booking, "workshop": own.workshop, "schedule": own.schedule}
    return PARAMETER.sub(lambda m: str(ids[POST_IDS[m.group(1)]]), path)


async def test_forms_on_someone_elses_ids_are_not_found(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    """With the page's token, as an attacker holds it for their own session: a teacher's form
    aimed at another teacher's booking, workshop or schedule, and the owner's aimed at another
    school's, are "not found" (and change nothing)."""
    teacher = await make_member(sessionmaker, tenant)
    colleague = await make_member(sessionmaker, tenant)
    theirs = await objects_of(client, colleague, colleague.id)
    school_b = await objects_of(client, other_tenant, other_tenant.owner_id)
    forms = [
        path
        for method, path in dashboard_routes(client)
        if method == "POST"
        and PARAMETER.search(path)
        and all(name in POST_IDS for name in PARAMETER.findall(path))
    ]
    assert len(forms) >= 10, forms
    wrong: list[str] = []
    for who, user_id, target in (
        ("teacher", teacher.id, theirs),
        ("owner of A", tenant.owner_id, school_b),
    ):
        async with staff.signed_in(user_id) as agent:
            token = await csrf_at(agent)
            for path in forms:
                r = await agent.post(aimed_at(path, target), data={"csrf": token})
                if r.status_code != 404:
                    wrong.append(f"{who} POST {path} on another's id: {r.status_code}")
    assert wrong == [], "\n".join(wrong)
