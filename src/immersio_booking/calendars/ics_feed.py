"""ICS feeds (``ics-feed_calendar``): read-only calendars published at a URL, fetched with the
service's safe HTTP client. The URLs often carry a private token, so they are sealed with the
credential's secrets and a feed is named by a digest of its URL, never by the URL itself."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import httpx
from icalendar import Calendar

from immersio_booking.calendars import ical_busy, kinds, sealing
from immersio_booking.calendars.source import Busy, CalendarUnavailable, ListedCalendar
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.kit.http import OutgoingPolicy, ResponseTooLarge, UnsafeTarget, safe_client
from immersio_booking.models import Credential

ICS_FEED = "ics-feed_calendar"


def feed_id(url: str) -> str:
    return "ics-" + hashlib.sha256(url.encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Feed:
    url: str
    calendar: Calendar

    @property
    def name(self) -> str:
        named = self.calendar.get("X-WR-CALNAME")
        return str(named) if named else urlsplit(self.url).hostname or "ICS feed"


async def fetch(url: str) -> Feed:
    policy = OutgoingPolicy.of(kinds.settings())
    policy = OutgoingPolicy(
        policy.allow_private, policy.allowed_ports, policy.max_response_bytes, kinds.timeout()
    )
    try:
        async with safe_client(policy) as client:
            response = await client.get(url, headers={"Accept": "text/calendar"})
    except UnsafeTarget as exc:
        raise CalendarUnavailable(exc.message) from exc
    except (httpx.HTTPError, ResponseTooLarge) as exc:
        raise CalendarUnavailable(f"the feed could not be read: {type(exc).__name__}") from exc
    if response.status_code != 200:
        raise CalendarUnavailable(
            f"the feed answered HTTP {response.status_code}",
            refused=response.status_code in (401, 403),
        )
    return Feed(url, ical_busy.parsed(response.content))


def urls_of(credential: Credential) -> list[str]:
    box = SecretBox.of(kinds.settings())
    urls: list[str] = json.loads(sealing.secret(box, credential, "urls"))
    return urls


class IcsFeedSource:
    credential_type = ICS_FEED
    app_id = "ics-feed"

    async def calendars(self, credential: Credential) -> list[ListedCalendar]:
        names: dict[str, str] = credential.key.get("names", {})
        return [
            ListedCalendar(feed_id(url), names.get(feed_id(url), "ICS feed"), i == 0, True)
            for i, url in enumerate(urls_of(credential))
        ]

    async def busy(
        self, credential: Credential, external_ids: list[str], start: datetime, end: datetime
    ) -> list[Busy]:
        zone = ical_busy.zone_of(credential.key.get("timeZone"))
        wanted = set(external_ids)
        found: list[Busy] = []
        for url in urls_of(credential):
            if feed_id(url) in wanted:
                feed = await fetch(url)
                found += ical_busy.busy_in(feed.calendar, start, end, feed_id(url), zone)
        return found
