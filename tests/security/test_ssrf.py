"""Outgoing requests go only to public addresses on allowed ports, read a capped body and
give up after a total time (issue 12, item 7)."""

from __future__ import annotations

import time

import httpx
import pytest

from immersio_booking.config import Settings
from immersio_booking.immersio.client import ImmersioBadResponse, ImmersioClient
from immersio_booking.kit.http import (
    OutgoingPolicy,
    ResponseTooLarge,
    UnsafeTarget,
    is_public,
    safe_client,
    vetted_addresses,
)
from tests.security.peer import peer

STRICT = OutgoingPolicy()
LOCAL = OutgoingPolicy(allow_private=True, max_response_bytes=256 * 1024, timeout=1.0)

NOT_PUBLIC = [
    "100.64.0.1",  # carrier-grade NAT: cloud metadata on some providers
    "100.127.255.254",
    "169.254.169.254",  # link-local: cloud metadata
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::a9fe:a9fe",  # local-use NAT64
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:a9fe:a9fe",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "fc00::1",
    "fd00:ec2::254",  # AWS metadata over IPv6
    "fe80::1",
    "0.0.0.0",  # an address under test, not a bind
    "::",
    "127.0.0.1",
    "::1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "192.0.0.170",
    "198.18.0.1",
    "224.0.0.1",  # multicast
    "239.255.255.250",
    "ff02::1",
    "ff0e::1",  # global-scope multicast is still not a web server
    "240.0.0.1",
    "255.255.255.255",
    "2001:db8::1",
    "2001::1",  # Teredo
]
PUBLIC = ["93.184.216.34", "2606:4700::6810:85e5", "2002:5db8:d822::", "64:ff9b::5db8:d822"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
async def test_non_public_addresses_are_refused(address: str) -> None:
    assert not is_public(address)
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(UnsafeTarget):
        await vetted_addresses(f"https://{literal}/latest/meta-data", STRICT)


@pytest.mark.parametrize("address", PUBLIC)
async def test_public_addresses_are_admitted(address: str) -> None:
    assert is_public(address)
    literal = f"[{address}]" if ":" in address else address
    assert (await vetted_addresses(f"https://{literal}/hook", STRICT))[1] == [address]


async def test_a_name_that_resolves_to_loopback_is_refused() -> None:
    with pytest.raises(UnsafeTarget, match="non-public"):
        await vetted_addresses("http://localhost/x", STRICT)
    with pytest.raises(UnsafeTarget, match="non-public"):
        await vetted_addresses("http://0x7f.1/x", STRICT)  # 127.0.0.1 written another way


@pytest.mark.parametrize("port", [22, 25, 2375, 6379, 8080, 8443])
async def test_public_targets_only_on_allowed_ports(port: int) -> None:
    with pytest.raises(UnsafeTarget, match=f"Port {port}"):
        await vetted_addresses(f"https://93.184.216.34:{port}/hook", STRICT)
    wider = OutgoingPolicy(allowed_ports=frozenset({80, 443, port}))
    await vetted_addresses(f"https://93.184.216.34:{port}/hook", wider)
    # The private-targets setting does not open odd ports on public addresses.
    with pytest.raises(UnsafeTarget, match=f"Port {port}"):
        await vetted_addresses(f"https://93.184.216.34:{port}/hook", LOCAL)


def test_allowed_ports_is_a_setting() -> None:
    settings = Settings(outgoing_allowed_ports="443, 8443")
    assert OutgoingPolicy.of(settings).allowed_ports == {443, 8443}
    assert OutgoingPolicy.of(Settings()).allowed_ports == {80, 443}
    with pytest.raises(ValueError, match="port numbers"):
        Settings(outgoing_allowed_ports="443,http")


async def test_a_local_server_is_refused_without_the_setting_and_reached_with_it() -> None:
    with peer() as server:
        async with safe_client(STRICT) as client:
            with pytest.raises(UnsafeTarget):
                await client.get(f"{server.base}/ok")
        assert server.paths == []
        # Loopback on any port when the setting is on (local development, tests).
        async with safe_client(LOCAL) as client:
            response = await client.get(f"{server.base}/ok")
        assert response.status_code == 200 and response.text == "ok"
        assert server.paths == ["/ok"]


@pytest.mark.parametrize("path", ["/huge", "/huge-chunked"])
async def test_an_answer_past_the_body_cap_is_cut_off(path: str) -> None:
    with peer() as server:
        started = time.monotonic()
        async with safe_client(LOCAL) as client:
            with pytest.raises(ResponseTooLarge):
                await client.get(f"{server.base}{path}")
            # Streaming stops reading at the cap too.
            with pytest.raises(ResponseTooLarge):
                async with client.stream("GET", f"{server.base}{path}") as response:
                    async for _ in response.aiter_bytes():
                        pass
        assert time.monotonic() - started < 5  # 200 MB were offered, not read


async def test_the_immersio_client_refuses_an_oversized_page() -> None:
    with peer() as server:
        async with ImmersioClient(server.base, "org", "key", policy=LOCAL) as api:
            # Its root answers with an endless body: a bad answer, not retried for ever.
            api._root = f"{server.base}/huge-chunked"
            with pytest.raises(ImmersioBadResponse, match="larger than"):
                await api.organization()


@pytest.mark.parametrize("path", ["/silent", "/trickle"])
async def test_a_peer_that_never_finishes_answering_times_out(path: str) -> None:
    policy = OutgoingPolicy(allow_private=True, timeout=0.5)
    with peer() as server:
        started = time.monotonic()
        async with safe_client(policy) as client:
            with pytest.raises(httpx.TimeoutException):
                await client.get(f"{server.base}{path}")
        # A total deadline: a byte every 0.1 s never trips a per-read timeout, this does.
        assert time.monotonic() - started < 2
