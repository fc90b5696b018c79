"""The CSV export pages through the bookings by their place in the listing's order (start,
then id), not by an offset: bookings cancelled or made between two batches shift nothing, so
each booking comes exactly once. A small batch size makes several batches of a few rows."""

from __future__ import annotations

import csv
import io

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.bookings.listing import Audience, ListQuery
from immersio_booking.dashboard.bookings import _csv_lines
from tests import dates
from tests.bookings.helpers import MONDAY, book, cancel_as_school, teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data, exported_uid


async def test_rows_cancelled_or_made_between_batches_neither_repeat_nor_vanish(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    tenant: Tenant,
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant)

    async def booked(day: int, time: str) -> dict[str, object]:
        start = dates.at(MONDAY + day * dates.DAY, time)
        return data(await book(client, et["id"], start), 201)  # type: ignore[no-any-return]

    week = [await booked(day, "10:00") for day in range(5)]  # Monday to Friday
    lines = _csv_lines(
        sessionmaker, Audience(tenant.id), ListQuery(statuses=("upcoming",)), "UTC", batch_size=2
    )
    chunks = [await anext(lines), await anext(lines)]  # the header; Monday and Tuesday
    # An exported booking is cancelled: by an offset, Wednesday would then be skipped.
    await cancel_as_school(client, tenant, week[0])
    chunks.append(await anext(lines))  # Wednesday and Thursday
    # One is made before the last one exported (by an offset, Thursday would come again),
    # one after it (still to come).
    await booked(0, "14:00")
    later = await booked(4, "15:00")
    chunks.extend([chunk async for chunk in lines])
    rows = list(csv.DictReader(io.StringIO("".join(chunks))))
    exported = [exported_uid(row["uid"]) for row in rows]
    assert exported == [b["uid"] for b in week] + [later["uid"]]
    assert [row["status"] for row in rows] == ["accepted"] * 6  # as it was when exported
