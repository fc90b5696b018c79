"""Abuse controls on anonymous writes and reads: rate limits shared by every API process,
answered 429 with Retry-After in Cal.com's error envelope; caps on open unpaid holds."""

from __future__ import annotations

import asyncio
import secrets
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request

from immersio_booking.config import Settings, proxy_networks
from immersio_booking.ratelimits.addresses import client_address
from immersio_booking.ratelimits.limiter import Limit, judge
from tests import dates
from tests.bookings.helpers import book, student, teacher_hours, workshop
from tests.factories import Tenant, auth
from tests.helpers import assert_error, data
from tests.security.limits import limited, some_address
from tests.served import serving


def slot(hour: int, weeks_ahead: int = 3) -> str:
    return dates.at(dates.monday(weeks_ahead), f"{hour:02d}:00")


def assert_limited(response: httpx.Response, limit: str) -> int:
    body = assert_error(response, 429, "rate_limited")
    assert body["error"]["code"] == "ThrottlerException"
    details = body["error"]["details"]
    assert details["limit"] == limit
    retry_after = int(response.headers["Retry-After"])
    assert details["retryAfter"] == retry_after and 0 < retry_after <= 2 * details["windowSeconds"]
    return retry_after


async def test_bookings_per_client_address_are_limited(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    async with limited(settings, engine, rate_limit_bookings_per_address="2/hour") as visitor:
        data(await book(visitor, et["id"], slot(9)), 201)
        data(await book(visitor, et["id"], slot(10)), 201)
        assert_limited(await book(visitor, et["id"], slot(11)), "bookings_per_address")
        # The refusal wrote nothing: the slot is still free for someone else.
    async with limited(settings, engine) as other:
        data(await book(other, et["id"], slot(11)), 201)


async def test_bookings_per_attendee_email_are_limited_from_any_address(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    email = f"spam-{secrets.token_hex(4)}@example.com"
    for hour in (9, 10, 11):
        async with limited(settings, engine, rate_limit_bookings_per_email="2/hour") as visitor:
            response = await book(visitor, et["id"], slot(hour), attendee=student(email))
    assert_limited(response, "bookings_per_email")


async def test_bookings_per_workshop_are_limited_across_addresses_and_emails(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    answers = []
    for hour in (9, 10, 11):
        async with limited(settings, engine, rate_limit_bookings_per_event_type="2/hour") as v:
            answers.append(await book(v, et["id"], slot(hour)))
    assert [r.status_code for r in answers[:2]] == [201, 201]
    assert_limited(answers[2], "bookings_per_event_type")


async def test_reservations_booking_pages_and_slot_reads_are_limited(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    tight = {
        "rate_limit_reservations_per_address": "1/hour",
        "rate_limit_slot_reads_per_address": "2/minute",
        "rate_limit_booking_pages_per_address": "1/minute",
    }
    async with limited(settings, engine, **tight) as visitor:
        hold = {"eventTypeId": et["id"], "slotStart": slot(9)}
        data(await visitor.post("/v2/slots/reservations", json=hold), 201)
        hold["slotStart"] = slot(10)
        assert_limited(
            await visitor.post("/v2/slots/reservations", json=hold), "reservations_per_address"
        )

        query = {"eventTypeId": et["id"], "start": slot(0), "end": slot(23)}
        for _ in range(2):
            data(await visitor.get("/v2/slots", params=query))
        assert_limited(await visitor.get("/v2/slots", params=query), "slot_reads_per_address")

        page = f"/{tenant.slug}/{et['slug']}"
        assert (await visitor.get(page)).status_code == 200
        refused = await visitor.get(page)
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
        assert "text/html" in refused.headers["content-type"]


async def test_staff_keys_and_the_switch_are_not_limited(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    async with limited(settings, engine, rate_limit_bookings_per_address="1/hour") as staff:
        for hour in (9, 10, 11):
            data(await book(staff, et["id"], slot(hour), headers=tenant.headers), 201)
    off = {"rate_limits_enabled": False, "rate_limit_bookings_per_address": "1/hour"}
    async with limited(settings, engine, **off) as load_test:
        for hour in (12, 13):
            data(await book(load_test, et["id"], slot(hour)), 201)


async def test_a_forged_forwarded_for_header_does_not_reset_the_count(
    settings: Settings, engine: AsyncEngine
) -> None:
    """The attacker sends a new X-Forwarded-For with every request to look like many clients."""
    async with limited(settings, engine, rate_limit_slot_reads_per_address="3/minute") as attacker:
        answers = [
            await attacker.get("/v2/slots", headers={"X-Forwarded-For": f"192.0.2.{n}"})
            for n in range(4)
        ]
    assert [r.status_code for r in answers[:3]] == [400, 400, 400]  # no query: 400, but counted
    assert_limited(answers[3], "slot_reads_per_address")


async def test_forwarded_for_is_read_only_from_trusted_proxies(
    settings: Settings, engine: AsyncEngine
) -> None:
    proxy = some_address()
    behind = {"trusted_proxies": "10.0.0.0/8", "rate_limit_slot_reads_per_address": "1/minute"}
    first, second = "198.51.100.7", "198.51.100.8"
    async with limited(settings, engine, proxy, **behind) as via_proxy:
        # Each client behind the proxy has its own count.
        assert (
            await via_proxy.get("/v2/slots", headers={"X-Forwarded-For": first})
        ).status_code == 400
        assert (
            await via_proxy.get("/v2/slots", headers={"X-Forwarded-For": second})
        ).status_code == 400
        # A client that forges a hop to the left is still known by the hop the proxy wrote.
        forged = {"X-Forwarded-For": f"203.0.113.99, {first}"}
        assert_limited(await via_proxy.get("/v2/slots", headers=forged), "slot_reads_per_address")


def test_sliding_window_counts_the_previous_window_by_its_overlap() -> None:
    limit = Limit("x", "x", 10, 60)
    assert judge(limit, current=10, previous=0, elapsed=30).allowed
    assert not judge(limit, current=11, previous=0, elapsed=30).allowed
    # Ten hits at the end of the previous window still weigh 5 half-way through this one.
    assert not judge(limit, current=6, previous=10, elapsed=30).allowed
    assert judge(limit, current=5, previous=10, elapsed=30).allowed
    refused = judge(limit, current=11, previous=0, elapsed=59)
    assert 1 <= refused.retry_after <= 120


def _served_pair(data_dir: Path, database_url: str, secret: str, rate: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "IMMERSIO_DATA_DIR": str(data_dir),
        "IMMERSIO_RATE_LIMITS_ENABLED": "true",
        # Its own secret: its counter keys are its own, whatever other tests counted before.
        "IMMERSIO_SECRET_KEY": secret,
        "IMMERSIO_RATE_LIMIT_SLOT_READS_PER_ADDRESS": rate,
    }


@pytest.mark.race
async def test_the_limit_holds_in_total_across_api_processes_under_a_race(
    data_dir: Path, database_url: str
) -> None:
    """Two real API processes on one database, 40 concurrent requests from one client: exactly
    the limit get through, wherever they land."""
    env = _served_pair(data_dir, database_url, secrets.token_urlsafe(32), "15/hour")
    with serving(**env) as first, serving(**env) as second:
        async with httpx.AsyncClient(timeout=30) as http:
            answers = await asyncio.gather(
                *(
                    http.get(
                        f"{(first, second)[n % 2]}/v2/slots",
                        headers={"X-Forwarded-For": f"192.0.2.{n}"},
                    )
                    for n in range(40)
                )
            )
    by_process: dict[str, Counter[int]] = {first: Counter(), second: Counter()}
    for response in answers:
        by_process[str(response.request.url).split("/v2")[0]][response.status_code] += 1
    allowed = sum(c[400] for c in by_process.values())
    assert allowed == 15, by_process
    assert sum(c[429] for c in by_process.values()) == 25
    assert all(c[429] for c in by_process.values()), "each process refused some"


async def test_unpaid_holds_are_capped_per_email_and_per_address(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings, engine: AsyncEngine
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, price=1500, currency="eur")
    caps = {"max_open_holds_per_email": 2, "max_open_holds_per_address": 3}
    email = f"holder-{secrets.token_hex(4)}@example.com"
    address = some_address()
    async with limited(settings, engine, address, **caps) as visitor:
        for hour in (9, 10):
            held = data(await book(visitor, et["id"], slot(hour), attendee=student(email)), 201)
            assert held["status"] == "pending"
        refused = assert_error(
            await book(visitor, et["id"], slot(11), attendee=student(email)),
            409,
            "too_many_open_holds",
        )
        assert refused["error"]["details"]["limit"] == "open_holds_per_email"
        data(await book(visitor, et["id"], slot(11)), 201)  # another email, same address: 3rd
        refused = assert_error(await book(visitor, et["id"], slot(12)), 409, "too_many_open_holds")
        assert refused["error"]["details"]["limit"] == "open_holds_per_address"
        # Once a hold is paid, it is no longer open.
        paid = data(
            await client.post(f"/v2/bookings/{held['uid']}/mark-paid", headers=tenant.headers)
        )
        assert paid["paid"] is True
        data(await book(visitor, et["id"], slot(12)), 201)
    # Staff are not capped.
    async with limited(settings, engine, address, **caps) as staff:
        data(
            await book(staff, et["id"], slot(13), headers=tenant.headers, attendee=student(email)),
            201,
        )


async def test_unpaid_holds_do_not_count_against_the_monthly_plan_limit(
    client: httpx.AsyncClient, tenant: Tenant, platform_admin_key: str
) -> None:
    """Holds nobody pays cannot fill a school's month (each expires, but the month stays full
    while they are open)."""
    await teacher_hours(client, tenant)
    priced = await workshop(client, tenant, price=1500, currency="eur")
    free = await workshop(client, tenant)
    data(
        await client.put(
            f"/v2/organizations/{tenant.id}/subscription",
            headers=auth(platform_admin_key),
            json={"planType": "starter", "maxBookingsPerMonth": 2},
        )
    )
    for hour in (9, 10, 11):
        data(await book(client, priced["id"], slot(hour, weeks_ahead=3)), 201)
    data(await book(client, free["id"], slot(14, weeks_ahead=3)), 201)
    data(await book(client, free["id"], slot(15, weeks_ahead=3)), 201)
    assert_error(await book(client, free["id"], slot(16, weeks_ahead=3)), 403, "plan_limit_reached")


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 1234), "headers": headers})


def test_client_address_rules() -> None:
    proxies = proxy_networks("10.0.0.0/8, 2001:db8:ffff::1")
    # No trusted proxy: the peer, whatever the header says.
    assert client_address(_request("203.0.113.5", "198.51.100.1"), ()) == "203.0.113.5"
    # One IPv6 client holds a whole /64: it is counted as one.
    assert client_address(_request("2001:db8:1:2::7"), ()) == "2001:db8:1:2::/64"
    assert client_address(_request("2001:db8:1:2:ffff::9"), ()) == "2001:db8:1:2::/64"
    # Behind trusted proxies: the first hop from the right that no trusted proxy wrote.
    chain = "198.51.100.1, 203.0.113.5, 10.1.1.1"
    assert client_address(_request("10.0.0.2", chain), proxies) == "203.0.113.5"
    assert client_address(_request("2001:db8:ffff::1", "203.0.113.8"), proxies) == "203.0.113.8"
    # A trusted proxy that sent no (or a garbled) header: the proxy is the client.
    assert client_address(_request("10.0.0.2"), proxies) == "10.0.0.2"
    assert client_address(_request("10.0.0.2", "garbage"), proxies) == "10.0.0.2"
