"""The ``requests`` session the ``caldav`` library talks through, held to the service's rules
for outgoing HTTP (kit/http.py): every hop (redirects and the servers CalDAV discovery leads
to) must resolve only to public addresses on an allowed port, unless
``IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS`` admits private ones; no proxy or .netrc from the
environment; answers larger than the cap are refused. ``caldav`` is synchronous and resolves
names itself, so unlike kit/http.py the connection is not pinned to the vetted address: a DNS
answer that changes between the check and the connection is the remaining gap."""

from __future__ import annotations

import ipaddress
import socket
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter

from immersio_booking.kit.http import OutgoingPolicy, is_public


class RefusedTarget(requests.exceptions.ConnectionError):
    """The URL leads somewhere outgoing requests may not go."""


def check_url(url: str, policy: OutgoingPolicy) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise RefusedTarget("Only http(s) URLs with a host are allowed")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise RefusedTarget("The URL's port is not a number between 0 and 65535") from exc
    try:
        addresses = [str(ipaddress.ip_address(parts.hostname))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise RefusedTarget(f"The host {parts.hostname} cannot be resolved") from exc
        addresses = sorted({str(info[4][0]) for info in infos})
    public = all(is_public(a) for a in addresses)
    if not public and not policy.allow_private:
        raise RefusedTarget(
            f"{parts.hostname} points to a private, loopback or otherwise non-public address"
        )
    if public and port not in policy.allowed_ports:
        raise RefusedTarget(f"Port {port} may not be called")


class _VettingAdapter(HTTPAdapter):
    def __init__(self, policy: OutgoingPolicy) -> None:
        super().__init__(max_retries=0)
        self._policy = policy

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> Any:
        check_url(str(request.url), self._policy)
        kwargs["stream"] = True
        response = super().send(request, *args, **kwargs)
        declared = response.headers.get("content-length", "")
        limit = self._policy.max_response_bytes
        if declared.isdigit() and int(declared) > limit:
            response.close()
            raise RefusedTarget(f"The answer is larger than {limit} bytes")
        body = response.raw.read(limit + 1, decode_content=True)
        if len(body) > limit:
            response.close()
            raise RefusedTarget(f"The answer is larger than {limit} bytes")
        response._content = body
        response._content_consumed = True
        return response


def vetted_session(policy: OutgoingPolicy) -> requests.Session:
    session = requests.Session()
    session.trust_env = False
    session.max_redirects = 5
    adapter = _VettingAdapter(policy)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session
