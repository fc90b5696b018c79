"""Who may book a workshop, and on what terms: the school's staff and who may record a
payment, workshops for signed-in bookers only, the plan's monthly limit, and whether a booking
waits for the teacher's confirmation."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.auth.principal import ADMIN_ROLES, Principal
from immersio_booking.bookings import repository
from immersio_booking.kit.errors import (
    Forbidden,
    PaymentRequired,
    PlanLimitReached,
    RoleRequired,
    Unauthorized,
)
from immersio_booking.models import EventType, TenantSubscription
from immersio_booking.subscriptions import service as subscriptions


def is_staff(principal: Principal | None, et: EventType) -> bool:
    return principal is not None and principal.can_see_organization(et.organization_id)


def may_record_payment(principal: Principal | None, et: EventType) -> bool:
    """Money matters are for an OWNER/ADMIN of the school (or of the workshop's team)."""
    return principal is not None and (
        principal.is_org_admin(et.organization_id)
        or (et.team_id is not None and principal.roles.get(et.team_id) in ADMIN_ROLES)
    )


def ensure_may_book(principal: Principal | None, et: EventType) -> None:
    """A workshop for signed-in bookers takes bookings from its school's staff only."""
    if et.options.booking_requires_authentication:
        if principal is None:
            raise Unauthorized(
                "This workshop can only be booked with an API key", reason="missing_api_key"
            )
        if not is_staff(principal, et):
            raise Forbidden("Only the school's staff may book this workshop", reason="staff_only")


def ensure_may_mark_paid(principal: Principal | None, et: EventType, paid_offline: bool) -> None:
    """Only an OWNER or ADMIN books as paid offline (other staff: 403 with the roles)."""
    if paid_offline and not may_record_payment(principal, et):
        if not is_staff(principal, et):
            raise Forbidden(
                "Only the school's staff may mark a booking as paid", reason="staff_only"
            )
        raise RoleRequired(
            "Only an OWNER or ADMIN may book as paid offline",
            details={"requiredRoles": ["ADMIN", "OWNER"]},
        )


async def bookings_in_month(
    session: AsyncSession, organization_id: int, year: int, month: int, now: datetime
) -> int:
    """The bookings that count against the plan's monthly limit in that (UTC) month."""
    first = datetime(year, month, 1, tzinfo=UTC)
    following = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=UTC)
    return await repository.bookings_in_month(session, organization_id, first, following, now)


async def check_plan(
    session: AsyncSession,
    et: EventType,
    row: TenantSubscription,
    starts: list[datetime],
    now: datetime,
) -> int | None:
    """Subscription active and the month's bookings under the plan's limit."""
    if row.status in subscriptions.INACTIVE_STATUSES:
        raise PaymentRequired(
            f"The organization's subscription is {row.status}", reason="subscription_inactive"
        )
    limit = row.max_bookings_per_month
    if limit is None:
        return None
    by_month: dict[tuple[int, int], int] = {}
    for start in starts:
        key = (start.year, start.month)
        by_month[key] = by_month.get(key, 0) + 1
    for (year, month), adding in by_month.items():
        used = await bookings_in_month(session, et.organization_id, year, month, now)
        if used + adding > limit:
            raise PlanLimitReached(
                f"The {row.plan_type} plan allows {limit} bookings a month"
                f" ({year}-{month:02d} is full)",
                details={
                    "limit": "max_bookings_per_month",
                    "max": limit,
                    "planType": row.plan_type,
                },
            )
    return limit


def needs_confirmation(et: EventType, start: datetime, now: datetime) -> bool:
    if not et.requires_confirmation:
        return False
    policy = et.options.confirmation_policy
    if policy is not None and policy.type == "time" and policy.notice_threshold:
        return start - now < policy.notice_threshold.as_timedelta()
    return True
