"""Cal.com's v2 workflow body on our workflows route: read onto the same workflow service,
answered in Cal.com's shape; what we cannot perform is refused by name, never stored."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.bookings.helpers import MONDAY, book, teacher_hours, workshop
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.workflows.helpers import reminders_of


def calcom_step(number: int = 1, **fields: Any) -> dict[str, Any]:
    return {
        "action": "email_attendee",
        "stepNumber": number,
        "recipient": "attendee",
        "template": "custom",
        "sender": "Lingua School",
        "includeCalendarEvent": False,
        "message": {"subject": "See you soon", "html": "<p>Bring your book</p>"},
        **fields,
    }


def calcom_body(**fields: Any) -> dict[str, Any]:
    return {
        "name": "Day before",
        "activation": {"isActiveOnAllEventTypes": True, "activeOnEventTypeIds": []},
        "trigger": {"type": "beforeEvent", "offset": {"value": 24, "unit": "hour"}},
        "steps": [calcom_step()],
        **fields,
    }


def url(tenant: Tenant) -> str:
    return f"/v2/organizations/{tenant.id}/workflows"


async def test_a_calcom_body_makes_the_same_workflow_and_reads_back_in_its_shape(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    booked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    made = data(await client.post(url(tenant), headers=tenant.headers, json=calcom_body()), 201)
    assert made["activation"] == {"isActiveOnAllEventTypes": True, "activeOnEventTypeIds": []}
    assert made["trigger"] == {"type": "beforeEvent", "offset": {"value": 24, "unit": "hour"}}
    [step] = made["steps"]
    assert {k: step[k] for k in ("action", "recipient", "template", "sender", "message")} == {
        "action": "email_attendee",
        "recipient": "attendee",
        "template": "custom",
        "sender": "Lingua School",
        "message": {"subject": "See you soon", "html": "<p>Bring your book</p>", "text": None},
    }
    # The same workflow in our shape; its reminder is planned for the booking ahead.
    ours = data(await client.get(f"{url(tenant)}/{made['id']}", headers=tenant.headers))
    assert (ours["trigger"], ours["time"], ours["timeUnit"], ours["isActiveOnAll"]) == (
        "BEFORE_EVENT",
        24,
        "HOUR",
        True,
    )
    assert (ours["steps"][0]["action"], ours["steps"][0]["template"]) == (
        "EMAIL_ATTENDEE",
        "CUSTOM",
    )
    [planned] = await reminders_of(sessionmaker, booked["uid"])
    assert planned.scheduled_for == dates.instant(MONDAY - dates.DAY, "10:00")

    # Cal.com's update: a step named by the id its output gave, activation narrowed.
    changed = data(
        await client.patch(
            f"{url(tenant)}/{made['id']}",
            headers=tenant.headers,
            json={
                "activation": {
                    "isActiveOnAllEventTypes": False,
                    "activeOnEventTypeIds": [et["id"]],
                },
                "trigger": {"type": "newEvent"},
                "steps": [
                    calcom_step(id=step["id"]),
                    calcom_step(2, action="email_host", recipient="const", template="reminder"),
                ],
            },
        )
    )
    assert changed["activation"]["activeOnEventTypeIds"] == [et["id"]]
    assert changed["trigger"] == {"type": "newEvent", "offset": None}
    assert [(s["id"] == step["id"], s["action"]) for s in changed["steps"]] == [
        (True, "email_attendee"),
        (False, "email_host"),
    ]
    # A name alone reads the same in both shapes: answered in ours.
    renamed = data(
        await client.patch(
            f"{url(tenant)}/{made['id']}", headers=tenant.headers, json={"name": "X"}
        )
    )
    assert (renamed["name"], renamed["trigger"]) == ("X", "NEW_EVENT")


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"trigger": {"type": "bookingRejected"}}, "trigger.type=bookingRejected"),
        ({"trigger": {"type": "formSubmitted"}}, "trigger.type=formSubmitted"),
        (
            {"trigger": {"type": "newEvent", "offset": {"value": 1, "unit": "hour"}}},
            "trigger.offset",
        ),
        (
            {"steps": [calcom_step(action="sms_attendee", message={"subject": "s", "text": "t"})]},
            "steps.0.action=sms_attendee",
        ),
        (
            {"steps": [calcom_step(action="whatsapp_number", verifiedPhoneId=3)]},
            "steps.0.verifiedPhoneId",
        ),
        (
            {"steps": [calcom_step(action="email_address", verifiedEmailId=7)]},
            "steps.0.verifiedEmailId",
        ),
        ({"steps": [calcom_step(template="rating")]}, "steps.0.template=rating"),
        ({"steps": [calcom_step(includeCalendarEvent=True)]}, "steps.0.includeCalendarEvent=true"),
        ({"steps": [calcom_step(cc="x@example.com")]}, "steps.0.cc"),
    ],
)
async def test_what_we_cannot_perform_is_refused_by_name(
    client: httpx.AsyncClient, tenant: Tenant, change: dict[str, Any], named: str
) -> None:
    refused = assert_error(
        await client.post(url(tenant), headers=tenant.headers, json=calcom_body(**change)),
        400,
        "unsupported_field",
    )
    assert named in refused["error"]["details"]["fields"]
    assert data(await client.get(url(tenant), headers=tenant.headers)) == []  # nothing stored


async def test_bad_calcom_bodies_and_strangers(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    wrong_recipient = calcom_body(steps=[calcom_step(recipient="const")])
    assert_error(
        await client.post(url(tenant), headers=tenant.headers, json=wrong_recipient),
        400,
        "validation_failed",
    )
    no_offset = calcom_body(trigger={"type": "afterEvent"})
    assert_error(
        await client.post(url(tenant), headers=tenant.headers, json=no_offset),
        400,
        "offset_required",
    )
    unknown = assert_error(
        await client.post(
            url(tenant), headers=tenant.headers, json=calcom_body(trigger={"type": "x"})
        ),
        400,
        "validation_failed",
    )
    assert "trigger.type" in unknown["error"]["message"]  # the union's branch tag is not named
    other_et = await workshop(client, other_tenant)
    elsewhere = calcom_body(
        activation={"isActiveOnAllEventTypes": False, "activeOnEventTypeIds": [other_et["id"]]}
    )
    assert_error(
        await client.post(url(tenant), headers=tenant.headers, json=elsewhere),
        404,
        "event_type_not_found",
    )
    made = data(await client.post(url(tenant), headers=tenant.headers, json=calcom_body()), 201)
    moved = {"steps": [calcom_step(2, id=made["steps"][0]["id"])]}
    assert_error(
        await client.patch(f"{url(tenant)}/{made['id']}", headers=tenant.headers, json=moved),
        400,
        "step_not_found",
    )
    member = await make_member(sessionmaker, tenant)
    for headers, status, reason in (
        (member.headers, 403, "role_required"),
        (other_tenant.headers, 404, "not_found"),
        ({}, 401, "missing_api_key"),
    ):
        assert_error(
            await client.post(url(tenant), headers=headers, json=calcom_body()), status, reason
        )
