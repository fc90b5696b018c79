"""The booking page offers the waitlist of a full session, and joins it without JavaScript;
``/v2/slots`` keeps leaving full sessions out (Cal.com's answer)."""

from __future__ import annotations

import re

import httpx

from tests.bookings.helpers import MONDAY
from tests.factories import Tenant
from tests.helpers import data
from tests.waitlist.helpers import START, email, full_session

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


async def test_a_full_session_is_offered_with_its_waitlist_and_joined_without_js(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await full_session(client, tenant)
    slots = data(
        await client.get(
            "/v2/slots", params={"eventTypeId": et["id"], "start": str(MONDAY), "end": str(MONDAY)}
        )
    )
    assert START.replace(":00Z", ":00.000Z") not in [s["start"] for s in slots.get(str(MONDAY), [])]
    url = f"/{tenant.slug}/{et['slug']}?tz=UTC&date={MONDAY}&lang=fr"
    page = await client.get(url)
    assert page.status_code == 200
    assert "Complet — inscrivez-vous sur la liste d'attente" in page.text
    assert f'value="{START.replace("Z", "+00:00")}"' in page.text
    student = email("page")
    form = {
        "csrf": CSRF.search(page.text).group(1),  # type: ignore[union-attr]
        "eventTypeId": str(et["id"]),
        "start": START,
        "name": "Élise",
        "email": student,
        "tz": "UTC",
        "lang": "fr",
    }
    joined = await client.post("/waitlist/join", data=form)
    assert joined.status_code == 303, joined.text
    assert "waitlisted=1" in joined.headers["location"]
    back = await client.get(joined.headers["location"])
    assert "numéro 1 dans la file" in back.text
    again = await client.post("/waitlist/join", data=form)
    assert again.status_code == 303  # back to the page, the refusal beside the form
    assert "waitlistRefused=already_waiting" in again.headers["location"]
    refused = await client.get(again.headers["location"])
    assert "Vous êtes déjà sur la liste d" in refused.text
    assert 'id="waitlist-error" role="alert">' in refused.text
    forged = await client.post("/waitlist/join", data={**form, "csrf": "forged"})
    assert forged.status_code == 403
