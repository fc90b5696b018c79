"""The one client for outgoing HTTP (webhooks, Immersio, images): it reaches only globally
routable addresses on the allowed ports, reads at most a capped body and gives up after a
total time.

The check is made on the address actually connected to: the name is resolved once, every
address it resolves to must be public, and the connection goes to that vetted address (the
Host header and TLS server name keep the original name), so a DNS answer that changes
between check and connect (rebinding) cannot slip through. Addresses that carry an IPv4
address inside an IPv6 one (IPv4-mapped, 6to4, NAT64) are judged by the IPv4 address they
lead to. Tests and local development set ``IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS=true``,
which admits loopback and private targets on any port.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
import weakref
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import httpx

from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Ranges that Python 3.11's ``is_global`` still calls global but that lead nowhere public.
_NOT_GLOBAL = (
    ipaddress.ip_network("::/96"),  # IPv4-compatible (deprecated): ::a.b.c.d
    ipaddress.ip_network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215)
    ipaddress.ip_network("5f00::/16"),  # SRv6 segment identifiers (RFC 9602)
)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class UnsafeTarget(BadRequest):
    reason = "unsafe_target"


class ResponseTooLarge(Exception):
    """The peer sent more than the response-body cap; nothing past the cap was read."""


@dataclass(frozen=True)
class OutgoingPolicy:
    """Where outgoing requests may go and how much of an answer is read."""

    allow_private: bool = False
    allowed_ports: frozenset[int] = frozenset({80, 443})
    max_response_bytes: int = 5 * 1024 * 1024
    timeout: float = 15.0

    @classmethod
    def of(cls, settings: Settings) -> OutgoingPolicy:
        return cls(
            allow_private=settings.allow_private_network_targets,
            allowed_ports=frozenset(settings.outgoing_ports),
            max_response_bytes=settings.outgoing_max_response_bytes,
            timeout=settings.outgoing_timeout_seconds,
        )


def _routable(ip: IPAddress) -> bool:
    return (
        ip.is_global
        and not ip.is_multicast
        and not ip.is_reserved
        and not ip.is_unspecified
        and not (isinstance(ip, ipaddress.IPv6Address) and any(ip in n for n in _NOT_GLOBAL))
    )


def is_public(address: str) -> bool:
    """True when ``address`` is globally routable, and so is any IPv4 address inside it."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _routable(ip.ipv4_mapped)
        if ip in _NAT64:  # inside ::/8, which Python calls reserved: judge the IPv4 alone
            return _routable(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if ip.sixtofour is not None and not _routable(ip.sixtofour):
            return False
    return _routable(ip)


async def vetted_addresses(url: str, policy: OutgoingPolicy) -> tuple[str, list[str]]:
    """The host of ``url`` and the addresses it may be reached at (all of them allowed)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeTarget("Only http(s) URLs with a host are allowed")
    host = parts.hostname
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise UnsafeTarget("The URL's port is not a number between 0 and 65535") from exc
    try:  # an address literal needs no resolver (a thread hop per request otherwise)
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        try:
            loop = asyncio.get_running_loop()
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise UnsafeTarget(f"The host {host} cannot be resolved") from exc
        addresses = sorted({str(info[4][0]) for info in infos})
    public = [is_public(a) for a in addresses]
    if not all(public) and not policy.allow_private:
        raise UnsafeTarget(
            f"{host} points to a private, loopback, link-local or otherwise non-public"
            " address; only public addresses may be called"
        )
    # Private targets (admitted only by the setting) may use any port: local servers do.
    if all(public) and port not in policy.allowed_ports:
        allowed = ", ".join(str(p) for p in sorted(policy.allowed_ports))
        raise UnsafeTarget(f"Port {port} may not be called; allowed ports: {allowed}")
    return host, addresses


@lru_cache(maxsize=1)
def _tls_context() -> ssl.SSLContext:
    """Loading the CA bundle takes ~17 ms and blocks the event loop: do it once per process."""
    return ssl.create_default_context()


class _CappedStream(httpx.AsyncByteStream):
    """The answer's body, read until the cap or the request's deadline, whichever first."""

    def __init__(
        self, inner: httpx.AsyncByteStream, request: httpx.Request, limit: int, deadline: float
    ) -> None:
        self._inner, self._request, self._limit, self._deadline = inner, request, limit, deadline

    async def __aiter__(self) -> AsyncIterator[bytes]:
        received = 0
        chunks = aiter(self._inner)
        while True:
            try:
                async with asyncio.timeout_at(self._deadline):
                    chunk = await anext(chunks)
            except StopAsyncIteration:
                return
            except TimeoutError as exc:
                raise httpx.ReadTimeout(
                    "The answer took longer than the outgoing request timeout",
                    request=self._request,
                ) from exc
            received += len(chunk)
            if received > self._limit:
                raise ResponseTooLarge(f"The answer is larger than {self._limit} bytes")
            yield chunk

    async def aclose(self) -> None:
        await self._inner.aclose()


class _VettedTransport(httpx.AsyncBaseTransport):
    def __init__(self, policy: OutgoingPolicy) -> None:
        self._policy = policy
        self._inner = httpx.AsyncHTTPTransport(retries=0, verify=_tls_context())

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        policy = self._policy
        deadline = asyncio.get_running_loop().time() + policy.timeout
        host, addresses = await vetted_addresses(str(request.url), policy)
        target = addresses[0]
        literal = f"[{target}]" if ":" in target else target
        request.url = request.url.copy_with(host=literal)
        request.headers["Host"] = host if request.url.port is None else f"{host}:{request.url.port}"
        request.extensions = {**request.extensions, "sni_hostname": host}
        try:
            async with asyncio.timeout_at(deadline):
                response = await self._inner.handle_async_request(request)
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(
                "No answer within the outgoing request timeout", request=request
            ) from exc
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > policy.max_response_bytes:
            await response.aclose()
            raise ResponseTooLarge(f"The answer is larger than {policy.max_response_bytes} bytes")
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _CappedStream(
            response.stream, request, policy.max_response_bytes, deadline
        )
        return response

    async def aclose(self) -> None:
        await self._inner.aclose()


def safe_client(policy: OutgoingPolicy) -> httpx.AsyncClient:
    """An httpx client that only reaches vetted addresses and never follows redirects.

    ``trust_env=False``: a proxy from the environment would otherwise carry the request
    past the vetted transport."""
    return httpx.AsyncClient(
        transport=_VettedTransport(policy),
        timeout=policy.timeout,
        follow_redirects=False,
        trust_env=False,
    )


_pooled: weakref.WeakKeyDictionary[
    asyncio.AbstractEventLoop, dict[tuple[OutgoingPolicy, str], httpx.AsyncClient]
] = weakref.WeakKeyDictionary()


def pooled_client(policy: OutgoingPolicy, host: str = "") -> httpx.AsyncClient:
    """One long-lived safe client per event loop (a worker's) and ``host`` (when given, one
    per subscriber host, so a slow host holds only its own connections): connections are kept
    alive between requests. Every request is still vetted before it is sent."""
    per_loop = _pooled.setdefault(asyncio.get_running_loop(), {})
    client = per_loop.get((policy, host))
    if client is None or client.is_closed:
        client = per_loop[(policy, host)] = safe_client(policy)
    return client
