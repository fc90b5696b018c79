"""``GET /v2/calendars`` names where the caller's sessions are written: the calendar they
chose, else the default one; never another teacher's."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from tests.calendars_out.conftest import Dav
from tests.calendars_out.helpers import caldav_credential, choose_destination, make_calendar
from tests.factories import Tenant, make_member
from tests.helpers import data


async def test_the_chosen_or_default_destination_is_listed_to_its_teacher_only(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    dav: Dav,
) -> None:
    credential_id = await caldav_credential(sessionmaker, settings, tenant.id, tenant.owner_id, dav)
    calendars = {await make_calendar(dav), await make_calendar(dav)}

    listed = data(await client.get("/v2/calendars", headers=tenant.headers))
    (connected,) = listed["connectedCalendars"]
    assert {c["externalId"] for c in connected["calendars"]} == calendars
    default = listed["destinationCalendar"]
    assert default["id"] is None  # none chosen: the primary calendar of the credential
    assert default["externalId"] == connected["primary"]["externalId"]
    assert (default["integration"], default["credentialId"]) == ("caldav_calendar", credential_id)

    (other,) = calendars - {default["externalId"]}
    chosen = await choose_destination(client, tenant.headers, other)
    destination = data(await client.get("/v2/calendars", headers=tenant.headers))[
        "destinationCalendar"
    ]
    assert destination["id"] is not None and destination["externalId"] == other
    assert destination["userId"] == chosen["userId"] == tenant.owner_id
    (named,) = [c["name"] for c in connected["calendars"] if c["externalId"] == other]
    assert destination["name"] == named

    # a colleague in the same school sees no destination of theirs (they have no calendar)
    colleague = await make_member(sessionmaker, tenant)
    theirs = data(await client.get("/v2/calendars", headers=colleague.headers))
    assert theirs == {"connectedCalendars": [], "destinationCalendar": None}
