"""``/v2/organizations/{orgId}/payments/stripe``: the school's own Stripe account."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.errors import NotFound
from immersio_booking.kit.schemas import Envelope, ok
from immersio_booking.payments import credentials
from immersio_booking.payments.credentials import StripeKeysIn, StripeKeysOut
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations/{orgId}/payments/stripe", tags=["Payments"])


@router.put("")
async def put_stripe_keys(
    org: ReadableOrganization,
    body: StripeKeysIn,
    principal: AuthSubject,
    session: Session,
    settings: AppSettings,
) -> Envelope[StripeKeysOut]:
    """Connect the school's Stripe account (OWNER/ADMIN). Keys are checked with Stripe and
    stored encrypted; replies show them masked."""
    principal.require_org_admin(org.id)
    return ok(await credentials.connect(session, org.id, body, settings))


@router.get("")
async def get_stripe_keys(
    org: ReadableOrganization, principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[StripeKeysOut]:
    principal.require_org_admin(org.id)
    credential = await credentials.stripe_credential(session, org.id)
    if credential is None:
        raise NotFound("No Stripe account is connected", reason="stripe_not_connected")
    return ok(credentials.masked_out(SecretBox.of(settings), credential))


@router.delete("")
async def delete_stripe_keys(
    org: ReadableOrganization, principal: AuthSubject, session: Session, settings: AppSettings
) -> Envelope[StripeKeysOut]:
    principal.require_org_admin(org.id)
    out = await credentials.disconnect(session, org.id, settings)
    if out is None:
        raise NotFound("No Stripe account is connected", reason="stripe_not_connected")
    return ok(out)
