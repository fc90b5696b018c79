"""The language switch keeps the page (path and every parameter) and changes only ``lang``;
error pages speak the page's language, never the API's English message."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.bookings.helpers import MONDAY, one_booking, token_of
from tests.factories import Tenant
from tests.web.pages import school


def switch_of(page: str) -> str:
    """The footer's link to the other language."""
    found = re.search(r'<a href="([^"]+)" hreflang="(en|fr)"', page)
    assert found, "no language switch on the page"
    return html.unescape(found.group(1))


async def test_french_manage_page_keeps_the_token_and_speaks_french(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, booked = await one_booking(client, tenant, f"{MONDAY.isoformat()}T10:00:00Z")
    token = token_of(booked)
    address = f"/booking/{booked['uid']}/manage?token={token}&tz=Europe/Paris"
    english = await client.get(address + "&lang=en")
    switch = switch_of(english.text)
    query = parse_qs(urlsplit(switch).query)
    assert urlsplit(switch).path == f"/booking/{booked['uid']}/manage"
    assert query == {"token": [token], "tz": ["Europe/Paris"], "lang": ["fr"]}
    french = await client.get(switch)
    assert french.status_code == 200 and '<html lang="fr">' in french.text
    back = parse_qs(urlsplit(switch_of(french.text)).query)
    assert back == {"token": [token], "tz": ["Europe/Paris"], "lang": ["en"]}


async def test_confirmation_in_french_keeps_the_manage_link(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, booked = await one_booking(client, tenant, f"{MONDAY.isoformat()}T10:00:00Z")
    token = token_of(booked)
    english = await client.get(f"/booking/{booked['uid']}?token={token}&lang=en")
    french = await client.get(switch_of(english.text))
    assert french.status_code == 200 and '<html lang="fr">' in french.text
    assert f"/booking/{booked['uid']}/manage?token={token}" in html.unescape(french.text)


async def test_embedded_booking_page_stays_embedded_in_the_other_language(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    asked = {
        "embed": "1",
        "origin": "https://course.example",
        "referrer": "https://course.example/lesson?id=3",
        "email": "kid@example.com",
        "name": "Kid",
        "tz": "Europe/Paris",
        "month": MONDAY.strftime("%Y-%m"),
        "date": MONDAY.isoformat(),
    }
    page = await client.get(f"/{tenant.slug}/{et['slug']}", params=asked)
    switch = switch_of(page.text)
    assert parse_qs(urlsplit(switch).query) == {k: [v] for k, v in asked.items()} | {"lang": ["fr"]}
    french = await client.get(switch)
    assert "booking-page embedded" in french.text and '<html lang="fr">' in french.text


async def test_a_missing_page_says_so_in_french_without_english_text(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)
    for path in (f"/{tenant.slug}/no-such-workshop", "/booking/no-such-uid/manage?token=x"):
        page = await client.get(path, headers={"Accept-Language": "fr"})
        assert page.status_code == 404 and '<html lang="fr">' in page.text
        assert "Page introuvable" in page.text
        for english in ("does not exist", "not found", "Page not found"):
            assert english not in page.text, (path, english)
    english = await client.get(f"/{tenant.slug}/no-such-workshop?lang=en")
    assert "Page not found" in english.text and "Page introuvable" not in english.text


async def test_odd_parameters_get_a_translated_error_page_not_json(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    page = await client.get(f"/{tenant.slug}/{et['slug']}?tz={'x' * 300}&lang=fr")
    assert page.status_code == 400 and "text/html" in page.headers["content-type"]
    assert '<html lang="fr">' in page.text and "Invalid" not in page.text


async def test_a_refused_reschedule_is_not_echoed_by_the_switch(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et, booked = await one_booking(client, tenant, f"{MONDAY.isoformat()}T10:00:00Z")
    page = f"/{tenant.slug}/{et['slug']}"
    forged = await client.get(page, params={"reschedule": booked["uid"], "token": "1.forged"})
    assert booked["uid"] not in forged.text
    assert parse_qs(urlsplit(switch_of(forged.text)).query) == {"lang": ["fr"]}
    real = await client.get(page, params={"reschedule": booked["uid"], "token": token_of(booked)})
    kept = parse_qs(urlsplit(switch_of(real.text)).query)
    assert kept["reschedule"] == [booked["uid"]] and kept["token"] == [token_of(booked)]
