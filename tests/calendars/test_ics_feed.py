"""ICS feeds from a local HTTP server: weekly recurring, all-day and TZID events become busy
time; read-only is the only mode; a feed that cannot be read is refused when saved."""

from __future__ import annotations

import json
import secrets
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Credential
from tests.bookings.helpers import workshop
from tests.calendars.helpers import DAY, free_starts, refresh
from tests.calendars.servers import FeedServer
from tests.factories import Tenant
from tests.helpers import assert_error, data


def compact(day: object) -> str:
    return str(day).replace("-", "")


def feed(*events: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//tests//EN", "X-WR-CALNAME:Timetable"]
    lines += [
        "BEGIN:VTIMEZONE",
        "TZID:Asia/Tokyo",
        "BEGIN:STANDARD",
        "DTSTART:19700101T000000",
        "TZOFFSETFROM:+0900",
        "TZOFFSETTO:+0900",
        "END:STANDARD",
        "END:VTIMEZONE",
    ]
    for i, event in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:{i}-{secrets.token_hex(4)}@feed",
            "DTSTAMP:20200101T000000Z",
        ]
        lines += event.strip().splitlines()
        lines += ["END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


async def save(client: httpx.AsyncClient, tenant: Tenant, *urls: str) -> httpx.Response:
    return await client.post(
        "/v2/calendars/ics-feed/save", headers=tenant.headers, json={"urls": list(urls)}
    )


async def test_recurring_all_day_and_zoned_events_take_slots(
    client: httpx.AsyncClient,
    teacher: Tenant,
    feeds: FeedServer,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    et = await workshop(client, teacher)
    started = DAY - timedelta(weeks=3)  # a weekly lesson that began three weeks earlier
    tuesday, wednesday = DAY + timedelta(days=1), DAY + timedelta(days=2)
    path = f"/{secrets.token_hex(6)}.ics"
    url = feeds.publish(
        path,
        feed(
            f"DTSTART:{compact(started)}T090000Z\nDTEND:{compact(started)}T100000Z\n"
            "RRULE:FREQ=WEEKLY;BYDAY=MO",
            f"DTSTART;VALUE=DATE:{compact(tuesday)}\nDTEND;VALUE=DATE:{compact(wednesday)}",
            # 22:00 in Tokyo is 13:00 UTC the same day:
            f"DTSTART;TZID=Asia/Tokyo:{compact(wednesday)}T220000\n"
            f"DTEND;TZID=Asia/Tokyo:{compact(wednesday)}T230000",
            f"DTSTART:{compact(DAY)}T150000Z\nDTEND:{compact(DAY)}T160000Z\nTRANSP:TRANSPARENT",
        ),
    )
    credential = data(await save(client, teacher, url), 201)
    assert credential["type"] == "ics-feed_calendar"
    await refresh(client, teacher)
    monday = await free_starts(client, et["id"], DAY)
    assert "09:00" not in monday and {"10:00", "15:00"} <= monday  # free event does not block
    assert await free_starts(client, et["id"], tuesday) == set()  # all day
    assert "13:00" not in await free_starts(client, et["id"], wednesday)
    assert "12:00" in await free_starts(client, et["id"], wednesday)
    listed = data(await client.get("/v2/calendars", headers=teacher.headers))
    (calendar,) = listed["connectedCalendars"][0]["calendars"]
    assert calendar["name"] == "Timetable" and calendar["readOnly"] and calendar["isSelected"]
    assert url not in json.dumps(listed)  # the URL may carry a private token: never shown
    async with sessionmaker() as session:
        row = await session.get(Credential, credential["id"])
        assert row is not None and url not in json.dumps(row.key)
    checked = await client.get("/v2/calendars/ics-feed/check", headers=teacher.headers)
    assert checked.status_code == 200 and checked.json() == {"status": "success"}


async def test_unreadable_feeds_and_writable_feeds_are_refused(
    client: httpx.AsyncClient, teacher: Tenant, feeds: FeedServer
) -> None:
    assert_error(
        await save(client, teacher, feeds.base + "/missing.ics"), 400, "ics_feed_unreadable"
    )
    not_ics = feeds.publish(f"/{secrets.token_hex(6)}.ics", "hello")
    assert_error(await save(client, teacher, not_ics), 400, "ics_feed_unreadable")
    good = feeds.publish(f"/{secrets.token_hex(6)}.ics", feed())
    r = await client.post(
        "/v2/calendars/ics-feed/save",
        headers=teacher.headers,
        json={"urls": [good], "readOnly": False},
    )
    assert_error(r, 400, "validation_failed")
    assert_error(
        await client.get("/v2/calendars/ics-feed/check", headers=teacher.headers),
        404,
        "ics_feed_not_connected",
    )


async def test_check_reports_a_feed_that_stopped_reading(
    client: httpx.AsyncClient, teacher: Tenant, feeds: FeedServer
) -> None:
    path = f"/{secrets.token_hex(6)}.ics"
    data(await save(client, teacher, feeds.publish(path, feed())), 201)
    del feeds.feeds[path]
    assert_error(
        await client.get("/v2/calendars/ics-feed/check", headers=teacher.headers),
        400,
        "ics_feed_unreadable",
    )
