"""Workshops in the dashboard: the API's schemas and rules behind a form; a teacher reaches
their own only, another school's ids are not found, every change carries the CSRF token."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import EventType
from tests.dashboard.staff import Staff, assert_forgeries_refused, assert_nothing_found, csrf_of
from tests.factories import Member, Tenant, make_member, unique

API = {"cal-api-version": "2024-06-14"}


def workshop_fields(**changes: str) -> dict[str, str]:
    fields = {
        "title": "Conversation club",
        "slug": unique("club"),
        "description": "Speak French for an hour.",
        "length": "60",
        "seats": "8",
        "show_seats_left": "1",
        "price": "12.50",
        "currency": "eur",
        "before_buffer": "10",
        "after_buffer": "5",
        "notice": "120",
        "window_kind": "calendarDays",
        "window_days": "30",
        "registration_mode": "whitelist",
        "whitelist": "1",
        "refund_hours": "48",
        "cancel_hours": "12",
        "video": "zoom",
        "zoom_auto_create": "1",
        "address": "",
        "link": "",
        "phone": "",
    }
    fields.update(changes)
    return fields


async def _create(page: httpx.AsyncClient, **changes: str) -> int:
    form = await page.get("/dashboard/workshops/new")
    assert form.status_code == 200
    r = await page.post(
        "/dashboard/workshops/new", data={"csrf": csrf_of(form.text), **workshop_fields(**changes)}
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].split("/")[-1].split("?")[0])


def _changes_of(*workshop_ids: int) -> list[tuple[str, dict[str, object]]]:
    """Every change of these workshops (edit, duplicate, hide), each hiding it if let through."""
    return [
        (f"/dashboard/workshops/{workshop_id}{action}", {"hidden": "1", **workshop_fields()})
        for workshop_id in workshop_ids
        for action in ("", "/duplicate", "/visibility")
    ]


async def test_owner_creates_and_edits_every_field_through_the_api_rules(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        workshop_id = await _create(owner)
        api = await client.get(f"/v2/event-types/{workshop_id}", headers={**tenant.headers, **API})
        data = api.json()["data"]
        assert data["price"] == 1250 and data["currency"] == "eur"
        assert data["seats"]["seatsPerTimeSlot"] == 8
        assert data["beforeEventBuffer"] == 10 and data["afterEventBuffer"] == 5
        assert data["bookingWindow"] == {"type": "calendarDays", "value": 30, "rolling": False}
        assert data["locations"] == [{"type": "integration", "integration": "zoom"}]
        meta = data["metadata"]
        assert meta["registration_mode"] == "whitelist" and meta["whitelist_enabled"] is True
        assert meta["refund_window_hours"] == 48 and meta["cancellation_notice_hours"] == 12
        assert meta["zoom_auto_create"] is True

        page = await owner.get(f"/dashboard/workshops/{workshop_id}")
        assert page.status_code == 200
        assert 'value="12.50"' in page.text
        assert "Next sessions on the public page" in page.text
        changed = workshop_fields(
            slug=data["slug"],
            length="45",
            seats="",
            video="none",
            address="1 rue de Rivoli",
            registration_mode="open",
            whitelist="0",
            price="0",
        )
        r = await owner.post(
            f"/dashboard/workshops/{workshop_id}", data={"csrf": csrf_of(page.text), **changed}
        )
        assert r.status_code == 303
        data = (
            await client.get(f"/v2/event-types/{workshop_id}", headers={**tenant.headers, **API})
        ).json()["data"]
        assert data["lengthInMinutes"] == 45 and data["seats"] == {"disabled": True}
        assert data["locations"] == [
            {"type": "address", "address": "1 rue de Rivoli", "public": True}
        ]
        assert data["metadata"]["registration_mode"] == "open"


async def test_invalid_fields_show_the_form_again_and_write_nothing(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        workshop_id = await _create(owner)
        page = await owner.get(f"/dashboard/workshops/{workshop_id}")
        token = csrf_of(page.text)
        bad = workshop_fields(length="0", before_buffer="2000", currency="euro", price="1.234")
        r = await owner.post(f"/dashboard/workshops/{workshop_id}", data={"csrf": token, **bad})
        assert r.status_code == 400
        assert 'id="price-error"' in r.text
        bad = workshop_fields(length="0", before_buffer="2000", currency="euro")
        r = await owner.post(f"/dashboard/workshops/{workshop_id}", data={"csrf": token, **bad})
        assert r.status_code == 400
        for field in ("length", "before_buffer", "currency"):
            assert f'id="{field}-error"' in r.text
        assert 'value="2000"' in r.text  # what was typed stays in the form
        other = await _create(owner)
        taken = await client.get(f"/v2/event-types/{other}", headers={**tenant.headers, **API})
        r = await owner.post(
            f"/dashboard/workshops/{workshop_id}",
            data={"csrf": token, **workshop_fields(slug=taken.json()["data"]["slug"], length="30")},
        )
        assert r.status_code == 400 and 'id="slug-error"' in r.text
    async with sessionmaker() as session:
        et = await session.get(EventType, workshop_id)
        assert et is not None and et.length == 60 and et.before_event_buffer == 10


async def test_duplicate_and_hide(
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        workshop_id = await _create(owner)
        listing = await owner.get("/dashboard/workshops")
        token = csrf_of(listing.text)
        r = await owner.post(f"/dashboard/workshops/{workshop_id}/duplicate", data={"csrf": token})
        assert r.status_code == 303
        copy_id = int(r.headers["location"].split("/")[-1])
        r = await owner.post(
            f"/dashboard/workshops/{workshop_id}/visibility", data={"csrf": token, "hidden": "1"}
        )
        assert r.status_code == 303
    async with sessionmaker() as session:
        original = await session.get(EventType, workshop_id)
        copy = await session.get(EventType, copy_id)
        assert original is not None and copy is not None
        assert original.hidden and copy.hidden
        assert copy.slug.endswith("-copy") and copy.price == original.price
        assert copy.metadata_["registration_mode"] == "whitelist"
        assert copy.booking_fields == original.booking_fields


async def test_teacher_reaches_only_their_own_workshops(
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        school_workshop = await _create(owner)
    teacher = await make_member(sessionmaker, tenant)
    other = await make_member(sessionmaker, tenant)
    async with staff.signed_in(other.id) as page:
        others = await _create(page)
    async with staff.signed_in(teacher.id) as page:
        own = await _create(page)
        listing = await page.get("/dashboard/workshops")
        assert f"/dashboard/workshops/{own}" in listing.text
        assert f"/dashboard/workshops/{others}" not in listing.text
        await assert_nothing_found(
            page,
            gets=[f"/dashboard/workshops/{id_}" for id_ in (school_workshop, others)],
            posts=_changes_of(school_workshop, others),
        )
    async with sessionmaker() as session:
        et = await session.get(EventType, others)
        assert et is not None and not et.hidden and et.title == "Conversation club"


async def test_another_school_and_forged_csrf(
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    async with staff.signed_in(other_tenant.owner_id) as b:
        theirs = await _create(b)
    async with staff.signed_in(tenant.owner_id) as owner:
        await owner.get("/dashboard/workshops")
        await assert_nothing_found(
            owner, gets=[f"/dashboard/workshops/{theirs}"], posts=_changes_of(theirs)
        )
        mine = await _create(owner)
        new = ("/dashboard/workshops/new", {"hidden": "1", **workshop_fields()})
        await assert_forgeries_refused(owner, [*_changes_of(mine), new])
    async with sessionmaker() as session:
        et = await session.get(EventType, theirs)
        assert et is not None and not et.hidden


async def test_a_school_admin_creates_a_workshop_for_a_teacher_within_the_act_as_rule(
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    teacher: Member,
    other_tenant: Tenant,
) -> None:
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    stranger = await make_member(sessionmaker, other_tenant)
    async with (
        staff.signed_in(tenant.owner_id) as owner,
        staff.signed_in(admin.id) as admin_page,
    ):
        assert f'<option value="{teacher.id}"' in (await owner.get("/dashboard/workshops/new")).text
        made = await _create(owner, teacher=str(teacher.id))
        async with sessionmaker() as session:
            et = await session.get(EventType, made)
            assert et is not None and et.user_id == teacher.id
        # Another school's member, and an owner (an ADMIN may not act as a higher role): the
        # form again with the field marked, nothing written.
        for refused, page in ((stranger.id, owner), (tenant.owner_id, admin_page)):
            form = await page.get("/dashboard/workshops/new")
            slug = unique("refused")
            r = await page.post(
                "/dashboard/workshops/new",
                data={
                    "csrf": csrf_of(form.text),
                    **workshop_fields(slug=slug, teacher=str(refused)),
                },
            )
            assert r.status_code == 400
            assert 'id="teacher-error"' in r.text
            async with sessionmaker() as session:
                assert (
                    await session.execute(select(EventType).where(EventType.slug == slug))
                ).first() is None
    async with staff.signed_in(teacher.id) as page:
        assert 'name="teacher"' not in (await page.get("/dashboard/workshops/new")).text


async def test_errors_are_said_in_the_pages_language_with_their_limits(
    staff: Staff,
    tenant: Tenant,
) -> None:
    """The schema's English message is not shown beside the French words; what it said that
    matters (the limit) is said in French."""
    french = {"Accept-Language": "fr"}
    async with staff.signed_in(tenant.owner_id) as owner:
        form = await owner.get("/dashboard/workshops/new", headers=french)
        bad = workshop_fields(
            length="2000", before_buffer="x", currency="euro", slug="Not A Slug", title=""
        )
        r = await owner.post(
            "/dashboard/workshops/new",
            headers=french,
            data={"csrf": csrf_of(form.text), **bad},
        )
        assert r.status_code == 400
        said = {
            field: re.search(rf'id="{field}-error">(.*?)</p>', r.text, re.S)
            for field in ("length", "before_buffer", "currency", "slug", "title")
        }
        assert all(said.values()), said
        text = {field: m.group(1).strip() for field, m in said.items() if m}
        assert text["length"] == "Vérifiez cette valeur : au plus 1440."
        assert text["before_buffer"] == "Vérifiez cette valeur : donnez un nombre entier."
        assert text["currency"].startswith("Vérifiez cette valeur : un code de devise")
        assert text["slug"].startswith("Vérifiez cette valeur : de 1 à 64 lettres")
        assert text["title"] == "Ce champ est obligatoire."
        assert '<span lang="en">' not in r.text and "Input should" not in r.text
        r = await owner.post(
            "/dashboard/workshops/new",
            headers=french,
            data={"csrf": csrf_of(form.text), **workshop_fields(price="1.234")},
        )
        assert "Vérifiez cette valeur : au plus 2 décimales." in r.text
