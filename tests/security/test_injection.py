"""Names and free text cannot add recipients, headers or unbounded data (issue 12, item 5)."""

from __future__ import annotations

import os
from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default
from typing import Any

import httpx
import pytest

from immersio_booking.config import Settings
from immersio_booking.notifications import mailer
from tests import dates
from tests.bookings.helpers import book, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox

HOSTILE_NAME = "a@x.com, b@y.com, Bob"


async def test_an_attendee_name_cannot_add_recipients(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    victim = "ada@example.com"
    data(
        await book(
            client,
            et["id"],
            dates.at(dates.monday(), "10:00"),
            attendee=student(victim, name=HOSTILE_NAME),
        ),
        201,
    )
    await run_jobs(database_url)
    # Other tests' queued emails may go out in the same run: judge every envelope.
    everyone = {address for envelope in inbox.envelopes for address in envelope}
    assert {victim, tenant.owner_email} <= everyone, inbox.envelopes
    assert not everyone & {"a@x.com", "b@y.com"}, inbox.envelopes
    assert all(len(envelope) == 1 for envelope in inbox.envelopes)
    [to_student] = inbox.to(victim)
    [address] = to_student["To"].addresses
    assert address.addr_spec == victim and address.display_name == HOSTILE_NAME


async def test_a_name_with_line_breaks_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    for name in ("Bob\r\nBcc: evil@example.com", "Bob\nX: y", "Bob\x00"):
        r = await book(
            client, et["id"], dates.at(dates.monday(), "10:00"), attendee=student(name=name)
        )
        body = assert_error(r, 400, "validation_failed")
        assert "attendee.name" in body["error"]["message"]


def test_a_header_built_by_the_helper_is_one_address() -> None:
    message = EmailMessage()
    message["To"] = mailer.mailbox("Eve <eve@evil.example>, \r\nBcc: x@evil.example", "s@x.org")
    parsed = BytesParser(policy=default).parsebytes(bytes(message))
    [address] = parsed["To"].addresses
    assert address.addr_spec == "s@x.org" and parsed["Bcc"] is None
    with pytest.raises(ValueError):
        mailer.mailbox("Bob", "a@x.com, b@y.com")


async def test_the_mailer_refuses_a_message_for_several_recipients(
    settings: Settings, inbox: Inbox
) -> None:
    port = int(os.environ["IMMERSIO_SMTP_PORT"])  # set by the inbox fixture
    smtp = Settings(**{**settings.model_dump(), "smtp_host": "127.0.0.1", "smtp_port": port})
    for header, value in (("To", f"{HOSTILE_NAME} <s@x.org>"), ("Cc", "c@x.org")):
        message = EmailMessage()
        message["To"] = "s@x.org" if header == "Cc" else value
        if header == "Cc":
            message["Cc"] = value
        message["Subject"] = "Hello"
        message.set_content("Hi")
        with pytest.raises(mailer.UnsafeMessage):
            await mailer.deliver(smtp, message)
    assert inbox.envelopes == []


def _refused(response: httpx.Response, reason: str, *words: str) -> None:
    message = assert_error(response, 400, reason)["error"]["message"]
    assert all(word in message for word in words), message


async def test_names_are_capped_at_200_characters(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    start = dates.at(dates.monday(), "10:00")
    r = await book(client, et["id"], start, attendee=student(name="N" * 201))
    _refused(r, "validation_failed", "attendee.name", "200")
    data(await book(client, et["id"], start, attendee=student(name="N" * 200)), 201)


FIELDS = [
    {"type": "text", "slug": "school", "label": "School", "required": False},
    {"type": "text", "slug": "secret", "label": "Ref", "required": False, "hidden": True},
]


@pytest.mark.parametrize(
    ("answers", "field", "limit"),
    [
        ({"notes": "n" * 5001}, "notes", 5000),
        ({"school": "s" * 2001}, "school", 2000),
        ({"secret": "h" * 2001}, "secret", 2000),  # hidden fields are stored too
    ],
)
async def test_free_text_answers_are_capped(
    client: httpx.AsyncClient,
    tenant: Tenant,
    answers: dict[str, Any],
    field: str,
    limit: int,
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, bookingFields=FIELDS)
    start = dates.at(dates.monday(), "10:00")
    r = await book(client, et["id"], start, bookingFieldsResponses=answers)
    body = assert_error(r, 400, "invalid_booking_field")
    assert field in body["error"]["message"] and str(limit) in body["error"]["message"]
    assert body["error"]["details"]["field"] == field
    assert body["error"]["details"]["maxLength"] == limit
    at_cap = {key: value[:limit] for key, value in answers.items()}
    data(await book(client, et["id"], start, bookingFieldsResponses=at_cap), 201)


async def test_notes_are_text_even_without_a_notes_field(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    start = dates.at(dates.monday(), "10:00")
    for notes in ({"blob": "x" * 100_000}, ["x"] * 1000, "x" * 5001, "a\x00b"):
        r = await book(client, et["id"], start, bookingFieldsResponses={"notes": notes})
        _refused(r, "invalid_booking_field", "notes")


@pytest.mark.parametrize(
    ("metadata", "words"),
    [
        ({f"k{i}": "v" for i in range(51)}, ("metadata", "51 keys", "50")),
        ({"k" * 41: "v"}, ("metadata", "40")),
        ({"note": "v" * 501}, ("metadata.note", "500")),
        ({"deep": {"note": "v" * 501}}, ("metadata.deep.note", "500")),
        ({"many": [{f"k{i}": "v" * 500 for i in range(50)}] * 3}, ("metadata", "bytes")),
    ],
)
async def test_booking_metadata_is_capped(
    client: httpx.AsyncClient, tenant: Tenant, metadata: dict[str, Any], words: tuple[str]
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    r = await book(client, et["id"], dates.at(dates.monday(), "10:00"), metadata=metadata)
    _refused(r, "validation_failed", *words)


async def test_metadata_at_the_caps_is_kept(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    metadata = {f"{i:02d}" + "k" * 38: "v" * 500 for i in range(50)}
    booking = data(
        await book(client, et["id"], dates.at(dates.monday(), "10:00"), metadata=metadata), 201
    )
    assert booking["metadata"]["00" + "k" * 38] == "v" * 500


async def test_staff_metadata_is_capped_too(client: httpx.AsyncClient, tenant: Tenant) -> None:
    big = {f"k{i}": "v" for i in range(51)}
    body = {"lengthInMinutes": 30, "title": "W", "slug": "w-meta", "metadata": big}
    r = await client.post("/v2/event-types", headers=tenant.headers, json=body)
    _refused(r, "validation_failed", "metadata", "50")


ADDRESS = "1 Rue de Rivoli, Paris"


@pytest.mark.parametrize(
    "location",
    [
        "https://evil.example/join",  # Cal.com's older string form
        {"type": "address", "address": "https://evil.example/join"},
        {"type": "link", "location": "https://evil.example/join"},
        {"type": "integration", "integration": "zoom"},
        {"type": "attendeeDefined", "location": "https://evil.example/join"},
    ],
)
async def test_a_location_must_be_one_of_the_workshops(
    client: httpx.AsyncClient, tenant: Tenant, location: Any
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, locations=[{"type": "address", "address": ADDRESS}])
    r = await book(client, et["id"], dates.at(dates.monday(), "10:00"), location=location)
    _refused(r, "invalid_location", ADDRESS)


@pytest.mark.parametrize(
    ("location", "stored"),
    [
        (None, ADDRESS),
        (ADDRESS, ADDRESS),
        ("address", ADDRESS),
        ({"type": "address"}, ADDRESS),
        ({"type": "address", "address": ADDRESS}, ADDRESS),
        ({"type": "attendeePhone", "phone": "+33612345678"}, "+33612345678"),
    ],
)
async def test_a_configured_location_is_accepted(
    client: httpx.AsyncClient, tenant: Tenant, location: Any, stored: str
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(
        client,
        tenant,
        locations=[{"type": "address", "address": ADDRESS}, {"type": "attendeePhone"}],
    )
    fields = {} if location is None else {"location": location}
    booking = data(await book(client, et["id"], dates.at(dates.monday(), "10:00"), **fields), 201)
    assert booking["location"] == stored


async def test_the_booking_form_states_the_same_caps(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, bookingFields=FIELDS)
    page = await client.get(f"/{tenant.slug}/{et['slug']}")
    assert page.status_code == 200
    html = page.text
    assert 'name="name" type="text" maxlength="200"' in html
    assert 'name="notes" rows="3" maxlength="5000"' in html
    assert 'name="school" type="text" maxlength="2000"' in html
