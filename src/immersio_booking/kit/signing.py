"""HMAC-signed, expiring tokens (manage links, previews): ``<expiry>.<signature>``."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import datetime


def _signature(secret: str, purpose: str, subject: str, expires: int) -> str:
    message = f"{purpose}:{subject}:{expires}".encode()
    digest = hmac.new(secret.encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(secret: str, purpose: str, subject: str, expires_at: datetime) -> str:
    expires = int(expires_at.timestamp())
    return f"{expires}.{_signature(secret, purpose, subject, expires)}"


def verify(secret: str, purpose: str, subject: str, token: str, now: datetime) -> bool:
    """True when ``token`` was signed for this purpose and subject and has not expired."""
    expires_text, _, signature = token.partition(".")
    if not expires_text.isdigit() or not signature:
        return False
    expires = int(expires_text)
    expected = _signature(secret, purpose, subject, expires)
    return hmac.compare_digest(expected, signature) and now.timestamp() < expires
