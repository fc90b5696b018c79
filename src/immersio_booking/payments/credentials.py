"""A tenant's Stripe keys: stored as a Credential, encrypted at rest, shown masked."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking import global_lookups
from immersio_booking.config import Settings
from immersio_booking.kit.crypto import SecretBox, mask
from immersio_booking.kit.schemas import ApiModel
from immersio_booking.models import Credential
from immersio_booking.payments.stripe_provider import key_works

STRIPE = "stripe_payment"


class StripeKeysIn(ApiModel):
    secret_key: str = Field(pattern=r"^(sk|rk)_(test|live)_[A-Za-z0-9_]{3,250}$")
    publishable_key: str = Field(pattern=r"^pk_(test|live)_[A-Za-z0-9_]{3,250}$")
    webhook_secret: str = Field(pattern=r"^whsec_[A-Za-z0-9_+/=]{3,250}$")


class StripeKeysOut(ApiModel):
    secret_key: str
    publishable_key: str
    webhook_secret: str
    invalid: bool


async def stripe_credential(session: AsyncSession, organization_id: int) -> Credential | None:
    return (
        await session.execute(
            select(Credential).where(
                Credential.organization_id == organization_id,
                Credential.team_id == organization_id,
                Credential.type == STRIPE,
            )
        )
    ).scalar_one_or_none()


def sealed_keys(box: SecretBox, body: StripeKeysIn) -> dict[str, Any]:
    return {
        "secret_key": box.seal(body.secret_key),
        "publishable_key": body.publishable_key,
        "webhook_secret": box.seal(body.webhook_secret),
    }


def opened(box: SecretBox, credential: Credential) -> dict[str, str]:
    key = credential.key
    return {
        "secret_key": box.open(key["secret_key"]),
        "publishable_key": key["publishable_key"],
        "webhook_secret": box.open(key["webhook_secret"]),
    }


def masked_out(box: SecretBox, credential: Credential) -> StripeKeysOut:
    keys = opened(box, credential)
    return StripeKeysOut(
        secret_key=mask(keys["secret_key"]),
        publishable_key=keys["publishable_key"],
        webhook_secret=mask(keys["webhook_secret"]),
        invalid=credential.invalid,
    )


async def connect(
    session: AsyncSession, organization_id: int, body: StripeKeysIn, settings: Settings
) -> StripeKeysOut:
    """Store (or replace) the school's Stripe keys, sealed; ``invalid`` when Stripe refuses
    the secret key. Returns the masked view."""
    box = SecretBox.of(settings)
    credential = await stripe_credential(session, organization_id)
    if credential is None:
        credential = Credential(
            organization_id=organization_id,
            team_id=organization_id,
            type=STRIPE,
            app_id="stripe",
            key={},
        )
        session.add(credential)
    credential.key = sealed_keys(box, body)
    credential.invalid = not await key_works(body.secret_key, settings.stripe_api_base)
    await session.flush()
    return masked_out(box, credential)


async def disconnect(
    session: AsyncSession, organization_id: int, settings: Settings
) -> StripeKeysOut | None:
    """Forget the school's Stripe keys; their masked view, or None when none were stored."""
    credential = await stripe_credential(session, organization_id)
    if credential is None:
        return None
    out = masked_out(SecretBox.of(settings), credential)
    await session.delete(credential)
    await session.flush()
    return out


SEALED_FIELDS = {STRIPE: ("secret_key", "webhook_secret")}


async def rotate_all(session: AsyncSession, settings: Settings) -> int:
    """Re-encrypt every stored secret under the first key; returns how many were rewritten."""
    box = SecretBox.of(settings)
    count = 0
    for credential in await global_lookups.credentials_to_reseal(session):
        fields = SEALED_FIELDS.get(credential.type, ())
        if fields:
            credential.key = {
                k: box.rotate(v) if k in fields else v for k, v in credential.key.items()
            }
            count += 1
    await session.flush()
    return count
