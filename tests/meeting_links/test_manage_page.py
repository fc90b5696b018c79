"""The manage page's "Join" button: from 10 minutes before the start until the end, decided by
the server's clock; before, when it opens; the location's name, never its key; French."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, student, teacher_hours, token_of, workshop
from tests.factories import Tenant
from tests.helpers import data
from tests.meeting_links.helpers import add_meeting

START = dates.instant(MONDAY, "10:00")  # 11:00 in Paris, the student's zone


async def _booked(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[dict[str, Any], str]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, title="Conversation")
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    return booking, await add_meeting(sessionmaker, booking["uid"])


async def _page(client: httpx.AsyncClient, booking: dict[str, Any], **params: str) -> str:
    response = await client.get(
        f"/booking/{booking['uid']}/manage", params={"token": token_of(booking), **params}
    )
    assert response.status_code == 200
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    return response.text


async def test_join_opens_ten_minutes_before_the_start_until_the_end(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    booking, url = await _booked(client, tenant, sessionmaker)
    with clock.frozen(START - timedelta(minutes=10, seconds=1)):
        before = await _page(client, booking)
    assert 'id="join-button"' not in before and url not in before
    assert "The join link opens 10 minutes before the start, at 10:50 AM (Paris, UTC+1)." in before
    assert 'data-state="soon"' in before and "/static/join.js" in before
    assert "Online video call (Jitsi Meet)" in before  # where it happens, by name

    for moment in (
        START - timedelta(minutes=10),
        START,
        START + timedelta(minutes=59, seconds=59),
    ):
        with clock.frozen(moment):
            page = await _page(client, booking)
        assert f'id="join-button" href="{url}"' in page, moment
        assert 'data-state="open"' in page

    with clock.frozen(START + timedelta(hours=1)):  # the end: the manage link has expired too
        after = await client.get(
            f"/booking/{booking['uid']}/manage", params={"token": token_of(booking)}
        )
    assert after.status_code == 404 and url not in after.text


async def test_french_page(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    booking, url = await _booked(client, tenant, sessionmaker)
    with clock.frozen(START - timedelta(hours=2)):
        before = await _page(client, booking, lang="fr")
    assert "Le lien pour rejoindre s'ouvre 10 minutes avant le début, à 10:50" in before.replace(
        "&#39;", "'"
    )
    assert "Appel vidéo en ligne (Jitsi Meet)" in before
    with clock.frozen(START - timedelta(minutes=5)):
        page = await _page(client, booking, lang="fr")
    assert f'href="{url}"' in page and "Rejoindre l" in page


async def test_no_link_for_a_stranger_or_another_student(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    booking, url = await _booked(client, tenant, sessionmaker)
    et_id = booking["eventTypeId"]
    other = data(
        await book(client, et_id, dates.at(MONDAY, "12:00"), attendee=student("eve@example.com")),
        201,
    )
    with clock.frozen(START):
        for token in (None, "forged", token_of(other)):
            params = {"token": token} if token else {}
            for path in ("manage", "ics", ""):
                response = await client.get(
                    f"/booking/{booking['uid']}/{path}".rstrip("/"), params=params
                )
                assert response.status_code == 404, (path, token)
                assert url not in response.text


async def test_the_calendar_file_carries_the_link(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    booking, url = await _booked(client, tenant, sessionmaker)
    response = await client.get(
        f"/booking/{booking['uid']}/ics", params={"token": token_of(booking)}
    )
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert str(event["LOCATION"]) == str(event["URL"]) == str(event["CONFERENCE"]) == url
    assert event["CONFERENCE"].params["FEATURE"] == "VIDEO"
    assert f"Join the video call: {url}" in str(event["DESCRIPTION"])
    confirmation = await client.get(
        f"/booking/{booking['uid']}", params={"token": token_of(booking)}
    )
    assert "Online video call (Jitsi Meet)" in confirmation.text
    assert "integrations:" not in confirmation.text


@pytest.mark.usefixtures("providers_wired")
async def test_while_the_link_is_being_made_the_page_says_so(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, locations=[{"type": "integration", "integration": "zoom"}])
    booking = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    with clock.frozen(START - timedelta(minutes=5)):
        page = await _page(client, booking)
    assert 'data-state="waiting"' in page and 'id="join-button"' not in page
    assert "The join link is being prepared" in page and "Zoom" in page
    assert "integrations:" not in page
