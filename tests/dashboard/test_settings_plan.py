"""The plan page: the school's plan, and its teachers, workshops and this month's bookings
against the limits the services refuse one more at (the same counts); a teacher and a
stranger find nothing."""

from __future__ import annotations

import re

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import SubscriptionStatus, TenantSubscription
from tests.bookings.helpers import workshop
from tests.dashboard.staff import Staff, browser
from tests.factories import Member, Tenant, make_member
from tests.helpers import assert_error

PLAN = "/dashboard/settings/plan"


def _row(html: str, name: str) -> list[str]:
    found = re.search(rf"<th scope=\"row\">{name}</th>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>", html)
    assert found, name
    return [found.group(1), found.group(2)]


async def test_owner_sees_use_against_the_plans_limits(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        growth = (await owner.get(PLAN)).text
        assert "Plan Growth, active" in growth
        assert _row(growth, "Teachers") == ["1", "10"]
        assert _row(growth, "Workshops") == ["0", "50"]
        assert _row(growth, "Bookings this month") == ["0", "2000"]

        await make_member(sessionmaker, tenant)
        await workshop(client, tenant, title="One")
        await workshop(client, tenant, title="Two")
        async with transaction(sessionmaker) as session:
            row = (
                await session.execute(
                    select(TenantSubscription).where(TenantSubscription.tenant_id == tenant.id)
                )
            ).scalar_one()
            row.plan_type, row.max_teachers, row.max_bookings_per_month = "starter", 2, None
            row.status = SubscriptionStatus.PAST_DUE
        starter = (await owner.get(PLAN)).text
        assert "Plan Starter, payment overdue" in starter and 'role="alert"' in starter
        assert _row(starter, "Teachers") == ["2", "2"] and "limit reached" in starter
        assert _row(starter, "Workshops") == ["2", "50"]
        assert _row(starter, "Bookings this month") == ["0", "unlimited"]
    # The limit shown reached is the one the API refuses one more teacher at.
    refused = await client.post(
        f"/v2/organizations/{tenant.id}/users",
        headers=tenant.headers,
        json={"email": "plan.third.teacher@example.com", "organizationRole": "MEMBER"},
    )
    assert_error(refused, 403, "plan_limit_reached")


async def test_a_teacher_finds_nothing(
    client: httpx.AsyncClient,
    staff: Staff,
    teacher: Member,
) -> None:
    async with staff.signed_in(teacher.id) as page:
        assert (await page.get(PLAN)).status_code == 404
    async with browser(client) as stranger:
        assert (await stranger.get(PLAN)).status_code == 303
