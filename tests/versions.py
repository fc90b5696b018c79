"""Test clients speak each route's current ``cal-api-version``, as our pages and SDKs do.

Most tests call ``/v2/bookings`` or ``/v2/event-types`` without the header and expect today's
shapes; without a header those paths answer Cal.com's legacy 2024-04-15 shapes. The hook below
adds the current version of the path when a test did not set one; tests of the header itself
(tests/api/test_versions.py) use a client without the hook.
"""

from __future__ import annotations

import httpx

CURRENT = (
    ("/v2/bookings", "2024-08-13"),
    ("/v2/event-types", "2024-06-14"),
    ("/v2/slots", "2024-09-04"),
    ("/v2/schedules", "2024-06-11"),
)


async def send_current_version(request: httpx.Request) -> None:
    if "cal-api-version" in request.headers:
        return
    for prefix, version in CURRENT:
        if request.url.path == prefix or request.url.path.startswith(prefix + "/"):
            request.headers["cal-api-version"] = version
            return


HOOKS = {"request": [send_current_version]}
"""``event_hooks`` for an ``httpx.AsyncClient`` of the tests."""
