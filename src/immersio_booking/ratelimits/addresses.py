"""Who the client is: the socket peer, or the forwarded address only behind a trusted proxy.

``X-Forwarded-For`` is written by whoever sends the request, so it is believed only when the
peer is one of ``IMMERSIO_TRUSTED_PROXIES``, and then read from the right: each trusted hop
vouches for the hop before it, and the first address no trusted proxy wrote is the client.
(The app must be served without uvicorn's own proxy-header rewriting; ``serve`` does that.)
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from fastapi import Request

Network = IPv4Network | IPv6Network
Address = IPv4Address | IPv6Address


def _parsed(text: str) -> Address | None:
    try:
        return ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address: Address | None, proxies: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in proxies)


def client_address(request: Request, proxies: Sequence[Network]) -> str:
    peer = request.client.host if request.client else "unknown"
    found = _parsed(peer)
    if _trusted(found, proxies):
        hops = ",".join(request.headers.getlist("x-forwarded-for")).split(",")
        for hop in reversed(hops):
            address = _parsed(hop)
            if address is None:
                break  # a trusted proxy never writes garbage: stop at the last trusted hop
            found = address
            if not _trusted(address, proxies):
                break
    if found is None:
        return peer
    if found.version == 6 and found.ipv4_mapped is None:
        # One IPv6 client usually has a whole /64: limit the network, not each address in it.
        return str(ip_network(f"{found}/64", strict=False))
    return str(found.ipv4_mapped or found) if isinstance(found, IPv6Address) else str(found)


def keyed_hash(secret: str, purpose: str, value: str) -> str:
    """What is stored instead of an address or email: a keyed hash (32 hex digits)."""
    digest = hmac.new(secret.encode(), f"{purpose}:{value}".encode(), hashlib.sha256)
    return digest.hexdigest()[:32]
