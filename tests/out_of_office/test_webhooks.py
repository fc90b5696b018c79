"""OOO_CREATED to a real receiver: the school's webhooks get every entry, a teacher's own
webhook gets the teacher's entries, in Cal.com's ``oooEntry`` payload."""

from __future__ import annotations

import hashlib
import hmac
import json

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests import dates
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.out_of_office.helpers import ME, away
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_deliveries import subscribe

MONDAY = dates.first_monday(2)


async def test_ooo_created_reaches_the_schools_and_the_teachers_webhooks(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    hooks: Receiver,
    database_url: str,
) -> None:
    colleague = await make_member(sessionmaker, tenant)
    school = await subscribe(client, tenant, hooks.base + "/school", "OOO_CREATED")
    await subscribe(client, tenant, hooks.base + "/bookings", "BOOKING_CREATED")
    data(
        await client.post(
            "/v2/webhooks",
            headers=colleague.headers,
            json={"subscriberUrl": hooks.base + "/mine", "triggers": ["OOO_CREATED"]},
        ),
        201,
    )
    owners = await away(
        client,
        tenant,
        f"{MONDAY}T09:00:00+01:00",
        f"{MONDAY}T17:00:00+01:00",
        reason="vacation",
        notes="Away",
        toUserId=colleague.id,
    )
    colleagues = await away(client, colleague, dates.at(MONDAY, "18:00"), dates.at(MONDAY, "20:00"))
    # a refused entry tells nobody
    assert_error(
        await client.post(
            ME,
            headers=colleague.headers,
            json={"start": dates.at(MONDAY, "19:00"), "end": dates.at(MONDAY, "21:00")},
        ),
        409,
        "out_of_office_overlap",
    )
    await run_jobs(database_url)

    got = hooks.at("/school")
    bodies = [json.loads(r.body) for r in got]
    assert [b["triggerEvent"] for b in bodies] == ["OOO_CREATED", "OOO_CREATED"]
    entries = {b["payload"]["oooEntry"]["id"]: b["payload"]["oooEntry"] for b in bodies}
    assert set(entries) == {owners["id"], colleagues["id"]}
    sent = entries[owners["id"]]
    assert sent["uuid"] == owners["uuid"]
    assert sent["start"] == f"{MONDAY}T08:00:00.000Z" and sent["end"] == f"{MONDAY}T16:00:00.000Z"
    assert sent["reason"] == {"reason": "vacation"} and sent["reasonId"] == 2
    assert sent["notes"] == "Away"
    assert sent["user"]["id"] == tenant.owner_id and sent["user"]["email"] == tenant.owner_email
    assert sent["toUser"]["id"] == colleague.id
    assert entries[colleagues["id"]]["toUser"] is None
    for r in got:
        expected = hmac.new(str(school["secret"]).encode(), r.body, hashlib.sha256).hexdigest()
        assert r.headers["x-cal-signature-256"] == expected
    # the colleague's own webhook hears only the colleague's entry; booking hooks hear nothing
    mine = [json.loads(r.body)["payload"]["oooEntry"]["id"] for r in hooks.at("/mine")]
    assert mine == [colleagues["id"]]
    assert hooks.at("/bookings") == []
