"""The booking-event dispatch: wired once, in a fixed order, inside the change's transaction."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.bookings import checkout, events
from immersio_booking.calendars import listeners as calendars
from immersio_booking.db.session import transaction
from immersio_booking.kit import clock
from immersio_booking.models import Booking
from immersio_booking.notifications import listeners as notifications
from immersio_booking.payments import listeners as payments
from immersio_booking.video import listeners as video
from immersio_booking.waitlist import listeners as waitlist
from immersio_booking.webhooks import listeners as webhooks
from immersio_booking.wiring import wire
from immersio_booking.workflows import listeners as workflows
from tests import dates
from tests.bookings.helpers import MONDAY, book, teacher_hours, token_of, workshop
from tests.factories import Tenant
from tests.helpers import data


def test_wiring_subscribes_each_package_once_in_order() -> None:
    wire()
    wire()  # a second call (another app in the same process) adds nothing
    order = [listener.__module__ for listener in events.listeners_of(events.Cancelled)]
    assert order == [
        payments.__name__,
        calendars.__name__,
        video.__name__,
        notifications.__name__,
        webhooks.__name__,
        workflows.__name__,
        waitlist.__name__,  # last: a freed seat's offer follows the change's own news
    ]
    booked = [listener.__module__ for listener in events.listeners_of(events.Booked)]
    assert booked == [
        calendars.__name__,
        video.__name__,
        notifications.__name__,
        webhooks.__name__,
        workflows.__name__,
        waitlist.__name__,
    ]
    assert events.listeners_of(events.Invited)[0].__module__ == notifications.__name__


async def test_publishing_before_wiring_is_refused(
    monkeypatch: pytest.MonkeyPatch, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    monkeypatch.setattr(events, "_wired", False)
    async with sessionmaker() as session:
        with pytest.raises(events.NotWired, match="Cancelled published before"):
            await events.publish(session, events.Cancelled([]))


async def test_a_priced_booking_without_a_payment_starter_is_refused(
    monkeypatch: pytest.MonkeyPatch, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    monkeypatch.setattr(checkout, "_start", None)
    held = Booking(uid="x", status="pending", paid=False)
    held.hold_expires_at = clock.now()
    async with sessionmaker() as session:
        with pytest.raises(RuntimeError, match="no payment starter"):
            await checkout.start_payments(session, [held], None)  # type: ignore[arg-type]


async def test_a_failing_listener_rolls_the_cancellation_back(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A listener runs in the change's transaction: when it fails, nothing of the change stays
    (no cancelled booking without its email, webhook and reminders)."""
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)
    created = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)

    async def broken(session: AsyncSession, event: events.Cancelled) -> None:
        raise RuntimeError(f"listener down ({len(event.bookings)} in {session.info!r})")

    chain = {**events._listeners, events.Cancelled: [*events._listeners[events.Cancelled], broken]}
    monkeypatch.setattr(events, "_listeners", chain)
    with pytest.raises(RuntimeError, match="listener down"):
        await client.post(
            f"/v2/bookings/{created['uid']}/cancel",
            params={"token": token_of(created)},
            json={"cancellationReason": "ill"},
        )
    async with transaction(sessionmaker) as session:
        status = (
            await session.execute(select(Booking.status).where(Booking.uid == created["uid"]))
        ).scalar_one()
    assert status == "accepted"
