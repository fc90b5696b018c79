"""The 2024-06-14 event-type fields of issue 17: validated, stored, echoed, refused when wrong."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.bookings.helpers import workshop
from tests.factories import Tenant
from tests.helpers import data

GIVEN: dict[str, Any] = {
    "bookingLimitsCount": {"day": 2, "week": 5},
    "bookingLimitsDuration": {"day": 120},
    "bookerActiveBookingsLimit": {"maximumActiveBookings": 2, "offerReschedule": True},
    "onlyShowFirstAvailableSlot": True,
    "offsetStart": 15,
    "disableCancelling": True,
    "disableRescheduling": True,
    "interfaceLanguage": "fr",
    "allowReschedulingPastBookings": True,
    "allowReschedulingCancelledBookings": True,
    "lockTimeZoneToggleOnBookingPage": True,
    "bookerLayouts": {"defaultLayout": "week", "enabledLayouts": ["month", "week"]},
    "calVideoSettings": {
        "disableRecordingForGuests": True,
        "redirectUrlOnExit": "https://school.example/bye",
    },
    "destinationCalendar": {"integration": "google_calendar", "externalId": "a@example.com"},
    "useDestinationCalendarEmail": True,
    "showOptimizedSlots": True,
}


async def test_every_field_is_stored_and_returned_as_given(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et = await workshop(client, tenant, **GIVEN)
    for key, value in GIVEN.items():
        assert et[key] == value, key
    again = data(await client.get(f"/v2/event-types/{et['id']}", headers=tenant.headers))
    assert {k: again[k] for k in GIVEN} == GIVEN


async def test_defaults_and_switching_off(client: httpx.AsyncClient, tenant: Tenant) -> None:
    plain = await workshop(client, tenant)
    assert plain["bookingLimitsCount"] == {}
    assert plain["bookerActiveBookingsLimit"] == {"disabled": True}
    assert plain["offsetStart"] == 0
    assert plain["disableCancelling"] is False
    et = await workshop(client, tenant, **GIVEN)
    patched = data(
        await client.patch(
            f"/v2/event-types/{et['id']}",
            headers=tenant.headers,
            json={
                "bookingLimitsCount": {"disabled": True},
                "bookerActiveBookingsLimit": {"disabled": True},
                "disableCancelling": False,
            },
        )
    )
    assert patched["bookingLimitsCount"] == {}
    assert patched["bookerActiveBookingsLimit"] == {"disabled": True}
    assert patched["disableCancelling"] is False
    assert patched["bookingLimitsDuration"] == {"day": 120}  # untouched


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("bookingLimitsCount", {"day": 5, "week": 2}),
        ("bookingLimitsCount", {}),
        ("bookingLimitsCount", {"day": 0}),
        ("bookingLimitsCount", {"fortnight": 3}),
        ("bookingLimitsDuration", {"day": 5}),
        ("bookerActiveBookingsLimit", {"maximumActiveBookings": 0}),
        ("offsetStart", -5),
        ("interfaceLanguage", "de"),
        ("bookerLayouts", {"defaultLayout": "week", "enabledLayouts": ["month"]}),
        ("calVideoSettings", {"disableRecordingForGuests": "maybe"}),
        ("calVideoSettings", {"recordEverything": True}),
        ("destinationCalendar", {"integration": "google_calendar"}),
    ],
)
async def test_bad_shapes_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, field: str, value: Any
) -> None:
    response = await client.post(
        "/v2/event-types",
        headers=tenant.headers,
        json={"lengthInMinutes": 30, "title": "W", "slug": "w-bad", field: value},
    )
    assert 400 <= response.status_code < 500, response.text
    assert field in response.text or "interfaceLanguage" in response.text, response.text


async def test_active_bookings_limit_and_recurrence_do_not_combine(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post(
        "/v2/event-types",
        headers=tenant.headers,
        json={
            "lengthInMinutes": 30,
            "title": "W",
            "slug": "w-series",
            "recurrence": {"frequency": "weekly", "interval": 1, "occurrences": 4},
            "bookerActiveBookingsLimit": {"maximumActiveBookings": 1},
        },
    )
    assert response.status_code == 400, response.text
    assert response.json()["error"]["details"]["reason"] == "invalid_booker_active_bookings_limit"
