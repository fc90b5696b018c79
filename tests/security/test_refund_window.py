"""The refund window and the notice for changes cannot be moved by rescheduling (issue 12,
item 2): a booking moved by the student keeps the deadlines of the earliest start in its
chain; a booking moved by the school starts afresh (docs/cancellation.md)."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking import migrations
from immersio_booking.bookings.access import MANAGE
from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock, signing
from immersio_booking.models import Booking
from tests import dates
from tests.bookings.helpers import book, cancellation_history, teacher_hours, token_of, workshop
from tests.factories import Tenant
from tests.helpers import assert_error, data

POLICY = {"refund_window_hours": 24, "cancellation_notice_hours": 0}


def _first_class() -> datetime:
    """A Monday 10:00 UTC some weeks ahead: read it once, before the tests move the clock."""
    return datetime.combine(dates.monday(), time(10), tzinfo=UTC)


def _weeks(start: datetime, weeks: int) -> datetime:
    return start + timedelta(weeks=weeks)


def _iso(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


async def _paid_class(
    client: httpx.AsyncClient, tenant: Tenant, start: datetime, **policy: int
) -> tuple[dict[str, Any], dict[str, Any]]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, price=3000, currency="usd", metadata=POLICY | policy)
    booked = data(
        await book(client, et["id"], _iso(start), headers=tenant.headers, paidOffline=True), 201
    )
    return et, booked


async def _move(
    client: httpx.AsyncClient, booking: dict[str, Any], to: datetime, **auth: Any
) -> dict[str, Any]:
    reply = await client.post(
        f"/v2/bookings/{booking['uid']}/reschedule", json={"start": _iso(to)}, **auth
    )
    return data(reply, 201)  # type: ignore[no-any-return]


def _as_student(booking: dict[str, Any]) -> dict[str, Any]:
    return {"params": {"token": token_of(booking)}}


def _emailed_token(settings: Settings, booking: dict[str, Any]) -> str:
    """The student's token to a booking the school moved, as the rescheduled email has it."""
    end = datetime.fromisoformat(booking["end"].replace("Z", "+00:00"))
    return signing.sign(settings.resolved_secret_key(), MANAGE, booking["uid"], end)


async def _student_cancels(
    client: httpx.AsyncClient, tenant: Tenant, uid: str, token: str
) -> tuple[str, int, bool]:
    data(await client.post(f"/v2/bookings/{uid}/cancel", params={"token": token}, json={}))
    history = await cancellation_history(client, tenant, uid)
    return history[0]["refundStatus"], history[0]["refundAmount"], history[0]["withinRefundWindow"]


async def test_moving_a_class_away_an_hour_before_does_not_reopen_the_refund(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = _first_class()
    with clock.frozen(first - timedelta(days=3)):
        _, booked = await _paid_class(client, tenant, first)
    with clock.frozen(first - timedelta(hours=1)):
        moved = await _move(client, booked, _weeks(first, 1), **_as_student(booked))
        refund = await _student_cancels(client, tenant, moved["uid"], token_of(moved))
    assert refund == ("not_eligible", 0, False)


async def test_a_chain_of_moves_keeps_the_earliest_refund_deadline(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """Moved later, then earlier, then later again: the earliest start of the chain counts."""
    first = _first_class()
    with clock.frozen(first - timedelta(days=5)):
        _, booked = await _paid_class(client, tenant, _weeks(first, 1))
        earlier = await _move(client, booked, first, **_as_student(booked))
        later = await _move(client, earlier, _weeks(first, 2), **_as_student(earlier))
    # Two days before the earliest start the window is still open: a full refund.
    with clock.frozen(first - timedelta(days=2)):
        _, kept = await _paid_class(client, tenant, _weeks(first, 1) + timedelta(hours=1))
        kept_moved = await _move(
            client, kept, _weeks(first, 2) + timedelta(hours=1), **_as_student(kept)
        )
        assert await _student_cancels(client, tenant, kept_moved["uid"], token_of(kept_moved)) == (
            "pending",
            3000,
            True,
        )
    # Past the earliest start's deadline: nothing, however far away the class is now.
    with clock.frozen(first - timedelta(hours=2)):
        refund = await _student_cancels(client, tenant, later["uid"], token_of(later))
    assert refund == ("not_eligible", 0, False)


async def test_a_move_by_the_school_starts_a_fresh_refund_window(
    client: httpx.AsyncClient, tenant: Tenant, settings: Settings
) -> None:
    first = _first_class()
    with clock.frozen(first - timedelta(days=3)):
        _, booked = await _paid_class(client, tenant, first)
    with clock.frozen(first - timedelta(hours=1)):
        moved = await _move(client, booked, _weeks(first, 1), headers=tenant.headers)
        refund = await _student_cancels(
            client, tenant, moved["uid"], _emailed_token(settings, moved)
        )
    assert refund == ("pending", 3000, True)


async def test_moving_a_class_does_not_reopen_the_notice_for_changes(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    first = _first_class()
    with clock.frozen(first - timedelta(days=3)):
        _, booked = await _paid_class(client, tenant, first, cancellation_notice_hours=24)
    with clock.frozen(first - timedelta(days=2)):
        moved = await _move(client, booked, _weeks(first, 1), **_as_student(booked))
    with clock.frozen(first - timedelta(hours=1)):
        late = {"params": {"token": token_of(moved)}}
        assert_error(
            await client.post(f"/v2/bookings/{moved['uid']}/cancel", json={}, **late),
            403,
            "cancellation_window_closed",
        )
        assert_error(
            await client.post(
                f"/v2/bookings/{moved['uid']}/reschedule",
                json={"start": _iso(_weeks(first, 2))},
                **late,
            ),
            403,
            "cancellation_window_closed",
        )
        # The school still may.
        data(
            await client.post(
                f"/v2/bookings/{moved['uid']}/cancel", json={}, headers=tenant.headers
            )
        )


def _migration() -> Any:
    path = Path(migrations.__file__).parent / "versions" / "0013_privacy.py"
    spec = importlib.util.spec_from_file_location("migration_0013_privacy", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


async def test_the_migration_fills_in_chains_moved_before_it(
    client: httpx.AsyncClient,
    tenant: Tenant,
    settings: Settings,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """Student move, school move, student move: the first keeps the booked start, the school's
    move starts afresh, the last keeps the school's new start."""
    first = _first_class()
    with clock.frozen(first - timedelta(days=3)):
        _, booked = await _paid_class(client, tenant, first)
        by_student = await _move(client, booked, _weeks(first, 1), **_as_student(booked))
        by_school = await _move(client, by_student, _weeks(first, 2), headers=tenant.headers)
        student_again = await _move(
            client,
            by_school,
            _weeks(first, 3),
            params={"token": _emailed_token(settings, by_school)},
        )
    uids = [by_student["uid"], by_school["uid"], student_again["uid"]]
    expected = [first, None, _weeks(first, 2)]

    async def stored() -> list[datetime | None]:
        async with sessionmaker() as session:
            rows = dict(
                (
                    await session.execute(
                        select(Booking.uid, Booking.deadlines_start_time).where(
                            Booking.uid.in_(uids)
                        )
                    )
                ).all()
            )
        return [rows[uid] for uid in uids]

    assert await stored() == expected
    async with transaction(sessionmaker) as session:  # as before the migration
        await session.execute(
            update(Booking).where(Booking.uid.in_(uids)).values(deadlines_start_time=None)
        )
        await session.execute(text(_migration().BACKFILL))
    assert await stored() == expected
