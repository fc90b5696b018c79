"""Reminders (workflows) in the dashboard: an owner creates one, adds a message, limits it to
a workshop and deletes it through the workflows service (the API reads each change); the API's
refusals are shown beside the field with nothing written; a teacher and another school find
nothing; CSRF on every change."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.bookings.helpers import workshop
from tests.dashboard.staff import (
    Staff,
    assert_forgeries_refused,
    assert_nothing_found,
    csrf_at,
    csrf_of,
)
from tests.factories import Tenant, make_member, make_tenant
from tests.helpers import data

REMINDERS = "/dashboard/settings/reminders"


def _step(number: int, action: str, **fields: str) -> dict[str, str]:
    values = {"template": "REMINDER", "send_to": "", "email_subject": "", "reminder_body": ""}
    values |= {"sender": ""} | fields
    return {f"step-{number}-action": action} | {f"step-{number}-{k}": v for k, v in values.items()}


def _form(csrf: str, **changes: object) -> dict[str, object]:
    return {
        "csrf": csrf,
        "name": "A day before",
        "trigger": "BEFORE_EVENT",
        "time": "24",
        "time_unit": "HOUR",
        "active": "1",
        "applies_to": "all",
        **_step(1, "EMAIL_ATTENDEE"),
        **_step(2, ""),
        **changes,
    }


async def _api(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, object]]:
    return data(  # type: ignore[no-any-return]
        await client.get(f"/v2/organizations/{tenant.id}/workflows", headers=tenant.headers)
    )


async def test_owner_creates_edits_and_deletes_a_reminder(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    et = await workshop(client, tenant, title="Conversation B1")
    async with staff.signed_in(tenant.owner_id) as owner:
        blank = await owner.get(f"{REMINDERS}/new")
        assert blank.status_code == 200 and "Conversation B1" in blank.text
        csrf = csrf_of(blank.text)
        created = await owner.post(f"{REMINDERS}/new", data=_form(csrf))
        assert created.status_code == 303
        [made] = await _api(client, tenant)
        assert (made["trigger"], made["time"], made["timeUnit"], made["isActiveOnAll"]) == (
            "BEFORE_EVENT",
            24,
            "HOUR",
            True,
        )
        assert [s["action"] for s in made["steps"]] == ["EMAIL_ATTENDEE"]  # type: ignore[union-attr]
        shown = await owner.get(created.headers["location"])
        assert "The reminder was saved." in shown.text and 'name="step-2-action"' in shown.text

        edited = await owner.post(
            f"{REMINDERS}/{made['id']}",
            data=_form(
                csrf,
                name="Two messages",
                applies_to="chosen",
                active_on=[str(et["id"])],
                **_step(
                    2,
                    "EMAIL_ADDRESS",
                    send_to="office@school.example",
                    template="CUSTOM",
                    reminder_body="<p>Tomorrow</p><script>x()</script>",
                ),
            ),
        )
        assert edited.status_code == 303
        [made] = await _api(client, tenant)
        assert made["name"] == "Two messages" and made["activeOn"] == [et["id"]]
        steps = made["steps"]
        assert isinstance(steps, list) and steps[1]["sendTo"] == "office@school.example"
        assert steps[1]["reminderBody"] == "<p>Tomorrow</p>"
        listed = await owner.get(REMINDERS)
        assert "Two messages" in listed.text and "Conversation B1" in listed.text

        deleted = await owner.post(f"{REMINDERS}/{made['id']}/delete", data={"csrf": csrf})
        assert deleted.status_code == 303
    assert await _api(client, tenant) == []


async def test_refusals_are_shown_beside_the_field_and_nothing_is_written(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, f"{REMINDERS}/new")
        for changes, field in (
            ({"name": ""}, "name"),
            ({"time": ""}, "time"),
            ({"time": "9999", "time_unit": "DAY"}, "time"),
            ({"time": "soon"}, "time"),
            (_step(1, "EMAIL_ADDRESS"), "step-1-send_to"),
            (_step(1, "SMS_NUMBER", send_to="0612"), "step-1-send_to"),
            (_step(1, "EMAIL_HOST", template="CUSTOM"), "step-1-reminder_body"),
            (_step(1, "FAX_EVERYONE"), "step-1-action"),
            ({"applies_to": "chosen", "active_on": ["99999999"]}, "active_on"),
        ):
            refused = await owner.post(f"{REMINDERS}/new", data=_form(csrf, **changes))
            assert refused.status_code == 400, field
            assert f'id="{field}-error"' in refused.text, field
        no_message = await owner.post(f"{REMINDERS}/new", data=_form(csrf, **_step(1, "")))
        assert no_message.status_code == 400 and 'id="steps-error"' in no_message.text
    assert await _api(client, tenant) == []


async def test_a_teacher_and_another_school_find_nothing(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, f"{REMINDERS}/new")
        await owner.post(f"{REMINDERS}/new", data=_form(csrf))
    [made] = await _api(client, tenant)
    own = f"{REMINDERS}/{made['id']}"
    teacher = await make_member(sessionmaker, tenant)
    other = await make_tenant(sessionmaker)
    taken = [(path, _form("", name="Taken over")) for path in (own, f"{own}/delete")]
    async with staff.signed_in(teacher.id) as page:
        await assert_nothing_found(
            page,
            gets=(REMINDERS, f"{REMINDERS}/new", own),
            posts=[(f"{REMINDERS}/new", _form("")), *taken],
        )
    async with staff.signed_in(other.owner_id) as page:
        await assert_nothing_found(page, gets=[own], posts=taken)
    [still] = await _api(client, tenant)
    assert still["name"] == "A day before"
    assert await _api(client, other) == []


async def test_every_change_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, f"{REMINDERS}/new")
        await owner.post(f"{REMINDERS}/new", data=_form(csrf))
        [made] = await _api(client, tenant)
        own = f"{REMINDERS}/{made['id']}"
        forged = _form("", name="Forged")
        await assert_forgeries_refused(
            owner, [(path, forged) for path in (f"{REMINDERS}/new", own, f"{own}/delete")]
        )
    [still] = await _api(client, tenant)
    assert still["name"] == "A day before"
