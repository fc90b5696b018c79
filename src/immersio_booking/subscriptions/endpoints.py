"""``/v2/organizations/{orgId}/subscription``."""

from __future__ import annotations

from fastapi import APIRouter

from immersio_booking.auth.dependencies import AuthSubject
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.schemas import Envelope, ok
from immersio_booking.organizations.dependencies import ReadableOrganization
from immersio_booking.subscriptions import service
from immersio_booking.subscriptions.schemas import SubscriptionOut, SubscriptionPut

router = APIRouter(prefix="/v2/organizations/{orgId}/subscription", tags=["Subscriptions"])


@router.get("")
async def get_subscription(
    org: ReadableOrganization,
    session: Session,  # noqa: N803
) -> Envelope[SubscriptionOut]:
    """The tenant's plan, limits and status (any member)."""
    row, is_default = await service.effective(session, org.id)
    return ok(service.to_out(row, is_default))


@router.put("")
async def put_subscription(
    org: ReadableOrganization,
    body: SubscriptionPut,
    principal: AuthSubject,
    session: Session,  # noqa: N803
) -> Envelope[SubscriptionOut]:
    """Set the tenant's plan (platform admin only)."""
    principal.require_platform_admin()
    return ok(await service.put(session, org.id, body))
