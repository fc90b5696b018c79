"""PyPI ``iflow-mcp-danielpeter-99-calcom-mcp`` 0.1.1 (module ``app``) against our API.

Every function of the client is either called below against the running service or listed in
``NOT_SERVED`` with the reason; a function a new release adds fails ``test_every_function_is_
accounted_for`` until it is one or the other (docs/api-versions.md keeps the same table).
"""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest

from tests import dates
from tests.bookings.helpers import MONDAY, teacher_hours
from tests.clients.conftest import assert_accounted_for, conversation_club, failed, pointed, refused
from tests.factories import Tenant
from tests.helpers import data

pytestmark = pytest.mark.clients

CALLED = {
    "get_api_status",
    "list_event_types",
    "get_bookings",
    "create_booking",
    "list_schedules",
    "list_teams",
    "list_webhooks",
}
NOT_SERVED = {
    "list_users": "GET /v2/users: Cal.com has no such route (a school's members are at "
    "GET /v2/organizations/{orgId}/users); 404",
    "main": "starts the MCP server over stdio; no API call",
}


@pytest.fixture
def iflow(monkeypatch: pytest.MonkeyPatch, api_url: str, tenant: Tenant) -> ModuleType:
    return pointed(monkeypatch, "app", api_url, tenant.owner_key)


def test_every_function_is_accounted_for(iflow: ModuleType) -> None:
    assert_accounted_for(iflow, CALLED, NOT_SERVED)


async def test_event_types_and_bookings(
    iflow: ModuleType, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await conversation_club(iflow, client, tenant)
    # Sent without cal-api-version: Cal.com's 2024-04-15 event-type groups.
    [listed] = iflow.list_event_types()
    assert (listed["id"], listed["title"], listed["slug"]) == (et["id"], et["title"], et["slug"])
    assert (listed["length_minutes"], listed["owner_profile_slug"]) == (60, "owner")

    made = [
        iflow.create_booking(
            dates.at(MONDAY, hhmm), name, email, "Europe/Paris", event_type_id=et["id"]
        )
        for hhmm, name, email in (
            ("10:00", "Ada Student", "ada@example.com"),
            ("12:00", "Bo Student", "bo@example.com"),
        )
    ]
    assert [b["data"]["start"] for b in made] == [
        dates.at(MONDAY, "10:00"),
        dates.at(MONDAY, "12:00"),
    ]

    # Without a header: the legacy listing, upcoming bookings; `take` is its page size.
    listed_bookings = iflow.get_bookings()["data"]
    assert [b["uid"] for b in listed_bookings["bookings"]] == [b["data"]["uid"] for b in made]
    first_page = iflow.get_bookings(limit=1)["data"]
    assert (len(first_page["bookings"]), first_page["nextCursor"]) == (1, 1)
    # Its other filters are none of Cal.com's on that version: refused by name, never ignored.
    refused(
        iflow.get_bookings(
            event_type_id=et["id"],
            user_id=tenant.owner_id,
            status="ACCEPTED",
            date_from=dates.at(MONDAY, "00:00"),
            date_to=dates.at(MONDAY + dates.DAY, "00:00"),
        ),
        400,
        "dateFrom",
        "dateTo",
        "eventTypeId",
        "status",
        "userId",
    )


async def test_schedules_teams_and_webhooks(
    iflow: ModuleType, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    team = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams",
            headers=tenant.headers,
            json={"name": "Spanish Department"},
        ),
        201,
    )
    hook = data(
        await client.post(
            "/v2/webhooks",
            headers=tenant.headers,
            json={"subscriberUrl": "http://127.0.0.1:9/cal", "triggers": ["BOOKING_CREATED"]},
        ),
        201,
    )
    [schedule] = iflow.list_schedules()["data"]
    assert (schedule["name"], schedule["isDefault"]) == ("Hours", True)
    assert iflow.list_schedules(limit=None)["data"] == [schedule]
    refused(
        iflow.list_schedules(user_id=tenant.owner_id, team_id=team["id"]), 400, "userId", "teamId"
    )
    [mine] = iflow.list_teams()["data"]
    assert (mine["id"], mine["name"], mine["role"]) == (team["id"], "Spanish Department", "OWNER")
    assert [w["id"] for w in iflow.list_webhooks()["data"]] == [hook["id"]]
    assert not failed(iflow.list_webhooks(limit=None))
    # Not served: no such route at Cal.com either.
    refused(iflow.list_users(), 404, "/v2/users")
