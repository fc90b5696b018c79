"""Page security: a strict Content-Security-Policy per response and CSRF tokens for forms.

Scripts are files of our own origin only (plus Stripe.js on the payment page); no inline
script runs. Tenant colours go in one ``<style>`` element carrying the response's nonce.
CSRF: a random cookie, and in each form an HMAC of it; a POST must carry both and they must
match (a third-party page can make the browser send the cookie, but cannot read it).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import Request, Response

from immersio_booking.kit.errors import Forbidden

CSRF_COOKIE = "immersio_csrf"


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def embedding_origin(announced: str | None) -> str | None:
    """The host page's origin as ``/embed.js`` announces it (``scheme://host[:port]``), or
    ``None`` when absent or not an origin. The booking page tells only this origin that a
    booking was made; without one it tells no one."""
    if not announced:
        return None
    try:
        parts = urlsplit(announced)
        port = parts.port  # raises on a malformed port
    except ValueError:
        return None
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.username is not None
        or parts.password is not None
        or parts.path
        or parts.query
        or parts.fragment
    ):
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme}://{host}" + (f":{port}" if port is not None else "")


def content_security_policy(
    nonce: str,
    *,
    framable: bool,
    stripe_origin: str | None = None,
    framed_by_self: bool = False,
    frames_self: bool = False,
) -> str:
    """``framable``: any site may frame the page (booking pages, by /embed.js);
    ``framed_by_self``: only our own pages may (the dashboard's landing preview);
    ``frames_self``: the page frames our own pages (the landing editor's preview)."""
    extra = f" {stripe_origin}" if stripe_origin else ""
    if stripe_origin or frames_self:
        frames = f"frame-src 'self'{extra}"
    else:
        frames = "frame-src 'none'"
    if framable:
        ancestors = "frame-ancestors *"
    elif framed_by_self:
        ancestors = "frame-ancestors 'self'"
    else:
        ancestors = "frame-ancestors 'none'"
    directives = [
        "default-src 'self'",
        f"script-src 'self'{extra}",
        f"style-src 'self' 'nonce-{nonce}'",
        "img-src 'self' https: data:",
        "font-src 'self'",
        f"connect-src 'self'{extra}",
        frames,
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        ancestors,
    ]
    return "; ".join(directives)


class CsrfRejected(Forbidden):
    reason = "csrf_failed"


def _mac(secret: str, value: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{value}".encode(), hashlib.sha256).hexdigest()


def csrf_cookie_value(request: Request) -> str:
    """The visitor's CSRF cookie value (kept if present, otherwise a fresh one)."""
    existing = request.cookies.get(CSRF_COOKIE, "")
    return existing if 20 <= len(existing) <= 64 else secrets.token_urlsafe(24)


def csrf_token(secret: str, cookie_value: str) -> str:
    return _mac(secret, cookie_value)


def set_csrf_cookie(response: Response, cookie_value: str, secure: bool) -> None:
    response.set_cookie(
        CSRF_COOKIE, cookie_value, httponly=True, samesite="lax", secure=secure, path="/"
    )


def check_csrf(request: Request, secret: str, submitted: str | None) -> None:
    cookie = request.cookies.get(CSRF_COOKIE)
    if not cookie or not submitted or not hmac.compare_digest(_mac(secret, cookie), submitted):
        raise CsrfRejected(
            "This form has expired or was not sent from our page; reload and try again"
        )
