"""Both signatures on every delivery: Cal.com's and Standard Webhooks'."""

from __future__ import annotations

import base64
import hashlib
import hmac


def cal_signature(secret: str, body: bytes) -> str:
    """``X-Cal-Signature-256``: hex HMAC-SHA256 of the raw body, keyed by the secret's UTF-8
    bytes exactly as given or generated (as Cal.com does)."""
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def standard_key(secret: str) -> bytes:
    """Standard Webhooks' key: the base64 part of a ``whsec_`` secret, else the UTF-8 bytes."""
    if secret.startswith("whsec_"):
        try:
            return base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            pass
    return secret.encode()


def standard_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    signed = f"{message_id}.{timestamp}.".encode() + body
    digest = hmac.new(standard_key(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret: str, message_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Cal-Signature-256": cal_signature(secret, body),
        "webhook-id": message_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": standard_signature(secret, message_id, timestamp, body),
    }
