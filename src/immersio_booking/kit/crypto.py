"""Secrets at rest: Fernet with a key list (the first key encrypts, every key decrypts).

Rotation: put a new key first in ``IMMERSIO_ENCRYPTION_KEYS``, keep the old ones after it,
run ``immersio-booking admin rotate-keys``, then drop the old keys.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from immersio_booking.config import Settings


class SecretBox:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(k.encode()) for k in keys])

    @classmethod
    def of(cls, settings: Settings) -> SecretBox:
        return cls(settings.resolved_encryption_keys())

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError(
                "a stored secret cannot be decrypted with the configured keys"
            ) from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt under the first key."""
        return self._fernet.rotate(token.encode()).decode()


def mask(secret: str) -> str:
    """What replies show of a secret: its kind prefix and last four characters."""
    head = secret.split("_")[0] + "_" if "_" in secret[:8] else ""
    return f"{head}…{secret[-4:]}" if len(secret) > 8 else "…"
