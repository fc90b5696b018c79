"""The daily no-slots alert to organization admins."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from immersio_booking.db.session import transaction
from immersio_booking.notifications.no_slot_alerts import send_no_slot_alerts
from tests.bookings.helpers import teacher_hours, workshop
from tests.factories import Tenant
from tests.helpers import data


async def test_admins_hear_once_a_day_about_workshops_nobody_can_book(
    client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tmp_path: Path,
) -> None:
    data(
        await client.patch(
            f"/v2/organizations/{tenant.id}/settings",
            headers=tenant.headers,
            json={"adminGetsNoSlotsNotification": True},
        )
    )
    await teacher_hours(client, tenant)
    await workshop(client, tenant, title="Open workshop")
    await workshop(
        client,
        tenant,
        title="Past workshop",
        bookingWindow={"type": "range", "value": ["2020-01-06", "2020-01-10"]},
    )
    mail = Settings(**{**settings.model_dump(), "data_dir": tmp_path, "smtp_host": None})
    async with transaction(sessionmaker) as session:
        reported = await send_no_slot_alerts(session, mail)
    sent = [p.read_text() for p in (tmp_path / "mail").glob("*.eml")]
    ours = [m for m in sent if tenant.owner_email in m]
    assert reported >= 1 and len(ours) == 1
    assert "Past workshop" in ours[0] and "Open workshop" not in ours[0]
    async with transaction(sessionmaker) as session:  # the same day: not again
        await send_no_slot_alerts(session, mail)
    assert (
        len([p for p in (tmp_path / "mail").glob("*.eml") if tenant.owner_email in p.read_text()])
        == 1
    )
