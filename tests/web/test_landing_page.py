"""The landing page: the school's teachers or no sidebar at all, each session time a link to
that time on the booking page, times in the visitor's locale and zone, our texts in French."""

from __future__ import annotations

import html
import re
from datetime import datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.db.session import transaction
from immersio_booking.models import User
from tests.factories import Tenant
from tests.web.pages import school


async def name_owner(
    sessionmaker: async_sessionmaker[AsyncSession], tenant: Tenant, name: str
) -> None:
    async with transaction(sessionmaker) as session:
        await session.execute(update(User).where(User.id == tenant.owner_id).values(name=name))


def session_links(page: str) -> list[str]:
    return [
        html.unescape(href)
        for href in re.findall(r'<li><a href="([^"]+)" rel="nofollow"><time', page)
    ]


async def test_no_empty_sidebar_and_the_teachers_by_name_when_known(
    client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    await school(client, tenant)
    nameless = (await client.get(f"/{tenant.slug}")).text
    assert "<aside" not in nameless and 'class="columns"' in nameless
    await school(client, other_tenant)
    await name_owner(sessionmaker, other_tenant, "Zoé Stranger")
    await name_owner(sessionmaker, tenant, "Ada Lovelace")
    named = (await client.get(f"/{tenant.slug}")).text
    assert '<aside class="side">' in named and "Your teacher" in named
    assert "Ada Lovelace" in named
    assert "Zoé Stranger" not in named  # another school's teacher never shows here
    french = await client.get(f"/{tenant.slug}?lang=fr")
    assert "Votre enseignant" in french.text


async def test_each_session_time_opens_the_booking_page_with_that_time_chosen(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    page = (await client.get(f"/{tenant.slug}?tz=Europe/Paris&lang=fr")).text
    links = session_links(page)
    assert links, "no session is linked"
    for link in links:
        parts = urlsplit(link)
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert parts.path == f"/{tenant.slug}/{et['slug']}"
        start = datetime.fromisoformat(query["slot"])
        assert start.utcoffset() == start.astimezone(ZoneInfo("Europe/Paris")).utcoffset()
        assert query["date"] == start.date().isoformat()
        assert query["month"] == start.strftime("%Y-%m")
        assert query["tz"] == "Europe/Paris" and query["lang"] == "fr"
        booking = await client.get(link)
        assert booking.status_code == 200 and f'value="{query["slot"]}"' in booking.text


async def test_times_and_zone_read_as_the_visitor_reads_them(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)
    american = await client.get(
        f"/{tenant.slug}?tz=America/New_York", headers={"Accept-Language": "en-US,en;q=0.8"}
    )
    assert re.search(r"<time [^>]+>[^<]+, \d{1,2}:\d\d (AM|PM)</time>", american.text)
    assert "Times are shown in New York (UTC" in american.text
    assert "America/New_York." not in american.text
    british = await client.get(
        f"/{tenant.slug}?tz=Europe/Paris", headers={"Accept-Language": "en-GB"}
    )
    assert re.search(r"<time [^>]+>[^<]+, \d\d:\d\d</time>", british.text)
    assert " AM<" not in british.text and " PM<" not in british.text
    french = await client.get(f"/{tenant.slug}?tz=Europe/Paris", headers={"Accept-Language": "fr"})
    text = french.text
    assert "Les horaires sont indiqués dans le fuseau Paris (UTC+" in text
    for ours in ("Voir les ateliers", "Ateliers à venir", "Réserver", "Gratuit"):
        assert ours in text, ours
    for english in ("See the workshops", "Upcoming workshops", ">Book<", "Free<", "Times are"):
        assert english not in text, english
