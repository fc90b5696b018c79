"""Invite-only workshops: only the holder of a personal, valid invitation (or the school's
staff) books; every way an attacker could stretch an invitation is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import book, seating, student, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data, tampered
from tests.jobs import run_jobs
from tests.mail import Inbox

INVITE_ONLY = {"registration_mode": "invite_only"}


def start() -> str:
    return dates.at(dates.monday(), "10:00")


async def invite(
    client: httpx.AsyncClient, tenant: Tenant, et: dict[str, Any], *emails: str
) -> dict[str, str]:
    """Invitations for ``emails``: {email: token}."""
    sent = data(
        await client.post(
            f"/v2/event-types/{et['id']}/invitations",
            headers=tenant.headers,
            json={"invitees": [{"email": e, "name": "Invited"} for e in emails]},
        ),
        201,
    )
    return {i["email"]: parse_qs(urlsplit(i["bookingUrl"]).query)["invitation"][0] for i in sent}


async def invite_only_workshop(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    return await workshop(
        client,
        tenant,
        metadata=INVITE_ONLY,
        seats=seating(5),
    )


async def test_a_public_booking_without_an_invitation_is_refused(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    refused = await book(client, et["id"], start(), attendee=student("walk-in@example.com"))
    body = assert_error(refused, 403, "invitation_required")
    assert "invitation" in body["error"]["message"]
    by_slug = await client.post(
        "/v2/bookings",
        json={
            "eventTypeSlug": et["slug"],
            "teamSlug": tenant.slug,
            "start": start(),
            "attendee": student(),
        },
    )
    assert by_slug.status_code in (403, 404)


async def test_the_invited_student_books_with_their_link(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    tokens = await invite(client, tenant, et, " Ada@Example.com ")
    booked = await book(
        client,
        et["id"],
        start(),
        attendee=student("ada@example.com"),
        invitationToken=tokens["ada@example.com"],
    )
    assert data(booked, 201)["status"] == "accepted"


async def test_an_invitation_works_only_for_its_student_its_workshop_and_its_time(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    other = await invite_only_workshop(client, tenant)
    ada = (await invite(client, tenant, et, "ada@example.com"))["ada@example.com"]
    elsewhere = (await invite(client, tenant, other, "bob@example.com"))["bob@example.com"]
    expiry, _, signature = ada.partition(".")
    attempts = {
        "another student's invitation": ("mallory@example.com", ada),
        "an invitation to another workshop": ("bob@example.com", elsewhere),
        "a longer expiry": ("ada@example.com", f"{int(expiry) + 86400 * 365}.{signature}"),
        "a forged signature": ("ada@example.com", tampered(ada)),
        "no signature": ("ada@example.com", f"{expiry}."),
        "garbage": ("ada@example.com", "x" * 43),
    }
    for attempt, (email, token) in attempts.items():
        refused = await book(
            client, et["id"], start(), attendee=student(email), invitationToken=token
        )
        assert refused.status_code == 403, attempt
        assert_error(refused, 403, "invitation_required")
    with clock.shifted(timedelta(days=15)):  # past the 14 days an invitation lasts
        expired = await book(
            client,
            et["id"],
            dates.at(dates.monday(), "11:00"),
            attendee=student("ada@example.com"),
            invitationToken=ada,
        )
        assert_error(expired, 403, "invitation_required")
    data(
        await book(
            client, et["id"], start(), attendee=student("ada@example.com"), invitationToken=ada
        ),
        201,
    )


async def test_staff_book_on_behalf_of_a_student(client: httpx.AsyncClient, tenant: Tenant) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    made = await book(client, et["id"], start(), headers=tenant.headers, attendee=student())
    assert data(made, 201)["status"] == "accepted"


async def test_only_the_schools_editors_invite_and_only_to_invite_only_workshops(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    open_one = await workshop(client, tenant)
    body = {"invitees": [{"email": "ada@example.com"}]}
    url = f"/v2/event-types/{et['id']}/invitations"
    assert_error(await client.post(url, json=body), 401, "missing_api_key")
    assert_error(await client.post(url, headers=other_tenant.headers, json=body), 404, "not_found")
    assert_error(
        await client.post(
            f"/v2/event-types/{open_one['id']}/invitations", headers=tenant.headers, json=body
        ),
        409,
        "not_invite_only",
    )
    for bad in ({"invitees": []}, {"invitees": [{"email": "nope"}]}):
        assert_error(
            await client.post(url, headers=tenant.headers, json=bad), 400, "validation_failed"
        )
    unknown = await client.post(url, headers=tenant.headers, json={"emails": ["a@b.c"]})
    assert_error(unknown, 400, "unsupported_field")


async def test_the_invitation_email_carries_a_link_that_books(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    ada = f"ada-{tenant.slug}@example.com"  # jobs of other tests mail other addresses
    await invite(client, tenant, et, ada)
    await run_jobs(database_url)
    (mail,) = inbox.to(ada)
    assert str(mail["Subject"]).startswith("Your invitation:")
    assert mail["From"].addresses[0].display_name == f"School {tenant.slug}"
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    (url,) = [w for w in text.split() if "invitation=" in w]
    html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
    assert f'href="{url.replace("&", "&amp;")}"' in html  # the same link in the HTML part
    split = urlsplit(url)
    page = await client.get(f"{split.path}?{split.query}&tz=UTC")
    assert page.status_code == 200 and 'id="invitation-note"' in page.text
    token = parse_qs(split.query)["invitation"][0]
    assert f'data-invitation="{token}"' in page.text and f'value="{ada}"' in page.text
    booked = await book(client, et["id"], start(), attendee=student(ada), invitationToken=token)
    data(booked, 201)


async def test_the_page_of_an_invite_only_workshop_says_so(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    page = await client.get(f"/{tenant.slug}/{et['slug']}?tz=UTC")
    assert "open by invitation only" in page.text and 'data-invitation=""' in page.text


async def test_seats_of_an_invite_only_workshop_are_not_held_anonymously(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await invite_only_workshop(client, tenant)
    hold = {"eventTypeId": et["id"], "slotStart": start()}
    assert_error(await client.post("/v2/slots/reservations", json=hold), 403, "invitation_required")
    data(await client.post("/v2/slots/reservations", headers=tenant.headers, json=hold), 201)
