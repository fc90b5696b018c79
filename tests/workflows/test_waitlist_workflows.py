"""Workflows on the waitlist's events: the school's own emails to the student (with the entry's
signed links) and to the teacher, sent by the real worker through a real SMTP server; texts
and steps without their own words are refused with 400 naming the field."""

from __future__ import annotations

from datetime import timedelta
from email.message import Message
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.kit import clock
from immersio_booking.models import EventType, User
from immersio_booking.waitlist import accepting, expiry, leaving
from tests.bookings.helpers import cancel_as_school, student, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.waitlist.helpers import email, join
from tests.waitlist.offer_helpers import entries, full_session, line_up
from tests.workflows.helpers import step

BODY = (
    "<p>Hello {ATTENDEE_NAME}, a seat of <strong>{EVENT_NAME}</strong> ({EVENT_WHEN}) is"
    ' yours until {OFFER_EXPIRES}.</p><p><a href="{ACCEPT_URL}">Take it</a> ·'
    ' <a href="{LEAVE_URL}">Leave the list</a> · place {POSITION}</p>'
)


def wording(**fields: Any) -> dict[str, Any]:
    return {
        "template": "CUSTOM",
        "emailSubject": "Waitlist: {EVENT_NAME}",
        "reminderBody": BODY,
        **fields,
    }


async def workflow(
    client: httpx.AsyncClient, tenant: Tenant, trigger: str, *steps: dict[str, Any], **fields: Any
) -> httpx.Response:
    body = {
        "name": f"{trigger} news",
        "trigger": trigger,
        "isActiveOnAll": True,
        "steps": list(steps) or [step("EMAIL_ATTENDEE", **wording())],
        **fields,
    }
    return await client.post(
        f"/v2/organizations/{tenant.id}/workflows", headers=tenant.headers, json=body
    )


def plain(message: Message) -> str:
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def html(message: Message) -> str:
    return str(message.get_body(("html",)).get_content())  # type: ignore[union-attr]


async def host_email(sessionmaker: async_sessionmaker[AsyncSession], et: dict[str, Any]) -> str:
    async with sessionmaker() as session:
        row = await session.get(EventType, et["id"])
        assert row is not None and row.user_id is not None
        host = await session.get(User, row.user_id)
        assert host is not None
        return host.email


async def test_an_offer_emails_the_student_with_its_links_and_the_teacher_without(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    inbox: Inbox,
) -> None:
    full = await full_session(client, tenant, seats=1)
    data(
        await workflow(
            client,
            tenant,
            "WAITLIST_OFFERED",
            step("EMAIL_ATTENDEE", 1, **wording()),
            step("EMAIL_HOST", 2, **wording()),
        ),
        201,
    )
    line = await line_up(sessionmaker, full.et, 2)
    await cancel_as_school(client, tenant, full.seats[0])
    await run_jobs(database_url)

    first, second = await entries(sessionmaker, line)
    secret = settings.resolved_secret_key()
    base = settings.public_base_url
    (mail,) = [m for m in inbox.to(first.email) if str(m["Subject"]).startswith("Waitlist:")]
    assert str(mail["Subject"]) == f"Waitlist: {full.et['title']}"
    text = plain(mail)
    assert "Hello Lin Waiting" in text and "place 1" in text
    assert accepting.accept_link(base, secret, first, "en") in text
    assert leaving.leave_link(base, secret, first, "en") in text
    assert "accept?token=" in html(mail)
    assert not [m for m in inbox.to(second.email) if str(m["Subject"]).startswith("Waitlist:")]
    teacher = await host_email(sessionmaker, full.et)
    (to_teacher,) = [m for m in inbox.to(teacher) if str(m["Subject"]).startswith("Waitlist:")]
    assert "Hello Lin Waiting" in plain(to_teacher)
    assert "token=" not in plain(to_teacher)  # the student's keys go to the student only


async def test_joining_and_an_offer_that_runs_out_are_told_in_the_students_language(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    database_url: str,
    inbox: Inbox,
) -> None:
    full = await full_session(client, tenant, seats=1, waitlistOfferMinutes=30)
    for trigger in ("WAITLIST_JOINED", "WAITLIST_EXPIRED"):
        data(await workflow(client, tenant, trigger), 201)
    address = email("joiner")
    joined = data(await join(client, full.et["id"], attendee=student(address, language="fr")), 201)
    await run_jobs(database_url)
    (entry,) = await entries(sessionmaker, [joined["uid"]])
    (news,) = [m for m in inbox.to(address) if str(m["Subject"]).startswith("Waitlist:")]
    assert leaving.leave_link(
        settings.public_base_url, settings.resolved_secret_key(), entry, "fr"
    ) in plain(news)
    assert "accept?token=" not in plain(news)  # no offer yet: no accept link
    assert "lundi" in plain(news)  # {EVENT_WHEN} in French, the student's language

    await cancel_as_school(client, tenant, full.seats[0])
    with clock.shifted(timedelta(minutes=31)):
        async with sessionmaker() as session, session.begin():
            assert await expiry.expire(session, clock.now()) == 1
        await run_jobs(database_url)
    mails = [m for m in inbox.to(address) if str(m["Subject"]).startswith("Waitlist:")]
    assert len(mails) == 2
    assert "token=" not in plain(mails[1])  # ran out: neither accept nor leave link holds


async def test_workflows_that_no_longer_hold_send_nothing(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
) -> None:
    full = await full_session(client, tenant, seats=1)
    other = await workshop(client, tenant, title="Another workshop")
    only_other = data(
        await workflow(
            client, tenant, "WAITLIST_OFFERED", isActiveOnAll=False, activeOn=[other["id"]]
        ),
        201,
    )
    paused = data(await workflow(client, tenant, "WAITLIST_OFFERED"), 201)
    line = await line_up(sessionmaker, full.et, 1)
    await cancel_as_school(client, tenant, full.seats[0])
    # Paused after the offer, before its job ran: the job looks again and sends nothing.
    data(
        await client.patch(
            f"/v2/organizations/{tenant.id}/workflows/{paused['id']}",
            headers=tenant.headers,
            json={"active": False},
        )
    )
    await run_jobs(database_url)
    (entry,) = await entries(sessionmaker, line)
    assert not [m for m in inbox.to(entry.email) if str(m["Subject"]).startswith("Waitlist:")]
    assert only_other["activeOn"] == [other["id"]]


async def test_texts_and_steps_without_words_are_refused_naming_the_field(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    sms = await workflow(client, tenant, "WAITLIST_JOINED", step("SMS_ATTENDEE"))
    refused = assert_error(sms, 400, "unsupported_field")
    assert "steps.0.action=SMS_ATTENDEE" in refused["error"]["message"]
    bare = await workflow(client, tenant, "WAITLIST_OFFERED", step("EMAIL_ATTENDEE"))
    refused = assert_error(bare, 400, "reminder_body_required")
    assert "steps.0.reminderBody" in refused["error"]["message"]

    # A booking workflow with a text step cannot be turned into a waitlist one.
    texting = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/workflows",
            headers=tenant.headers,
            json={
                "name": "texts",
                "trigger": "NEW_EVENT",
                "isActiveOnAll": True,
                "steps": [step("WHATSAPP_ATTENDEE")],
            },
        ),
        201,
    )
    moved = await client.patch(
        f"/v2/organizations/{tenant.id}/workflows/{texting['id']}",
        headers=tenant.headers,
        json={"trigger": "WAITLIST_EXPIRED"},
    )
    refused = assert_error(moved, 400, "unsupported_field")
    assert "steps.0.action=WHATSAPP_ATTENDEE" in refused["error"]["message"]


async def test_the_calcom_shape_names_the_waitlist_triggers(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    made = await client.post(
        f"/v2/organizations/{tenant.id}/workflows",
        headers=tenant.headers,
        json={
            "name": "offers",
            "activation": {"isActiveOnAllEventTypes": True},
            "trigger": {"type": "waitlistOffered"},
            "steps": [
                {
                    "action": "email_attendee",
                    "stepNumber": 1,
                    "recipient": "attendee",
                    "template": "custom",
                    "sender": "School",
                    "message": {"subject": "A seat", "html": "<p>{ACCEPT_URL}</p>"},
                }
            ],
        },
    )
    assert made.status_code == 201, made.text
    assert data(made, 201)["trigger"] == {"type": "waitlistOffered", "offset": None}
