"""When the student can no longer change a booking online, the manage page says why in the
page's language (never the service's English message): too close to the start, or started."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape

import httpx
import pytest

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, teacher_hours, token_of, workshop
from tests.factories import Tenant
from tests.helpers import data

START = dates.instant(MONDAY, "10:00")


def closed_note(page: httpx.Response) -> str:
    found = re.search(r'id="closed-note">(.*?)</p>', page.text, re.S)
    assert found, "no closed note"
    return unescape(found.group(1))


async def booked(client: httpx.AsyncClient, tenant: Tenant, notice_hours: int) -> dict[str, str]:
    await teacher_hours(client, tenant)
    et = await workshop(client, tenant, metadata={"cancellation_notice_hours": notice_hours})
    return data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)  # type: ignore[no-any-return]


async def manage(client: httpx.AsyncClient, booking: dict[str, str], lang: str) -> httpx.Response:
    return await client.get(
        f"/booking/{booking['uid']}/manage", params={"token": token_of(booking), "lang": lang}
    )


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("en", "Changes close 2 hours before the start"),
        ("fr", "Les modifications ferment 2 heures avant le début"),
    ],
)
async def test_inside_the_notice_the_page_says_how_long_before_changes_close(
    client: httpx.AsyncClient, tenant: Tenant, lang: str, said: str
) -> None:
    booking = await booked(client, tenant, notice_hours=2)
    with clock.frozen(START - timedelta(hours=1)):
        page = await manage(client, booking, lang)
    assert said in closed_note(page)
    assert "Changes by the student close" not in page.text  # the API's English message
    assert 'id="reschedule-link"' not in page.text and 'id="cancel-step"' not in page.text


@pytest.mark.parametrize(
    ("after", "lang", "said"),
    [
        (timedelta(minutes=30), "en", "This session has started"),
        (timedelta(minutes=30), "fr", "Cette séance a commencé"),
    ],
)
async def test_a_started_session_is_said_so(
    client: httpx.AsyncClient, tenant: Tenant, after: timedelta, lang: str, said: str
) -> None:
    booking = await booked(client, tenant, notice_hours=0)
    with clock.frozen(START + after):
        page = await manage(client, booking, lang)
    assert closed_note(page).startswith(said)


async def test_before_the_notice_the_booking_can_still_be_changed(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    booking = await booked(client, tenant, notice_hours=2)
    with clock.frozen(START - timedelta(hours=3)):
        page = await manage(client, booking, "en")
    assert 'id="closed-note"' not in page.text and 'id="reschedule-link"' in page.text
