"""The booking page over HTTP: what it says of the workshop, the visitor's zone and clock, no
time chosen for the visitor, the month it opens on, moving a booking, the Guests field."""

from __future__ import annotations

import re
from datetime import time, timedelta

import httpx
from babel.dates import format_date

from immersio_booking.kit import clock
from tests import dates
from tests.bookings.helpers import MONDAY, book, seating, token_of, workshop
from tests.factories import Tenant
from tests.helpers import data
from tests.web.pages import school

VIDEO = [{"type": "integration", "integration": "cal-video"}]


async def test_the_workshop_is_described_beside_its_calendar_in_the_page_language(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)
    et = await workshop(
        client,
        tenant,
        title="Paid club",
        price=1500,
        currency="eur",
        locations=VIDEO,
        seats=seating(6),
    )
    english = (await client.get(f"/{tenant.slug}/{et['slug']}?tz=Europe/Paris")).text
    assert re.search(r'id="fact-length">60 min<', english)
    assert "€15.00" in english and "Online video call (Jitsi Meet)" in english
    assert "6 students per session" in english
    french = (await client.get(f"/{tenant.slug}/{et['slug']}?tz=Europe/Paris&lang=fr")).text
    assert "Durée" in french and "Appel vidéo en ligne (Jitsi Meet)" in french
    assert "6 élèves par séance" in french and "Comment participer" in french


async def test_a_mistyped_zone_is_said_and_the_previous_zone_kept_never_utc(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    here = f"/{tenant.slug}/{et['slug']}"
    typo = (await client.get(f"{here}?tz=Pariss&previousTz=America/New_York")).text
    assert "“Pariss” is not a time zone we know" in typo and 'aria-invalid="true"' in typo
    assert 'data-zone="America/New_York"' in typo and "New York (UTC" in typo
    french = (await client.get(f"{here}?tz=Pariss&previousTz=Europe/Paris&lang=fr")).text
    assert "« Pariss » n'est pas un fuseau horaire" in french
    # A city is a zone: "Paris" is Europe/Paris, said by its name and offset, no error.
    city = (await client.get(f"{here}?tz=Paris")).text
    assert 'data-zone="Europe/Paris"' in city and "not a time zone" not in city
    assert "Times are shown in Paris (UTC+" in city and '<datalist id="zone-list">' in city


async def test_the_clock_follows_the_visitor_locale_and_the_toggle(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    here = f"/{tenant.slug}/{et['slug']}?tz=UTC&date={MONDAY.isoformat()}"
    american = (await client.get(here, headers={"Accept-Language": "en-US"})).text
    assert "<span>9:00 AM</span>" in american and "<span>13:00</span>" not in american
    british = (await client.get(here, headers={"Accept-Language": "en-GB"})).text
    assert "<span>09:00</span>" in british and " AM</span>" not in british
    toggled = (await client.get(f"{here}&clock=24", headers={"Accept-Language": "en-US"})).text
    assert "<span>13:00</span>" in toggled and "clock=24" in toggled  # kept in the page's links
    # A value we do not know is as if absent; the toggle says which clock is shown.
    odd = (await client.get(f"{here}&clock=13", headers={"Accept-Language": "en-US"})).text
    assert "<span>1:00 PM</span>" in odd and re.search(r'aria-current="true">12-hour<', odd)


async def test_the_booking_keeps_the_locale_the_page_read_the_time_in(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    """What the form sends as attendee.language: the page's language with the browser's
    region, and the clock the visitor chose; so the emails say the time as the page did."""
    _, et = await school(client, tenant)
    here = f"/{tenant.slug}/{et['slug']}?tz=UTC&date={MONDAY.isoformat()}"

    async def sent(query: str, accept: str) -> str:
        page = (await client.get(here + query, headers={"Accept-Language": accept})).text
        found = re.search(r'data-locale="([^"]*)"', page)
        assert found, page
        return found[1]

    assert await sent("", "en-GB,en;q=0.8") == "en-GB"
    assert await sent("", "en-us") == "en-US"
    assert await sent("&clock=24", "en-US") == "en-US-u-hc-h23"
    assert await sent("&clock=12", "fr-CA,fr") == "fr-CA-u-hc-h12"
    assert await sent("&clock=12", "de-DE") == "en-u-hc-h12"  # a German reads our English
    assert await sent("&lang=fr", "en-GB,fr-BE;q=0.5") == "fr-BE"
    assert await sent("", "en-GB-oxendict") == "en"  # no tag we keep: the language alone
    assert await sent("&clock=13", "en-US") == "en-US"


async def test_no_time_is_chosen_for_the_visitor_unless_their_link_chose_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    here = f"/{tenant.slug}/{et['slug']}?tz=UTC&date={MONDAY.isoformat()}"
    html = (await client.get(here)).text
    assert 'name="start"' in html and " checked" not in html
    assert "Choose a time above" in html
    chosen = (await client.get(f"{here}&slot={dates.at(MONDAY, '11:00')}")).text
    assert re.search(r'value="[^"]*T11:00:00\+00:00"[^>]* checked', chosen)
    assert 'id="book-button" data-action="Book">Book<' in chosen


async def test_the_page_opens_on_the_first_month_with_a_free_session_never_a_past_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)
    notice = timedelta(days=45)
    et = await workshop(client, tenant, minimumBookingNotice=int(notice.total_seconds() // 60))
    first = clock.now() + notice
    day = first.date() + (timedelta(days=1) if first.time() > time(16) else timedelta())
    while day.weekday() > 4:
        day += dates.DAY
    html = (await client.get(f"/{tenant.slug}/{et['slug']}?tz=UTC")).text
    assert f'id="month-title">{format_date(day, "LLLL y", locale="en")}<' in html
    assert "Previous month" not in html
    past = (dates.today().replace(day=1) - dates.DAY).strftime("%Y-%m")
    clamped = (await client.get(f"/{tenant.slug}/{et['slug']}?tz=UTC&month={past}")).text
    today = format_date(dates.today(), "LLLL y", locale="en")
    assert f'id="month-title">{today}<' in clamped and "Previous month" not in clamped


async def test_moving_a_booking_shows_its_current_time_there_and_not_as_a_new_one(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    booked = data(await book(client, et["id"], dates.at(MONDAY, "10:00")), 201)
    page = await client.get(
        f"/{tenant.slug}/{et['slug']}?tz=UTC&reschedule={booked['uid']}&token={token_of(booked)}"
    )
    html = page.text
    assert "Your current time:" in html and MONDAY.strftime("%B") in html
    opened_on = format_date(MONDAY, "EEEE d MMMM", locale="en")
    assert f'aria-current="date" aria-label="{opened_on}"' in html
    current = re.search(
        r'<input type="radio" name="start" value="[^"]*T10:00:00\+00:00"[^>]*>', html
    )
    assert current and "disabled" in current.group(0) and "your current time" in html


async def test_another_schools_booking_is_not_shown_as_being_moved(
    client: httpx.AsyncClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    _, theirs = await school(client, other_tenant)
    booked = data(await book(client, theirs["id"], dates.at(MONDAY, "10:00")), 201)
    html = (
        await client.get(
            f"/{tenant.slug}/{et['slug']}?reschedule={booked['uid']}&token={token_of(booked)}"
        )
    ).text
    assert "Your current time" not in html and "Move my booking" not in html
    assert booked["uid"] not in html


async def test_the_guests_field_only_where_the_workshop_takes_guests(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, seated = await school(client, tenant)
    assert 'id="f-guests"' not in (await client.get(f"/{tenant.slug}/{seated['slug']}")).text
    open_ = await workshop(client, tenant, title="Private lesson")
    assert 'id="f-guests"' in (await client.get(f"/{tenant.slug}/{open_['slug']}")).text
    closed = await workshop(client, tenant, title="Solo", disableGuests=True)
    assert 'id="f-guests"' not in (await client.get(f"/{tenant.slug}/{closed['slug']}")).text
