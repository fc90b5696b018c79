"""Joining the waitlist of a workshop that verifies its bookers' email asks the same emailed
code as booking (``bookings.verification``), through the API and the no-JS form; the form's
refusals come back on the booking page, next to the form (real SMTP server, real worker)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.bookings.helpers import MONDAY, student
from tests.factories import Tenant
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.security.test_email_verification import code_sent_to
from tests.waitlist.helpers import START, email, full_session, join

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def verified_full_session(client: httpx.AsyncClient, tenant: Tenant) -> dict[str, Any]:
    """Filled first, then verifying: the seats' own bookers are not the point here."""
    et = await full_session(client, tenant)
    return data(  # type: ignore[no-any-return]
        await client.patch(
            f"/v2/event-types/{et['id']}",
            headers=tenant.headers,
            json={"requiresBookerEmailVerification": True},
        )
    )


async def test_joining_by_the_api_needs_the_code(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    et = await verified_full_session(client, tenant)
    address = email("verify")
    asked = assert_error(
        await join(client, et["id"], attendee=student(address)), 400, "email_verification_required"
    )
    assert asked["error"]["details"]["field"] == "emailVerificationCode"
    code = await code_sent_to(inbox, database_url, address)
    wrong = "000000" if code != "000000" else "111111"
    assert_error(
        await join(client, et["id"], attendee=student(address), emailVerificationCode=wrong),
        400,
        "invalid_email_verification_code",
    )
    joined = data(
        await join(client, et["id"], attendee=student(address), emailVerificationCode=code), 201
    )
    assert joined["position"] == 1
    # Staff are not asked, as for booking.
    staff = await join(client, et["id"], attendee=student(email("desk")), headers=tenant.headers)
    assert staff.status_code == 201, staff.text


async def test_the_form_without_js_asks_for_the_code_beside_the_form(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    et = await verified_full_session(client, tenant)
    page = await client.get(f"/{tenant.slug}/{et['slug']}?tz=UTC&date={MONDAY}")
    assert 'id="w-code"' in page.text  # the code field is in the waitlist form
    address = email("form")
    form = {
        "csrf": CSRF.search(page.text).group(1),  # type: ignore[union-attr]
        "eventTypeId": str(et["id"]),
        "start": START,
        "name": "Ada",
        "email": address,
        "tz": "UTC",
        "lang": "en",
    }
    asked = await client.post("/waitlist/join", data=form)
    assert asked.status_code == 303
    query = parse_qs(urlsplit(asked.headers["location"]).query)
    assert query["waitlistRefused"] == ["email_verification_required"]
    assert query["email"] == [address] and query["date"] == [str(MONDAY)]
    back = await client.get(asked.headers["location"])
    assert f"We sent a 6-digit code to {address}." in back.text
    assert f'value="{address}"' in back.text  # typed once
    code = await code_sent_to(inbox, database_url, address)
    joined = await client.post("/waitlist/join", data={**form, "emailVerificationCode": code})
    assert joined.status_code == 303 and "waitlisted=1" in joined.headers["location"]
    await run_jobs(database_url)
    unknown = await client.get(
        f"/{tenant.slug}/{et['slug']}?tz=UTC&date={MONDAY}&waitlistRefused=<b>"
    )
    assert "We could not put you on the waitlist. Please try again." in unknown.text
    assert "<b>" not in unknown.text
