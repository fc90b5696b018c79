"""PyPI ``calcom-mcp-for-customers`` 1.7.0 (``calcom_mcp_for_customers.server``) against our API.

Every function of the client is called below against the running service, or listed in
``NOT_SERVED`` with the reason (docs/api-versions.md keeps the same table).
"""

from __future__ import annotations

from types import ModuleType

import httpx
import pytest

from tests import dates
from tests.bookings.helpers import MONDAY
from tests.clients.conftest import assert_accounted_for, conversation_club, failed, pointed
from tests.factories import Tenant

pytestmark = pytest.mark.clients

CALLED = {"get_api_status", "list_event_types", "get_bookings", "create_booking"}
NOT_SERVED = {
    "get_current_datetime": "reads the caller's own clock; no API call",
}


@pytest.fixture
def customers(monkeypatch: pytest.MonkeyPatch, api_url: str, tenant: Tenant) -> ModuleType:
    return pointed(monkeypatch, "calcom_mcp_for_customers.server", api_url, tenant.owner_key)


def test_every_function_is_accounted_for(customers: ModuleType) -> None:
    assert_accounted_for(customers, CALLED, NOT_SERVED)


async def test_a_student_books_through_the_client(
    customers: ModuleType, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await conversation_club(customers, client, tenant)
    [listed] = customers.list_event_types()  # no header: 2024-04-15's event-type groups
    assert (listed["id"], listed["slug"], listed["length_minutes"]) == (et["id"], et["slug"], 60)

    by_id = customers.create_booking(
        dates.at(MONDAY, "10:00"),
        "Ada Student",
        "ada@example.com",
        "Europe/Paris",
        event_type_id=et["id"],
        attendee_language="fr",
        metadata={"course": "B1"},
    )["data"]
    assert (by_id["start"], by_id["duration"], by_id["metadata"]["course"]) == (
        dates.at(MONDAY, "10:00"),
        60,
        "B1",
    )
    assert by_id["attendees"][0]["language"] == "fr"
    # The workshop named by its slug, its teacher and the school, as on a booking link.
    by_slug = customers.create_booking(
        dates.at(MONDAY, "12:00"),
        "Bo Student",
        "bo@example.com",
        "America/New_York",
        event_type_slug=et["slug"],
        username="owner",
        organization_slug=tenant.slug,
    )["data"]
    assert (by_slug["eventTypeId"], by_slug["start"]) == (et["id"], dates.at(MONDAY, "12:00"))

    day = customers.get_bookings(
        date_from=dates.at(MONDAY, "00:00"), date_to=dates.at(MONDAY + dates.DAY, "00:00")
    )
    assert [(b["id"], b["duration_minutes"]) for b in day["bookings"]] == [
        (by_id["id"], 60),
        (by_slug["id"], 60),
    ]
    assert day["total_count"] == 2
    one = customers.get_bookings(
        event_type_id=et["id"],
        date_from=dates.at(MONDAY, "11:00"),
        date_to=dates.at(MONDAY + dates.DAY, "00:00"),
        limit=1,
    )
    assert ([b["id"] for b in one["bookings"]], one["total_count"]) == ([by_slug["id"]], 1)
    # Its default window is the next twelve hours of the caller's own clock: nothing booked.
    assert customers.get_bookings() == {"bookings": [], "total_count": 0}
    assert not failed(customers.get_bookings(limit=None))
