"""Wire shapes of tenant subscriptions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, Field

from immersio_booking.kit.schemas import ApiModel

PlanType = Literal["lite", "starter", "growth", "pro", "enterprise"]
# The wire spelling of ``models.SubscriptionStatus`` (a Literal keeps the OpenAPI schema inline;
# tests/db/test_enums.py checks that the two list the same values).
SubscriptionStatus = Literal["active", "past_due", "cancelled", "trialing"]
BillingPeriod = Literal["monthly", "annually"]


class SubscriptionOut(ApiModel):
    organization_id: int
    plan_type: str
    max_teachers: int | None
    max_bookings_per_month: int | None
    max_event_types: int | None
    features: dict[str, Any]
    stripe_subscription_id: str | None
    billing_period: str
    current_period_start: datetime | None
    current_period_end: datetime | None
    status: str
    is_default: bool = Field(description="true when the tenant has no subscription row (lite)")


class SubscriptionPut(ApiModel):
    """Platform admin: set a tenant's plan. Limits default to the plan's; override any of them."""

    plan_type: PlanType
    status: SubscriptionStatus = "active"
    billing_period: BillingPeriod = "monthly"
    max_teachers: int | None = Field(default=None, ge=0)
    max_bookings_per_month: int | None = Field(default=None, ge=0)
    max_event_types: int | None = Field(default=None, ge=0)
    features: dict[str, Any] | None = None
    stripe_subscription_id: str | None = Field(default=None, max_length=255)
    current_period_start: AwareDatetime | None = None
    current_period_end: AwareDatetime | None = None
