"""The status enums and the database agree: every enum lists exactly the values its column's
CHECK allows in the migrated schema (so the enums changed nothing in the database), and the
wire Literal of a subscription's status lists the same values."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import get_args

import psycopg
import pytest

from immersio_booking.models import (
    BookingStatus,
    DeliveryStatus,
    RefundStatus,
    ReminderStatus,
    SubscriptionStatus,
    SyncLogStatus,
    SyncStatus,
)
from immersio_booking.subscriptions import schemas as subscription_schemas
from tests import database

CHECKED: dict[str, tuple[str, type[StrEnum]]] = {
    "ck_bookings_status": ("bookings", BookingStatus),
    "ck_booking_cancellation_history_refund_status": (
        "booking_cancellation_history",
        RefundStatus,
    ),
    "ck_webhook_deliveries_status": ("webhook_deliveries", DeliveryStatus),
    "ck_workflow_reminders_status": ("workflow_reminders", ReminderStatus),
    "ck_immersio_integrations_sync_status": ("immersio_integrations", SyncStatus),
    "ck_immersio_sync_logs_status": ("immersio_sync_logs", SyncLogStatus),
    "ck_tenant_subscriptions_status": ("tenant_subscriptions", SubscriptionStatus),
}


@pytest.mark.parametrize("constraint", sorted(CHECKED))
def test_the_enum_lists_what_the_column_check_allows(database_url: str, constraint: str) -> None:
    table, enum = CHECKED[constraint]
    with psycopg.connect(database.libpq(database_url)) as conn:
        row = conn.execute(
            "SELECT pg_get_constraintdef(con.oid) FROM pg_constraint con"
            " JOIN pg_class cl ON cl.oid = con.conrelid"
            " WHERE con.contype = 'c' AND con.conname = %s AND cl.relname = %s",
            (constraint, table),
        ).fetchone()
    assert row is not None, f"{constraint} is not in the migrated schema"
    allowed = re.findall(r"'([^']*)'", row[0])
    assert sorted(allowed) == sorted(member.value for member in enum)


def test_a_member_is_its_wire_value() -> None:
    assert BookingStatus.ACCEPTED == "accepted"
    assert f"{BookingStatus.ACCEPTED}" == str(BookingStatus.ACCEPTED) == "accepted"
    assert BookingStatus("cancelled") is BookingStatus.CANCELLED


def test_the_subscription_status_literal_lists_the_enum() -> None:
    assert set(get_args(subscription_schemas.SubscriptionStatus)) == set(SubscriptionStatus)
