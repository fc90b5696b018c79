"""The student's pages carry the page's language, zone and embed mode from one to the next:
booking page → payment → confirmation → manage, and back to choose another time."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import httpx

from tests import dates
from tests.bookings.helpers import MONDAY, book, one_booking, token_of
from tests.dates import WEEK
from tests.factories import Tenant
from tests.helpers import data
from tests.payments.helpers import stripe_workshop
from tests.web.pages import school

HOST = "https://course.example"
EMBED = {"embed": ["1"], "origin": [HOST]}


def href(page: httpx.Response, marker: str) -> tuple[str, dict[str, list[str]]]:
    """The path and query of the link (or form's done URL) with ``id=marker``."""
    found = re.search(rf'id="{marker}"[^>]*? (?:href|data-done-url)="([^"]+)"', page.text)
    assert found, marker
    parts = urlsplit(unescape(found.group(1)))
    return parts.path, parse_qs(parts.query)


def first(query: dict[str, list[str]]) -> dict[str, str]:
    return {key: values[0] for key, values in query.items()}


async def test_the_payment_page_keeps_embed_language_and_zone_on_every_way_on(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,  # noqa: ARG001 (the page asks Stripe about the payment)
) -> None:
    et = await stripe_workshop(client, tenant, price=2500, currency="eur")
    said = {
        "registration_source": "immersio",
        "booking_context": {"referrer": f"{HOST}/lesson/3"},
        "immersio_student_id": "s-42",
    }
    start = dates.at(MONDAY + 4 * WEEK, "10:00")
    booked = data(await book(client, et["id"], start, metadata=said), 201)
    page = await client.get(
        f"/payment/{booked['payment']['uid']}",
        params={"embed": "1", "origin": HOST, "lang": "fr", "tz": "America/New_York"},
    )
    assert page.status_code == 200 and '<html lang="fr">' in page.text
    carried = {"lang": ["fr"], "tz": ["America/New_York"], **EMBED}
    path, query = href(page, "payment-form")
    assert path == f"/booking/{booked['uid']}"
    assert query == {"token": [token_of(booked)], **carried}
    path, query = href(page, "change-time")
    assert path == f"/{tenant.slug}/{et['slug']}"
    assert query == {**carried, "studentId": ["s-42"], "referrer": [f"{HOST}/lesson/3"]}
    # The booking page it leads to is embedded, in French, and tells the host page again.
    again = await client.get(path, params=first(query))
    assert "booking-page embedded" in again.text and f'data-embedder="{HOST}"' in again.text


async def test_outside_the_embed_the_payment_page_adds_no_embed_parameters(
    client: httpx.AsyncClient,
    tenant: Tenant,
    localstripe: str,  # noqa: ARG001 (the page asks Stripe about the payment)
) -> None:
    et = await stripe_workshop(client, tenant, price=2500, currency="eur")
    said = {"immersio_student_id": "s-42"}
    start = dates.at(MONDAY + 4 * WEEK, "10:00")
    booked = data(await book(client, et["id"], start, metadata=said), 201)
    # An origin without embed mode is not carried, nor anything the embed said of the student.
    page = await client.get(f"/payment/{booked['payment']['uid']}", params={"origin": HOST})
    _, query = href(page, "change-time")
    assert query.keys() == {"tz", "lang"}
    _, done = href(page, "payment-form")
    assert done.keys() == {"token", "tz", "lang"}
    # Embed mode with something that is not an origin: embedded, but no one to tell.
    odd = {"embed": "1", "origin": "javascript:alert(1)"}
    page = await client.get(f"/payment/{booked['payment']['uid']}", params=odd)
    _, done = href(page, "payment-form")
    assert done["embed"] == ["1"] and "origin" not in done


async def test_the_confirmation_leads_to_manage_in_its_language_and_zone(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, booked = await one_booking(client, tenant, f"{MONDAY.isoformat()}T10:00:00Z")
    token = token_of(booked)
    page = await client.get(
        f"/booking/{booked['uid']}",
        params={"token": token, "embed": "1", "origin": HOST, "lang": "fr", "tz": "Asia/Tokyo"},
    )
    assert '<html lang="fr">' in page.text
    path, query = href(page, "manage-link")
    # The manage page opens outside the frame (it refuses to be framed): no embed parameters.
    assert path == f"/booking/{booked['uid']}/manage"
    assert query == {"token": [token], "lang": ["fr"], "tz": ["Asia/Tokyo"]}
    assert 'id="manage-link" target="_top"' in page.text
    manage = await client.get(path, params=first(query))
    assert manage.status_code == 200 and '<html lang="fr">' in manage.text
    assert "(Tokyo, UTC+9)" in manage.text
    # ... and its way to choose another time keeps them too.
    path, query = href(manage, "reschedule-link")
    assert query == {
        "reschedule": [booked["uid"]],
        "token": [token],
        "tz": ["Asia/Tokyo"],
        "lang": ["fr"],
    }


async def test_cancelling_returns_to_the_manage_page_in_its_language_and_zone(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, booked = await one_booking(client, tenant, f"{MONDAY.isoformat()}T10:00:00Z")
    token = token_of(booked)
    manage = await client.get(
        f"/booking/{booked['uid']}/manage",
        params={"token": token, "lang": "fr", "tz": "Asia/Tokyo"},
    )
    csrf = re.search(r'name="csrf" value="([^"]+)"', manage.text)
    assert csrf
    done = await client.post(
        f"/booking/{booked['uid']}/manage/cancel",
        data={"token": token, "csrf": csrf.group(1), "lang": "fr", "tz": "Asia/Tokyo"},
    )
    assert done.status_code == 303
    query = parse_qs(urlsplit(done.headers["location"]).query)
    assert query == {"token": [token], "done": ["cancelled"], "lang": ["fr"], "tz": ["Asia/Tokyo"]}
    after = await client.get(done.headers["location"])
    assert '<html lang="fr">' in after.text and 'id="cancelled-note"' in after.text


async def test_the_zone_form_carries_every_kept_parameter(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    asked = {
        "embed": "1",
        "origin": HOST,
        "referrer": f"{HOST}/lesson?id=3",
        "email": "kid@example.com",
        "name": "Kid",
        "studentId": "s-42",
        "invitation": "inv-token",
        "clock": "12",
        "lang": "fr",
        "tz": "Europe/Paris",
    }
    page = await client.get(f"/{tenant.slug}/{et['slug']}", params=asked)
    form = page.text.split('class="zone-form"')[1].split("</form>")[0]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form))
    assert {k: unescape(v) for k, v in hidden.items() if k not in ("previousTz", "month")} == {
        k: v for k, v in asked.items() if k != "tz"
    }
    # Submitting it (a new zone) lands on the same page, still embedded and in French.
    moved = await client.get(f"/{tenant.slug}/{et['slug']}", params={**hidden, "tz": "Tokyo"})
    assert "booking-page embedded" in moved.text and '<html lang="fr">' in moved.text
    assert 'value="kid@example.com"' in moved.text


async def test_a_teacher_without_a_name_is_shown_as_the_school_never_by_email(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    et, booked = await one_booking(client, tenant, f"{MONDAY.isoformat()}T10:00:00Z")
    school_name = f"School {tenant.slug}"
    booking_page = await client.get(f"/{tenant.slug}/{et['slug']}")
    assert re.search(rf'id="fact-teacher">{re.escape(school_name)}<', booking_page.text)
    token = token_of(booked)
    for path in (f"/booking/{booked['uid']}", f"/booking/{booked['uid']}/manage"):
        page = await client.get(path, params={"token": token})
        assert re.search(rf'id="teacher">{re.escape(school_name)}<', page.text), path
        assert tenant.owner_email not in page.text
    assert tenant.owner_email not in booking_page.text


async def test_the_landing_page_lists_no_teacher_by_email(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)  # its only teacher, the owner, has no name
    landing = await client.get(f"/{tenant.slug}")
    assert landing.status_code == 200 and tenant.owner_email not in landing.text
    assert 'class="teachers"' not in landing.text  # nobody named: no list rather than emails
