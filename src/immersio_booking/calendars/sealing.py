"""Calendar credentials at rest: every secret under ``key["sealed"]``, encrypted with the
service's SecretBox; the other fields of ``key`` are not secret. Nothing here is ever
returned by the API. ``admin rotate-keys`` re-encrypts every sealed value (``rotate_all``), so
a kind that stores its secrets under ``sealed`` (Google's tokens too) is covered."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Credential

SEALED = "sealed"


def sealed_key(box: SecretBox, secrets: dict[str, str], **plain: Any) -> dict[str, Any]:
    return {**plain, SEALED: {name: box.seal(value) for name, value in secrets.items()}}


def secret(box: SecretBox, credential: Credential, name: str) -> str:
    return box.open(credential.key[SEALED][name])


async def rotate_all(session: AsyncSession, settings: Settings) -> int:
    """Re-encrypt every calendar credential's sealed values under the first key."""
    box = SecretBox.of(settings)
    count = 0
    for credential in await global_lookups.credentials_to_reseal(session):
        sealed = credential.key.get(SEALED)
        if isinstance(sealed, dict) and sealed:
            credential.key = {
                **credential.key,
                SEALED: {name: box.rotate(token) for name, token in sealed.items()},
            }
            count += 1
    await session.flush()
    return count
