"""The joined email and its signed link to leave the line; the staff's DELETE."""

from __future__ import annotations

import re

import httpx

from tests.bookings.helpers import student
from tests.factories import Tenant, auth
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.waitlist.helpers import email, full_session, join

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def _leave_link(inbox: Inbox, address: str) -> str:
    [mail] = inbox.to(address)
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    found = re.search(r"http://testserver(/waitlist/\S+/leave\?\S+)", text)
    assert found, text
    return found.group(1)


async def test_the_student_is_emailed_their_place_and_leaves_with_the_link(
    client: httpx.AsyncClient, tenant: Tenant, inbox: Inbox, database_url: str
) -> None:
    et = await full_session(client, tenant, title="Atelier d'écriture")
    ahead, student_email = email("ahead"), email("camille")
    data(await join(client, et["id"], attendee=student(ahead)), 201)
    mine = data(await join(client, et["id"], attendee=student(student_email, language="fr")), 201)
    await run_jobs(database_url)
    [mail] = inbox.to(student_email)
    assert str(mail["Subject"]).startswith("Sur la liste d'attente : Atelier d'écriture le lundi")
    assert "numéro 2" in mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    link = _leave_link(inbox, student_email)
    # A stranger with the uid and a made-up token, or another entry's token: the same 404.
    assert (await client.get(f"/waitlist/{mine['uid']}/leave?token=1.x")).status_code == 404
    other_uid = link.split("/")[2]
    assert other_uid == mine["uid"]
    page = await client.get(link)
    assert page.status_code == 200 and 'id="position">2<' in page.text
    assert "Quitter la liste" in page.text
    token = re.search(r"token=([^&]+)", link).group(1)  # type: ignore[union-attr]
    forged = await client.post(
        f"/waitlist/{mine['uid']}/leave", data={"token": token, "csrf": "forged"}
    )
    assert forged.status_code == 403
    csrf = CSRF.search(page.text).group(1)  # type: ignore[union-attr]
    left = await client.post(
        f"/waitlist/{mine['uid']}/leave", data={"token": token, "csrf": csrf, "lang": "fr"}
    )
    assert left.status_code == 303
    after = await client.get(left.headers["location"])
    assert 'id="left-note"' in after.text and 'id="leave-button"' not in after.text
    line = data(
        await client.get(
            "/v2/waitlist",
            params={"eventTypeId": et["id"], "start": mine["start"]},
            headers=tenant.headers,
        )
    )
    assert [(e["email"], e["status"], e["position"]) for e in line] == [
        (ahead, "waiting", 1),
        (student_email, "left", 0),
    ]
    assert line[1]["endedAt"] is not None
    # Once out of line, the student may join again, at the end.
    again = data(await join(client, et["id"], attendee=student(student_email)), 201)
    assert again["position"] == 2 and again["uid"] != mine["uid"]


async def test_staff_remove_a_student_and_strangers_cannot(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    et = await full_session(client, tenant)
    entry = data(await join(client, et["id"]), 201)
    path = f"/v2/waitlist/{entry['uid']}"
    assert_error(await client.delete(path), 401, "missing_api_key")
    assert_error(await client.delete(path, headers=other_tenant.headers), 404, "not_found")
    assert_error(await client.delete("/v2/waitlist/nope", headers=tenant.headers), 404, "not_found")
    removed = data(await client.delete(path, headers=tenant.headers))
    assert removed["status"] == "left" and removed["position"] == 0
    # Removing twice changes nothing.
    assert data(await client.delete(path, headers=auth(tenant.owner_key)))["status"] == "left"
