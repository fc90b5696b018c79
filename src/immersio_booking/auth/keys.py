"""API keys: random, shown once, stored as SHA-256, with a recognisable prefix (``cal_live_``)."""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "cal_live_"
VISIBLE_CHARS = 4


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_hex(24)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def visible_prefix(key: str) -> str:
    """What listings show of a key: its prefix and first characters."""
    return key[: len(KEY_PREFIX) + VISIBLE_CHARS]


def masked(prefix: str) -> str:
    return prefix + "…"
