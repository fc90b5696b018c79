"""The one client for outgoing HTTP (webhooks, Immersio, images): it refuses to reach
loopback, private, link-local (cloud metadata), multicast and reserved addresses.

The check is made on the address actually connected to: the name is resolved once, every
address it resolves to must be public, and the connection goes to that vetted address (the
Host header and TLS server name keep the original name), so a DNS answer that changes
between check and connect (rebinding) cannot slip through. Tests and local development set
``IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS=true``.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import weakref
from functools import lru_cache
from urllib.parse import urlsplit

import httpx

from immersio_booking.kit.errors import BadRequest


class UnsafeTarget(BadRequest):
    reason = "unsafe_target"


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return not (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
    )


async def vetted_addresses(url: str, allow_private: bool) -> tuple[str, list[str]]:
    """The host of ``url`` and the addresses it may be reached at (all of them public)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("Only http(s) URLs with a host are allowed")
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:  # an address literal needs no resolver (a thread hop per request otherwise)
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            loop = asyncio.get_running_loop()
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise UnsafeTarget(f"The host {host} cannot be resolved") from exc
        addresses = sorted({str(info[4][0]) for info in infos})
    if not allow_private and not all(is_public(a) for a in addresses):
        raise UnsafeTarget(
            f"{host} points to a private, loopback or link-local address; only public"
            " addresses may be called"
        )
    return host, addresses


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~17 ms and blocks the event loop: do it once per process."""
    return ssl.create_default_context()


class _VettedTransport(httpx.AsyncBaseTransport):
    def __init__(self, allow_private: bool) -> None:
        self._allow_private = allow_private
        self._inner = httpx.AsyncHTTPTransport(retries=0, verify=_tls_context())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host, addresses = await vetted_addresses(str(request.url), self._allow_private)
        target = addresses[0]
        literal = f"[{target}]" if ":" in target else target
        request.url = request.url.copy_with(host=literal)
        request.headers["Host"] = host if request.url.port is None else f"{host}:{request.url.port}"
        request.extensions = {**request.extensions, "sni_hostname": host}
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def safe_client(allow_private: bool, timeout: float = 10.0) -> httpx.AsyncClient:
    """An httpx client that only reaches vetted addresses and never follows redirects."""
    return httpx.AsyncClient(
        transport=_VettedTransport(allow_private), timeout=timeout, follow_redirects=False
    )


_pooled: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[bool, float], httpx.AsyncClient]
] = weakref.WeakKeyDictionary()


def pooled_client(allow_private: bool, timeout: float = 10.0) -> httpx.AsyncClient:
    """One long-lived safe client per event loop (a worker's): connections to a subscriber
    are kept alive between deliveries. Every request is still vetted before it is sent."""
    per_loop = _pooled.setdefault(asyncio.get_running_loop(), {})
    client = per_loop.get((allow_private, timeout))
    if client is None or client.is_closed:
        client = per_loop[(allow_private, timeout)] = safe_client(allow_private, timeout)
    return client
