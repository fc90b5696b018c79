"""Reminders end to end: planned with the booking, sent by the real worker when their moment
comes (time is moved forward on the job), never for a cancelled or moved booking."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from email.message import Message
from typing import Any

import httpx
import pytest
import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from structlog.testing import capture_logs

from immersio_booking.config import get_settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import Booking, Workflow, WorkflowStep
from immersio_booking.workflows import reminders, repository
from immersio_booking.workflows.tasks import deliver
from immersio_booking.workflows.texting import LoggingTextSender
from tests import dates
from tests.bookings.helpers import (
    MONDAY,
    book,
    cancel_as_school,
    cancel_with_token,
    student,
    teacher_hours,
    token_of,
    workshop,
)
from tests.dates import DAY
from tests.factories import Tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.notifications.email_helpers import emails_of
from tests.workflows.helpers import create_workflow, reminders_of, step, when_due

START = dates.at(MONDAY, "10:00")  # a Monday: 11:00 in Paris


def reminders_in(inbox: Inbox, address: str, subject: str) -> list[Message]:
    return [m for m in inbox.to(address) if str(m["Subject"]).startswith(subject)]


def html_of(message: Message) -> str:
    return str(message.get_body(("html",)).get_content())  # type: ignore[union-attr]


def text_of(message: Message) -> str:
    return str(message.get_body(("plain",)).get_content())  # type: ignore[union-attr]


def _manage_url(booking: dict[str, Any]) -> str:
    base = get_settings().public_base_url
    return f"{base}/booking/{booking['uid']}/manage?token={token_of(booking)}"


@contextmanager
def info_logs() -> Iterator[list[dict[str, Any]]]:
    """What is logged at INFO and above meanwhile (the tests' settings log warnings only)."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    try:
        with capture_logs() as logs:
            yield logs
    finally:
        structlog.configure(**saved)


async def _school(client: httpx.AsyncClient, tenant: Tenant, **workshop_fields: Any) -> int:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation française", **workshop_fields)
    return int(et["id"])


async def _book(
    client: httpx.AsyncClient, event_type_id: int, email: str, start: str = START, **attendee: Any
) -> dict[str, Any]:
    """A student (``email``) books the workshop; the booking as the API returns it."""
    return data(  # type: ignore[no-any-return]
        await book(client, event_type_id, start, attendee=student(email, **attendee)), 201
    )


DAY_BEFORE = step(
    template="CUSTOM",
    emailSubject="Tomorrow: {EVENT_NAME}",
    reminderBody=(
        "<p>Hi {ATTENDEE_NAME}, {EVENT_NAME} with {ORGANIZER_NAME} is on {EVENT_DATE} at"
        " {EVENT_TIME} ({TIMEZONE}).</p><p><a href='{MANAGE_URL}'>Manage</a> {ATTENDEE_EMAIL}</p>"
    ),
)


async def _booked_with_day_before_reminder(
    client: httpx.AsyncClient, tenant: Tenant, email: str, **attendee: Any
) -> dict[str, Any]:
    """The school, its DAY_BEFORE reminder workflow, and a booking by ``email`` at START."""
    et = await _school(client, tenant)
    await create_workflow(client, tenant, steps=[DAY_BEFORE])
    return await _book(client, et, email, **attendee)


async def test_reminder_is_sent_at_its_moment_in_the_attendees_zone_and_only_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    booking = await _booked_with_day_before_reminder(
        client, tenant, "ada@example.com", name="Ada Lovelace"
    )
    [planned] = await reminders_of(sessionmaker, booking["uid"])
    assert planned.status == "scheduled" and planned.job_status == "todo"
    assert planned.scheduled_for == dates.instant(MONDAY - DAY, "10:00")
    assert planned.job_scheduled_at == dates.instant(MONDAY - DAY, "10:00")

    await run_jobs(database_url)  # the confirmation goes now, the reminder waits
    assert inbox.to("ada@example.com") and not reminders_in(inbox, "ada@example.com", "Tomorrow")

    await when_due(sessionmaker, database_url, planned.job_id)
    [reminder] = reminders_in(inbox, "ada@example.com", "Tomorrow")
    assert str(reminder["Subject"]) == "Tomorrow: Conversation française"
    html = html_of(reminder)
    assert "Hi Ada Lovelace, Conversation française with" in html
    # The pieces of kit.when's one format: an American reads 11:00 AM, the zone by its city.
    moment = f"Monday, February {MONDAY.day}, {MONDAY.year} at 11:00 AM (Paris, UTC+1)"
    assert moment in html and moment in text_of(reminder)
    assert f"token={token_of(booking)}" in html and "ada@example.com" in html
    # The text part keeps the manage link itself, not only its label.
    assert f"Manage <{_manage_url(booking)}>" in text_of(reminder)
    assert reminder["From"].addresses[0].display_name == f"School {tenant.slug}"
    assert reminder["Reply-To"].addresses[0].addr_spec == tenant.owner_email
    [done] = await reminders_of(sessionmaker, booking["uid"])
    assert (done.status, done.job_status) == ("sent", "succeeded")
    recorded = {
        (e.kind, e.recipient, e.status)
        for e in await emails_of(sessionmaker, tenant, booking["uid"])
    }
    assert ("workflow_before_event", "ada@example.com", "sent") in recorded

    # the same job running again sends nothing more
    async with transaction(sessionmaker) as session:
        assert (
            await deliver(session, done.id, get_settings(), LoggingTextSender(), job_id=done.job_id)
            == "sent"
        )
    assert len(reminders_in(inbox, "ada@example.com", "Tomorrow")) == 1


async def test_no_reminder_ever_for_a_cancelled_booking(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    booking = await _booked_with_day_before_reminder(client, tenant, "gone@example.com")
    await cancel_with_token(client, booking)
    [planned] = await reminders_of(sessionmaker, booking["uid"])
    assert (planned.status, planned.job_status) == ("cancelled", "cancelled")
    assert planned.outcome == "booking cancelled"

    # Worst case: the job escaped its cancellation and time passes beyond the reminder.
    async with sessionmaker() as session:
        await session.execute(
            text("UPDATE procrastinate_jobs SET status = 'todo' WHERE id = :id"),
            {"id": planned.job_id},
        )
        await session.commit()
    await when_due(sessionmaker, database_url, planned.job_id)
    later = dates.instant(MONDAY, "09:00")
    async with transaction(sessionmaker) as session:
        assert (
            await deliver(
                session,
                planned.id,
                get_settings(),
                LoggingTextSender(),
                later,
                job_id=planned.job_id,
            )
            == "cancelled"
        )
    assert not reminders_in(inbox, "gone@example.com", "Tomorrow")


async def test_the_job_looks_again_before_sending(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A booking changed behind the planner's back (no event emitted) still gets nothing."""
    booking = await _booked_with_day_before_reminder(client, tenant, "quiet@example.com")
    async with sessionmaker() as session:
        await session.execute(
            text("UPDATE bookings SET status = 'cancelled' WHERE uid = :u"), {"u": booking["uid"]}
        )
        await session.commit()
    [planned] = await reminders_of(sessionmaker, booking["uid"])
    await when_due(sessionmaker, database_url, planned.job_id)
    [after] = await reminders_of(sessionmaker, booking["uid"])
    assert (after.status, after.outcome) == ("cancelled", "booking cancelled or moved")
    assert not reminders_in(inbox, "quiet@example.com", "Tomorrow")


async def test_reschedule_cancels_the_old_reminder_and_plans_the_new_time(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    old = await _booked_with_day_before_reminder(client, tenant, "move@example.com")
    new = data(
        await client.post(
            f"/v2/bookings/{old['uid']}/reschedule",
            params={"token": token_of(old)},
            json={"start": dates.at(MONDAY + DAY, "14:00")},
        ),
        201,
    )
    [was] = await reminders_of(sessionmaker, old["uid"])
    assert (was.status, was.job_status, was.outcome) == (
        "cancelled",
        "cancelled",
        "booking rescheduled",
    )
    [now] = await reminders_of(sessionmaker, new["uid"])
    assert now.status == "scheduled"
    assert now.job_scheduled_at == dates.instant(MONDAY, "14:00")
    await when_due(sessionmaker, database_url, now.job_id, was.job_id)
    [reminder] = reminders_in(inbox, "move@example.com", "Tomorrow")
    tuesday = MONDAY + DAY
    paris = f"Tuesday, February {tuesday.day}, {tuesday.year} at 3:00 PM (Paris, UTC+1)"
    assert paris in html_of(reminder)


async def test_booking_inside_the_offset_is_reminded_at_once(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await _school(client, tenant)
    # The event is about nine weeks away; the reminder is due a year before it.
    await create_workflow(client, tenant, time=365, timeUnit="DAY", steps=[DAY_BEFORE])
    start = dates.at(dates.monday(9), "10:00")
    booking = await _book(client, et, "late@example.com", start=start)
    [planned] = await reminders_of(sessionmaker, booking["uid"])
    assert planned.scheduled_for == datetime.fromisoformat(start) - timedelta(days=365)
    assert planned.job_scheduled_at is None  # runs as soon as a worker is free
    await run_jobs(database_url)
    assert len(reminders_in(inbox, "late@example.com", "Tomorrow")) == 1


async def test_values_cannot_become_markup(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    et = await _school(client, tenant)
    await create_workflow(
        client,
        tenant,
        trigger="NEW_EVENT",
        steps=[
            step(
                template="CUSTOM",
                emailSubject="Welcome {ATTENDEE_NAME}",
                reminderBody="<p>Welcome <b>{ATTENDEE_NAME}</b></p>",
            )
        ],
    )
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    await _book(client, et, "xss@example.com", name=evil)
    await run_jobs(database_url)
    [welcome] = reminders_in(inbox, "xss@example.com", "Welcome")
    html = html_of(welcome)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;img src=x" in html
    assert "<b>" in html  # the school's own markup stays
    assert evil in text_of(welcome)  # the plain-text part shows the name as typed


async def test_default_reminder_speaks_the_attendees_language(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    et = await _school(client, tenant)
    await create_workflow(client, tenant, trigger="NEW_EVENT", steps=[step()])
    booked = await _book(client, et, "fr@example.com", language="fr", name="Camille")
    await _book(client, et, "en@example.com", start=dates.at(MONDAY, "12:00"))
    await run_jobs(database_url)
    [fr] = reminders_in(inbox, "fr@example.com", "Rappel")
    paris = f"lundi {MONDAY.day} février {MONDAY.year}, 11:00 – 12:00 (Paris, UTC+1)"
    assert str(fr["Subject"]) == f"Rappel : Conversation française le {paris}"
    assert "Bonjour Camille" in html_of(fr) and "Gérer votre réservation" in html_of(fr)
    # The same date string in the subject, the HTML and the text part, with the manage link.
    assert f"Quand : {paris}" in html_of(fr) and f"Quand : {paris}" in text_of(fr)
    assert f"Gérer votre réservation <{_manage_url(booked)}>" in text_of(fr)
    [en] = reminders_in(inbox, "en@example.com", "Reminder")
    afternoon = f"Monday, February {MONDAY.day}, {MONDAY.year}, 1:00 PM – 2:00 PM (Paris, UTC+1)"
    assert str(en["Subject"]) == f"Reminder: Conversation française on {afternoon}"


@pytest.mark.usefixtures("inbox")  # the jobs' environment
async def test_text_messages_go_through_the_logging_provider(
    client: httpx.AsyncClient,
    tenant: Tenant,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await _school(client, tenant)
    await create_workflow(
        client,
        tenant,
        trigger="NEW_EVENT",
        steps=[
            step("SMS_ATTENDEE", 1),
            step("SMS_NUMBER", 2, sendTo="+33612345678", reminderBody="New: {ATTENDEE_NAME}"),
            step("WHATSAPP_NUMBER", 3, sendTo="+33699999999", sender="Academy"),
        ],
    )
    with_phone = data(
        await book(client, et, START, attendee=student(phoneNumber="+14155550123", name="Bo")),
        201,
    )
    without_phone = data(await book(client, et, dates.at(MONDAY, "12:00")), 201)
    with info_logs() as logs:
        await run_jobs(database_url)
    texts = [e for e in logs if e.get("event") == "text_message"]
    sent = sorted((e["channel"], e["to"]) for e in texts)
    assert sent == [  # the log shows a number's last two digits only
        ("sms", "+*********23"),
        ("sms", "+*********78"),
        ("sms", "+*********78"),
        ("whatsapp", "+*********99"),
        ("whatsapp", "+*********99"),
    ]
    to_student = next(e for e in texts if e["to"] == "+*********23")
    assert to_student["body"].startswith(
        f"Reminder: Conversation française on Monday, February {MONDAY.day}"
    )
    assert any(e["body"] == "New: Bo" for e in texts)
    assert {e["sender"] for e in texts if e["channel"] == "whatsapp"} == {"Academy"}
    statuses = [r.status for r in await reminders_of(sessionmaker, without_phone["uid"])]
    assert statuses == ["skipped", "sent", "sent"]  # no number to text for this student
    assert all(r.status == "sent" for r in await reminders_of(sessionmaker, with_phone["uid"]))


async def test_immediate_triggers_follow_the_booking(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    et = await _school(client, tenant, confirmationPolicy={"type": "always"})
    paid_et = await workshop(client, tenant, price=1500, currency="eur")
    for trigger in (
        "BOOKING_REQUESTED",
        "NEW_EVENT",
        "EVENT_CANCELLED",
        "RESCHEDULE_EVENT",
        "BOOKING_PAID",
    ):
        await create_workflow(
            client,
            tenant,
            trigger=trigger,
            steps=[step("EMAIL_HOST", template="CUSTOM", emailSubject=trigger, reminderBody="x")],
        )
    requested = await _book(client, et, "r@example.com")
    data(await client.post(f"/v2/bookings/{requested['uid']}/confirm", headers=tenant.headers))
    moved = data(
        await client.post(
            f"/v2/bookings/{requested['uid']}/reschedule",
            headers=tenant.headers,
            json={"start": dates.at(MONDAY, "13:00")},
        ),
        201,
    )
    await cancel_as_school(client, tenant, moved)
    unpaid = data(await book(client, paid_et["id"], dates.at(MONDAY + DAY, "10:00")), 201)
    data(await client.post(f"/v2/bookings/{unpaid['uid']}/mark-paid", headers=tenant.headers))
    await run_jobs(database_url)
    subjects = sorted(str(m["Subject"]) for m in inbox.to(tenant.owner_email))
    workflow_subjects = [s for s in subjects if s.isupper()]
    assert workflow_subjects == sorted(
        [
            "BOOKING_REQUESTED",  # the request
            "NEW_EVENT",  # confirmed
            "RESCHEDULE_EVENT",
            "EVENT_CANCELLED",
            "BOOKING_PAID",
            "NEW_EVENT",  # paid, so accepted
        ]
    )


async def test_workflow_changes_replan_the_upcoming_bookings(
    client: httpx.AsyncClient,
    tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await _school(client, tenant)
    other = await workshop(client, tenant, title="Other")
    booking = await _book(client, et, "early@example.com")
    assert await reminders_of(sessionmaker, booking["uid"]) == []

    made = await create_workflow(client, tenant, steps=[DAY_BEFORE])
    [first] = await reminders_of(sessionmaker, booking["uid"])
    assert (first.status, first.job_scheduled_at) == (
        "scheduled",
        dates.instant(MONDAY - DAY, "10:00"),
    )
    url = f"/v2/organizations/{tenant.id}/workflows/{made['id']}"

    data(await client.patch(url, headers=tenant.headers, json={"name": "Renamed"}))
    assert await reminders_of(sessionmaker, booking["uid"]) == [first]  # nothing to replan

    data(await client.patch(url, headers=tenant.headers, json={"activeOn": [other["id"]]}))
    [dropped] = await reminders_of(sessionmaker, booking["uid"])
    assert (dropped.status, dropped.job_status) == ("cancelled", "cancelled")

    data(
        await client.patch(
            url, headers=tenant.headers, json={"activeOn": [et, other["id"]], "time": 1}
        )
    )
    _, hour_before = await reminders_of(sessionmaker, booking["uid"])
    assert hour_before.job_scheduled_at == dates.instant(MONDAY, "09:00")

    data(
        await client.patch(
            url, headers=tenant.headers, json={"trigger": "AFTER_EVENT", "timeUnit": "DAY"}
        )
    )
    *_, after = await reminders_of(sessionmaker, booking["uid"])
    assert after.job_scheduled_at == dates.instant(MONDAY + DAY, "11:00")  # the end + 1 day
    assert [r.status for r in await reminders_of(sessionmaker, booking["uid"])] == [
        "cancelled",
        "cancelled",
        "scheduled",
    ]

    data(await client.delete(url, headers=tenant.headers))
    assert await reminders_of(sessionmaker, booking["uid"]) == []
    async with sessionmaker() as session:
        status = (
            await session.execute(
                text("SELECT status::text FROM procrastinate_jobs WHERE id = :id"),
                {"id": after.job_id},
            )
        ).scalar_one()
    assert status == "cancelled"
    await when_due(sessionmaker, database_url, after.job_id)
    assert not reminders_in(inbox, "early@example.com", "Tomorrow")


@pytest.mark.race
async def test_two_transactions_planning_the_same_reminder_leave_one(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    et = await _school(client, tenant)
    booking = data(await book(client, et, START), 201)
    made = await create_workflow(client, tenant, active=False, steps=[DAY_BEFORE])

    async def plan() -> None:
        async with transaction(sessionmaker) as session:
            workflow = await repository.workflow(session, tenant.id, made["id"])
            assert workflow is not None
            workflow.active = True
            await reminders.plan_for_workflow(session, workflow, clock.now())

    await asyncio.gather(plan(), plan())
    planned = await reminders_of(sessionmaker, booking["uid"])
    assert [(r.status, r.job_status) for r in planned] == [("scheduled", "todo")]


async def test_planning_reminders_survives_the_statement_being_prepared(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """psycopg prepares a statement after its 5th run on a connection, and PostgreSQL then
    plans it generically after 5 more: the ON CONFLICT's partial-index predicate must be
    literal SQL, or a generic plan cannot match the index and the insert fails. So the same
    connection plans 15 reminders."""
    booking = await _booked_with_day_before_reminder(client, tenant, "ada@example.com")
    async with transaction(sessionmaker) as session:
        row = (
            await session.execute(
                text(
                    "SELECT r.booking_id, r.workflow_step_id, s.workflow_id"
                    " FROM workflow_reminders r JOIN workflow_steps s ON s.id = r.workflow_step_id"
                    " JOIN bookings b ON b.id = r.booking_id WHERE b.uid = :uid"
                ),
                {"uid": booking["uid"]},
            )
        ).one()
        booked = await session.get(Booking, row.booking_id)
        step_row = await session.get(WorkflowStep, row.workflow_step_id)
        flow = await session.get(Workflow, row.workflow_id)
        assert booked is not None and step_row is not None and flow is not None
        now = clock.now()
        for hour in range(15):
            wanted = reminders.Wanted(booked, flow, step_row, now + timedelta(hours=hour + 1))
            await reminders._add(session, wanted, "BEFORE_EVENT", now)
    assert len(await reminders_of(sessionmaker, booking["uid"])) == 16
