"""Billing schools for their plan on the platform's own Stripe account.

Checkout makes (or reuses) a Stripe customer for the school and a subscription to the plan's
Stripe plan; the school's row changes only when Stripe says the invoice is paid (platform
webhook), so an unpaid checkout never downgrades or upgrades anyone.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

import stripe
from pydantic import Field
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.schemas import ApiModel
from immersio_booking.kit.stripe_api import PaymentProviderError, stripe_client
from immersio_booking.models import SubscriptionStatus, Team, TenantSubscription
from immersio_booking.subscriptions import repository
from immersio_booking.subscriptions.plans import PLANS
from immersio_booking.subscriptions.schemas import SubscriptionPut
from immersio_booking.subscriptions.service import put

SELF_SERVE = ("starter", "growth", "pro")
# Stripe's subscription status → ours; one missing here ("incomplete") changes nothing yet.
STATUS_OF = {
    "active": SubscriptionStatus.ACTIVE,
    "trialing": SubscriptionStatus.TRIALING,
    "past_due": SubscriptionStatus.PAST_DUE,
    "unpaid": SubscriptionStatus.PAST_DUE,
    "canceled": SubscriptionStatus.CANCELLED,
    "incomplete_expired": SubscriptionStatus.CANCELLED,
}


class CheckoutIn(ApiModel):
    plan_type: Literal["starter", "growth", "pro"]
    billing_period: Literal["monthly", "annually"] = "monthly"
    payment_method_id: str | None = Field(
        default=None,
        pattern=r"^pm_[A-Za-z0-9_]+$",
        description="From Stripe.js; becomes the default card",
    )


class CheckoutOut(ApiModel):
    subscription_id: str
    customer_id: str
    status: str
    plan_type: str
    billing_period: str


def platform_client(settings: Settings) -> stripe.StripeClient:
    if not settings.platform_stripe_secret_key:
        raise BadRequest(
            "Plan billing is not configured on this platform", reason="billing_not_configured"
        )
    return stripe_client(settings.platform_stripe_secret_key, settings.stripe_api_base)


async def _plan(client: stripe.StripeClient, plan_type: str, period: str) -> str:
    plan_id = f"immersio-{plan_type}-{period}"
    try:
        await client.v1.plans.retrieve_async(plan_id)
    except stripe.InvalidRequestError:
        plan = PLANS[plan_type]
        await client.v1.plans.create_async(
            {
                "id": plan_id,
                "currency": "usd",
                "amount": plan.monthly_price if period == "monthly" else plan.annual_price,
                "interval": "month" if period == "monthly" else "year",
                "product": {"name": f"Immersio Booking {plan_type}"},
            }
        )
    return plan_id


async def _own_customer(client: stripe.StripeClient, org: Team, stored: Any) -> str | None:
    """The school's customer on the platform account, only if Stripe itself says it was made
    for this school: the id in ``Team.metadata`` may predate the rule that schools cannot
    write it, and another school's ``cus_…`` there would bill that school's card."""
    if not isinstance(stored, str) or not stored.startswith("cus_"):
        return None
    try:
        customer = await client.v1.customers.retrieve_async(stored)
    except stripe.InvalidRequestError:  # unknown (or deleted) on the platform account
        return None
    raw: Any = customer.metadata.to_dict() if customer.metadata else {}
    owner = raw.get("organization_id")
    if getattr(customer, "deleted", False) or owner != str(org.id):
        return None
    return stored


async def checkout(
    session: AsyncSession, org: Team, body: CheckoutIn, settings: Settings
) -> CheckoutOut:
    client = platform_client(settings)
    meta: dict[str, Any] = dict(org.metadata_ or {})
    try:
        customer_id = await _own_customer(client, org, meta.get("stripeCustomerId"))
        if customer_id is None:
            customer = await client.v1.customers.create_async(
                {"description": org.name, "metadata": {"organization_id": str(org.id)}}
            )
            customer_id = customer.id
            org.metadata_ = {**meta, "stripeCustomerId": customer_id}
        if body.payment_method_id:
            await client.v1.payment_methods.attach_async(
                body.payment_method_id, {"customer": customer_id}
            )
            await client.v1.customers.update_async(
                customer_id,
                {"invoice_settings": {"default_payment_method": body.payment_method_id}},
            )
        plan_id = await _plan(client, body.plan_type, body.billing_period)
        subscription = await client.v1.subscriptions.create_async(
            {
                "customer": customer_id,
                "items": [{"plan": plan_id}],
                "metadata": {
                    "organization_id": str(org.id),
                    "plan_type": body.plan_type,
                    "billing_period": body.billing_period,
                },
            }
        )
    except stripe.StripeError as exc:
        raise PaymentProviderError(f"Stripe refused the subscription: {exc}") from exc
    row = await repository.of_tenant(session, org.id)
    if row is not None:
        row.stripe_subscription_id = row.stripe_subscription_id or subscription.id
    org.metadata_ = {**(org.metadata_ or {}), "subscriptionId": subscription.id}
    await session.flush()
    return CheckoutOut(
        subscription_id=subscription.id,
        customer_id=customer_id,
        status=subscription.status,
        plan_type=body.plan_type,
        billing_period=body.billing_period,
    )


async def apply_stripe_subscription(
    session: AsyncSession, subscription: stripe.Subscription, event_type: str
) -> TenantSubscription | None:
    """Bring the school's row in step with what Stripe says about its subscription."""
    raw: Any = subscription.metadata.to_dict() if subscription.metadata else {}
    meta: dict[str, str] = {str(k): str(v) for k, v in raw.items()}
    org_id = int(meta.get("organization_id") or 0)
    team = await session.get(Team, org_id) if org_id else None
    if team is None or not team.is_organization:
        return None
    status = STATUS_OF.get(subscription.status)
    if event_type == "invoice.payment_failed" and status in (None, SubscriptionStatus.ACTIVE):
        status = SubscriptionStatus.PAST_DUE
    if status is None:
        return await repository.of_tenant(session, org_id)  # incomplete: nothing changes yet
    row = await repository.of_tenant(session, org_id)
    plan_type = meta.get("plan_type") or (row.plan_type if row else "lite")
    if status == SubscriptionStatus.ACTIVE or row is None:
        await put(
            session,
            org_id,
            SubscriptionPut.model_validate(
                {
                    "plan_type": plan_type,
                    "status": status,
                    "billing_period": meta.get("billing_period", "monthly"),
                    "stripe_subscription_id": subscription.id,
                    "current_period_start": _at(
                        getattr(subscription, "current_period_start", None)
                    ),
                    "current_period_end": _at(getattr(subscription, "current_period_end", None)),
                }
            ),
        )
        row = await repository.of_tenant(session, org_id)
    else:
        row.status = status
        row.stripe_subscription_id = subscription.id
    await session.flush()
    return row


def _at(epoch: int | None) -> datetime | None:
    return datetime.fromtimestamp(epoch, UTC) if epoch else None
