"""``GET /v2/timezones`` (Cal.com): every zone by its city, public and cached."""

from __future__ import annotations

import httpx

from tests.factories import auth
from tests.helpers import assert_error, data


async def test_timezones_are_public_cached_and_name_cities(client: httpx.AsyncClient) -> None:
    response = await client.get("/v2/timezones")
    zones = data(response)
    assert "public" in response.headers["cache-control"]
    assert {"city": "Paris", "timeZone": "Europe/Paris"} in zones
    assert {"city": "New York", "timeZone": "America/New_York"} in zones
    assert len({z["timeZone"] for z in zones}) == len(zones) > 300
    assert [z["city"].lower() for z in zones] == sorted(z["city"].lower() for z in zones)


async def test_timezones_refuse_a_bad_key(client: httpx.AsyncClient) -> None:
    assert_error(
        await client.get("/v2/timezones", headers=auth("cal_live_x")), 401, "invalid_api_key"
    )
