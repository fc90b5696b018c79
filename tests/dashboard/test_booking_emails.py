"""A booking's emails in its history on the dashboard: the school sees each one (kind,
recipient, status, the server's refusal), the session's teacher too; another teacher and another
school find nothing."""

from __future__ import annotations

import httpx
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Booking
from immersio_booking.notifications import email_records
from tests.dashboard.staff import Staff, csrf_at
from tests.factories import Tenant, make_member
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.notifications.email_helpers import REFUSAL, booked, emails_of


async def test_staff_messages_are_recorded_and_the_page_lists_them_to_whom_may_see_it(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    inbox: Inbox,
    database_url: str,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
) -> None:
    booking = await booked(client, tenant, "maelle@example.com")
    page = f"/dashboard/bookings/{booking['uid']}"
    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        token = await csrf_at(owner)
        sent = await owner.post(
            f"/dashboard/sessions/{booking['uid']}/message",
            data={"csrf": token, "subject": "Room 4", "message": "We meet in room 4."},
        )
        assert sent.status_code == 303
    inbox.refuse(REFUSAL, to=tenant.owner_email)  # the teacher's confirmation fails for good
    await run_jobs(database_url)
    kinds = {
        (r.kind, r.recipient, r.status)
        for r in await emails_of(sessionmaker, tenant, booking["uid"])
    }
    assert kinds == {
        ("confirmed", "maelle@example.com", "sent"),
        ("confirmed", tenant.owner_email.lower(), "failed"),
        ("staff_message", "maelle@example.com", "sent"),
    }

    async with staff.signed_in(tenant.owner_id, tenant.id) as owner:
        html = (await owner.get(page)).text
        french = (await owner.get(f"{page}?lang=fr")).text
    assert "Message from the school" in html and "maelle@example.com" in html
    assert "Booking confirmation" in html and "staff_message" not in html  # named, not coded
    assert f"Failed ({REFUSAL})" in html and html.count(">Sent<") == 2
    assert "Destinataire" in french and "Échec" in french
    assert "Message de l’école" in french and "Confirmation de réservation" in french

    # A teacher who does not teach it, another school's owner: not found, nothing shown.
    teacher = await make_member(sessionmaker, tenant)
    async with staff.signed_in(teacher.id, tenant.id) as stranger:
        assert (await stranger.get(page)).status_code == 404
    async with staff.signed_in(other_tenant.owner_id, other_tenant.id) as other:
        answer = await other.get(page)
        assert answer.status_code == 404 and "maelle@example.com" not in answer.text
    async with sessionmaker() as session:
        [booking_id] = (
            await session.execute(select(Booking.id).where(Booking.uid == booking["uid"]))
        ).scalars()
        assert await email_records.of_booking(session, other_tenant.id, booking_id) == []

    # The teacher of the session sees its emails.
    async with sessionmaker() as session:
        await session.execute(
            text("UPDATE bookings SET user_id = :teacher WHERE uid = :uid"),
            {"teacher": teacher.id, "uid": booking["uid"]},
        )
        await session.commit()
    async with staff.signed_in(teacher.id, tenant.id) as own:
        shown = await own.get(page)
    assert shown.status_code == 200 and "Message from the school" in shown.text
