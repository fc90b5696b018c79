"""``/v2/organizations/{orgId}/subscription``."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.dependencies import AppSettings
from immersio_booking.kit.schemas import Envelope, ok
from immersio_booking.subscriptions import billing, service
from immersio_booking.subscriptions.billing import CheckoutIn, CheckoutOut
from immersio_booking.subscriptions.schemas import SubscriptionOut, SubscriptionPut
from immersio_booking.tenancy.dependencies import ReadableOrganization

router = APIRouter(prefix="/v2/organizations/{orgId}/subscription", tags=["Subscriptions"])


@router.get("")
async def get_subscription(
    org: ReadableOrganization,
    session: Session,
) -> Envelope[SubscriptionOut]:
    """The tenant's plan, limits and status (any member)."""
    row, is_default = await service.effective(session, org.id)
    return ok(service.to_out(row, is_default))


@router.put("")
async def put_subscription(
    org: ReadableOrganization,
    body: SubscriptionPut,
    principal: AuthSubject,
    session: Session,
) -> Envelope[SubscriptionOut]:
    """Set the tenant's plan (platform admin only)."""
    principal.require_platform_admin()
    return ok(await service.put(session, org.id, body))


@router.post("/checkout", status_code=201)
async def checkout(
    org: ReadableOrganization,
    body: CheckoutIn,
    principal: AuthSubject,
    session: Session,
    settings: AppSettings,
) -> Envelope[CheckoutOut]:
    """Subscribe the school to a paid plan on the platform's Stripe account (OWNER/ADMIN).

    The plan takes effect when Stripe reports the first invoice paid."""
    principal.require_org_admin(org.id)
    return ok(await billing.checkout(session, org, body, settings))
