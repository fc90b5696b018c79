"""Staff passwords: argon2id hashes (``users.password``), checked in the same time whether or
not the account exists, so the answer's delay tells nothing about which emails are known."""

from __future__ import annotations

from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from immersio_booking.models import User

MIN_LENGTH = 10
# argon2 hashes any length, but a megabyte of "password" is only a way to burn our CPU.
MAX_LENGTH = 128

_hasher = PasswordHasher()


@lru_cache(maxsize=1)
def _decoy() -> str:
    """A hash to check against when there is no account: the same work as a real check."""
    return _hasher.hash("no account has this password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def problem(password: str) -> str | None:
    """Why ``password`` cannot be a new password (English source, translated by the page)."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    return None


def matches(user: User | None, password: str) -> bool:
    """Whether ``password`` is ``user``'s; False for no user or no password set, after the
    same argon2 work as a real check."""
    stored = user.password if user is not None else None
    try:
        return _hasher.verify(stored or _decoy(), password[:MAX_LENGTH]) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def refresh_if_stale(user: User, password: str) -> None:
    """Re-hash with today's parameters after a successful check (argon2's recommendation)."""
    if user.password and _hasher.check_needs_rehash(user.password):
        user.password = hash_password(password)
