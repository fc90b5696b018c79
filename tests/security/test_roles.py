"""Roles cannot be climbed: impersonation, OWNER memberships, removed members, money matters."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import stripe
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import Booking, Membership, Payment, User
from tests import dates
from tests.bookings.helpers import book, booking_state, teacher_hours, workshop
from tests.factories import Member, Tenant, make_member
from tests.helpers import assert_error, data
from tests.jobs import run_jobs
from tests.payments.helpers import (
    book_paid,
    intent_of,
    jobs,  # noqa: F401  (fixture)
    notify,
    pay,
    stripe_client,
    stripe_workshop,
)


def acting(tenant_or_member: Tenant | Member, user_id: int) -> dict[str, str]:
    return {**tenant_or_member.headers, "X-Act-As-User": str(user_id)}


async def membership_id(client: httpx.AsyncClient, tenant: Tenant, user_id: int) -> int:
    rows = data(
        await client.get(
            f"/v2/organizations/{tenant.id}/memberships",
            headers=tenant.headers,
            params={"take": 250},
        )
    )
    return int(next(m["id"] for m in rows if m["userId"] == user_id))


async def test_act_as_only_onto_the_same_role_or_lower(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    other_admin = await make_member(sessionmaker, tenant, role="ADMIN")
    member = await make_member(sessionmaker, tenant)
    # an ADMIN cannot become the OWNER
    assert_error(
        await client.get("/v2/me", headers=acting(admin, tenant.owner_id)),
        403,
        "act_as_higher_role_not_allowed",
    )
    # same role or lower is fine; the OWNER may act as anyone of the school
    assert data(await client.get("/v2/me", headers=acting(admin, other_admin.id)))["id"] == (
        other_admin.id
    )
    assert data(await client.get("/v2/me", headers=acting(admin, member.id)))["id"] == member.id
    assert data(await client.get("/v2/me", headers=acting(tenant, admin.id)))["id"] == admin.id
    # a MEMBER of the school who owns a sub-team outranks an ADMIN there
    team = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/teams",
            headers=tenant.headers,
            json={"name": "Spanish", "autoAcceptCreator": False},
        ),
        201,
    )
    async with transaction(sessionmaker) as session:
        session.add(
            Membership(
                user_id=member.id,
                team_id=team["id"],
                organization_id=tenant.id,
                role="OWNER",
                accepted=True,
            )
        )
    assert_error(
        await client.get("/v2/me", headers=acting(admin, member.id)),
        403,
        "act_as_higher_role_not_allowed",
    )
    # a member not yet accepted as OWNER is an OWNER all the same
    pending_owner = await make_member(sessionmaker, tenant, role="OWNER", accepted=False)
    assert_error(
        await client.get("/v2/me", headers=acting(admin, pending_owner.id)),
        403,
        "act_as_higher_role_not_allowed",
    )


async def test_nobody_acts_as_a_platform_admin(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    staff = await make_member(sessionmaker, tenant)  # a platform admin who teaches here too
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(User).where(User.id == staff.id).values(is_platform_admin=True)
        )
    assert_error(
        await client.get("/v2/me", headers=acting(tenant, staff.id)),
        403,
        "act_as_platform_admin_not_allowed",
    )
    # (what it would have given: every organization on the platform)
    assert_error(
        await client.get("/v2/organizations", headers=acting(tenant, staff.id)),
        403,
        "act_as_platform_admin_not_allowed",
    )


async def test_no_api_keys_while_impersonating(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    member = await make_member(sessionmaker, tenant)
    own = data(await client.get("/v2/api-keys", headers=member.headers))
    as_member = acting(tenant, member.id)
    assert_error(
        await client.get("/v2/api-keys", headers=as_member), 403, "api_keys_while_impersonating"
    )
    assert_error(
        await client.post("/v2/api-keys", headers=as_member, json={"note": "mine now"}),
        403,
        "api_keys_while_impersonating",
    )
    assert_error(
        await client.delete(f"/v2/api-keys/{own[0]['id']}", headers=as_member),
        403,
        "api_keys_while_impersonating",
    )
    # nothing was made or revoked; the member's key still works
    assert len(data(await client.get("/v2/api-keys", headers=member.headers))) == len(own)
    assert data(await client.get("/v2/me", headers=member.headers))["id"] == member.id


async def test_only_an_owner_changes_an_owners_membership(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    second_owner = await make_member(sessionmaker, tenant, role="OWNER")
    url = f"/v2/organizations/{tenant.id}/memberships"
    owner_mid = await membership_id(client, tenant, tenant.owner_id)
    second_mid = await membership_id(client, tenant, second_owner.id)
    for change in ({"disableImpersonation": True}, {"accepted": False}, {"role": "OWNER"}):
        for mid in (owner_mid, second_mid):
            assert_error(
                await client.patch(f"{url}/{mid}", headers=admin.headers, json=change),
                403,
                "owner_required",
            )
    rows = data(await client.get(url, headers=tenant.headers, params={"take": 250}))
    owners = [m for m in rows if m["role"] == "OWNER"]
    assert len(owners) == 2
    assert all(m["accepted"] and not m["disableImpersonation"] for m in owners)
    # an OWNER may
    changed = data(
        await client.patch(
            f"{url}/{second_mid}", headers=tenant.headers, json={"disableImpersonation": True}
        )
    )
    assert changed["disableImpersonation"] is True
    # and the ADMIN still manages MEMBERs and ADMINs
    member = await make_member(sessionmaker, tenant)
    mid = await membership_id(client, tenant, member.id)
    assert data(
        await client.patch(
            f"{url}/{mid}", headers=admin.headers, json={"disableImpersonation": True}
        )
    )["disableImpersonation"]


async def _teacher_with_a_booking(
    client: httpx.AsyncClient, member: Member, price: int = 0
) -> dict[str, Any]:
    """A MEMBER teacher's own workshop, booked by a student."""
    await teacher_hours(client, member)  # type: ignore[arg-type]
    fields: dict[str, Any] = {"price": price, "currency": "eur"} if price else {}
    et = await workshop(client, member, **fields)  # type: ignore[arg-type]
    return data(await book(client, et["id"], dates.at(dates.monday(), "10:00")), 201)  # type: ignore[no-any-return]


async def test_removed_member_loses_keys_and_host_powers(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    booking = await _teacher_with_a_booking(client, teacher)
    second_key = data(
        await client.post("/v2/api-keys", headers=teacher.headers, json={"note": "laptop"}), 201
    )["apiKey"]
    mid = await membership_id(client, tenant, teacher.id)
    # suspended (no longer accepted): the key still authenticates, but the bookings the teacher
    # hosts are no longer theirs to cancel
    data(
        await client.patch(
            f"/v2/organizations/{tenant.id}/memberships/{mid}",
            headers=tenant.headers,
            json={"accepted": False},
        )
    )
    assert_error(
        await client.post(
            f"/v2/bookings/{booking['uid']}/cancel", headers=teacher.headers, json={}
        ),
        404,
        "not_found",
    )
    # removed: every key of theirs stops working in the same transaction
    data(
        await client.delete(
            f"/v2/organizations/{tenant.id}/memberships/{mid}", headers=tenant.headers
        )
    )
    for key in (teacher.key, second_key):
        assert_error(
            await client.get("/v2/me", headers={"Authorization": f"Bearer {key}"}),
            401,
            "api_key_revoked",
        )
    still = await booking_state(client, tenant, booking["uid"])
    assert still["status"] == "accepted"


async def test_paid_offline_and_mark_paid_are_owner_or_admin_only(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    admin = await make_member(sessionmaker, tenant, role="ADMIN")
    booking = await _teacher_with_a_booking(client, teacher, price=3000)
    assert (booking["status"], booking["paid"]) == ("pending", False)
    # the teacher (a MEMBER) hosts it, but money is not theirs to record
    assert_error(
        await client.post(f"/v2/bookings/{booking['uid']}/mark-paid", headers=teacher.headers),
        403,
        "role_required",
    )
    assert_error(
        await book(
            client,
            booking["eventTypeId"],
            dates.at(dates.monday(), "11:00"),
            headers=teacher.headers,
            paidOffline=True,
        ),
        403,
        "role_required",
    )
    paid = data(
        await client.post(f"/v2/bookings/{booking['uid']}/mark-paid", headers=admin.headers)
    )
    assert (paid["status"], paid["paid"]) == ("accepted", True)
    offline = data(
        await book(
            client,
            booking["eventTypeId"],
            dates.at(dates.monday(), "11:00"),
            headers=tenant.headers,
            paidOffline=True,
        ),
        201,
    )
    assert (offline["status"], offline["paid"]) == ("accepted", True)


@pytest.mark.usefixtures("jobs")
async def test_mark_paid_cancels_the_open_payment_intent(
    client: httpx.AsyncClient, tenant: Tenant, localstripe: str
) -> None:
    et = await stripe_workshop(client, tenant, price=2000, currency="eur")
    booking, intent_id = await book_paid(client, et, dates.at(dates.monday(), "10:00"))
    paid = data(
        await client.post(f"/v2/bookings/{booking['uid']}/mark-paid", headers=tenant.headers)
    )
    assert (paid["status"], paid["paid"]) == ("accepted", True)
    # the student can no longer pay a second time online
    intent = await stripe_client(localstripe).v1.payment_intents.retrieve_async(intent_id)
    assert intent.status == "canceled"
    with pytest.raises(stripe.InvalidRequestError):
        await pay(localstripe, intent_id)


@pytest.mark.usefixtures("jobs")
async def test_settle_checks_amount_and_currency(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await stripe_workshop(client, tenant, price=2500, currency="eur")
    day = dates.monday()
    cheap, _ = await book_paid(client, et, dates.at(day, "10:00"))
    foreign, _ = await book_paid(client, et, dates.at(day, "11:00"))
    # The PaymentIntents Stripe holds do not say what the bookings cost: one is for less money,
    # the other in another currency (the Payment rows are the booking's price).
    async with transaction(sessionmaker) as session:
        await session.execute(
            update(Payment).where(Payment.uid == cheap["payment"]["uid"]).values(amount=25_000)
        )
        await session.execute(
            update(Payment).where(Payment.uid == foreign["payment"]["uid"]).values(currency="usd")
        )
    for booking in (cheap, foreign):
        intent_id = intent_of(booking)
        assert await pay(localstripe, intent_id) == "succeeded"
        await notify(client, tenant, intent_id)
    await run_jobs(database_url)
    for booking in (cheap, foreign):
        still = await booking_state(client, tenant, booking["uid"])
        assert (still["status"], still["paid"]) == ("pending", False)
    async with sessionmaker() as session:
        rows = (
            await session.execute(
                select(Payment.success, Booking.paid)
                .join(Booking, Booking.id == Payment.booking_id)
                .where(Payment.uid.in_([cheap["payment"]["uid"], foreign["payment"]["uid"]]))
            )
        ).all()
        assert rows == [(False, False), (False, False)]
