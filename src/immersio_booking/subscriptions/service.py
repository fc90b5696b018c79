"""Plan limits: what a tenant may have, read from its subscription row (or the lite plan)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit.errors import BadRequest, PlanLimitReached
from immersio_booking.models import SubscriptionStatus, TenantSubscription
from immersio_booking.subscriptions import repository
from immersio_booking.subscriptions.plans import DEFAULT_PLAN, PLANS
from immersio_booking.subscriptions.schemas import SubscriptionOut, SubscriptionPut

INACTIVE_STATUSES = frozenset({SubscriptionStatus.PAST_DUE, SubscriptionStatus.CANCELLED})


def default_row(organization_id: int) -> TenantSubscription:
    """The unsaved lite subscription every tenant without a row is treated as having."""
    plan = PLANS[DEFAULT_PLAN]
    return TenantSubscription(
        tenant_id=organization_id,
        plan_type=plan.plan_type,
        max_teachers=plan.max_teachers,
        max_bookings_per_month=plan.max_bookings_per_month,
        max_event_types=plan.max_event_types,
        features=dict(plan.features),
        billing_period="monthly",
        status=SubscriptionStatus.ACTIVE,
    )


async def effective(session: AsyncSession, organization_id: int) -> tuple[TenantSubscription, bool]:
    """The tenant's subscription and whether it is the implicit default."""
    row = await repository.of_tenant(session, organization_id)
    if row is None:
        return default_row(organization_id), True
    return row, False


def to_out(row: TenantSubscription, is_default: bool) -> SubscriptionOut:
    return SubscriptionOut(
        organization_id=row.tenant_id,
        plan_type=row.plan_type,
        max_teachers=row.max_teachers,
        max_bookings_per_month=row.max_bookings_per_month,
        max_event_types=row.max_event_types,
        features=row.features or {},
        stripe_subscription_id=row.stripe_subscription_id,
        billing_period=row.billing_period,
        current_period_start=row.current_period_start,
        current_period_end=row.current_period_end,
        status=row.status,
        is_default=is_default,
    )


async def put(
    session: AsyncSession, organization_id: int, body: SubscriptionPut
) -> SubscriptionOut:
    if (
        body.current_period_start
        and body.current_period_end
        and body.current_period_end <= body.current_period_start
    ):
        raise BadRequest(
            "currentPeriodEnd must be after currentPeriodStart", reason="invalid_period"
        )
    plan = PLANS[body.plan_type]
    row = await repository.of_tenant(session, organization_id)
    if row is None:
        row = TenantSubscription(tenant_id=organization_id)
        session.add(row)
    row.plan_type = plan.plan_type
    row.status = SubscriptionStatus(body.status)
    row.billing_period = body.billing_period
    given = body.model_fields_set
    row.max_teachers = body.max_teachers if "max_teachers" in given else plan.max_teachers
    row.max_bookings_per_month = (
        body.max_bookings_per_month
        if "max_bookings_per_month" in given
        else plan.max_bookings_per_month
    )
    row.max_event_types = (
        body.max_event_types if "max_event_types" in given else plan.max_event_types
    )
    row.features = {**plan.features, **(body.features or {})}
    row.stripe_subscription_id = body.stripe_subscription_id
    row.current_period_start = body.current_period_start
    row.current_period_end = body.current_period_end
    await session.flush()
    return to_out(row, False)


async def ensure_within(
    session: AsyncSession, organization_id: int, limit_name: str, current_count: int
) -> None:
    """Refuse one more of something when the plan's limit is reached (403 plan_limit_reached)."""
    row, _ = await effective(session, organization_id)
    limit = getattr(row, limit_name)
    if limit is not None and current_count >= limit:
        raise PlanLimitReached(
            f"The {row.plan_type} plan allows {limit} {limit_name.removeprefix('max_')}"
            " (upgrade the plan to add more)",
            details={"limit": limit_name, "max": limit, "planType": row.plan_type},
        )
