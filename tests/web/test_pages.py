"""Public pages over HTTP: landing, SEO, publication, booking page, languages, security headers."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from tests import dates
from tests.factories import Tenant
from tests.helpers import data, tampered
from tests.web.pages import publish, school


def next_month() -> str:
    return (dates.today().replace(day=1) + timedelta(days=32)).strftime("%Y-%m")


async def test_landing_page_shows_branding_and_upcoming_workshops(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(
        client,
        tenant,
        pageSubtitle="Speak French in a month",
        primaryColor="#0b5394",
        ctaText="Start now",
        socialLinks={"instagram": "https://instagram.com/school"},
    )
    page = await client.get(f"/{tenant.slug}?tz=Asia/Tokyo")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert "Learn with us" in html and "Speak French in a month" in html and "Start now" in html
    assert "--primary:#0b5394" in html and "https://instagram.com/school" in html
    # the workshop's link keeps the visitor's zone
    assert f'href="/{tenant.slug}/{et["slug"]}?tz=Asia%2FTokyo"' in html
    assert "Conversation Club" in html
    assert "+09:00" in html  # session times in the visitor's zone
    assert "seats left" in html


async def test_unpublished_page_is_hidden_except_through_the_preview_link(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    assert (await client.get(f"/{tenant.slug}")).status_code == 404
    saved = await publish(client, tenant, isPublished=False)
    missing = await client.get(f"/{tenant.slug}")
    assert missing.status_code == 404 and "text/html" in missing.headers["content-type"]
    preview = await client.get(saved["previewUrl"].replace("http://testserver", ""))
    assert preview.status_code == 200 and "noindex" in preview.text
    forged = tampered(saved["previewUrl"].replace("http://testserver", ""))
    assert (await client.get(forged)).status_code == 404


async def test_seo_follows_allow_seo_indexing(client: httpx.AsyncClient, tenant: Tenant) -> None:
    _, et = await school(client, tenant, metaTitle="Best school", metaDescription="Learn fast")
    html = (await client.get(f"/{tenant.slug}")).text
    assert "<title>Best school</title>" in html and 'content="Learn fast"' in html
    assert f'<link rel="canonical" href="http://testserver/{tenant.slug}">' in html
    assert 'property="og:title" content="Best school"' in html
    assert 'name="robots" content="noindex,nofollow"' in html
    assert f"/{tenant.slug}<" not in (await client.get("/sitemap.xml")).text
    data(
        await client.patch(
            f"/v2/organizations/{tenant.id}/settings",
            headers=tenant.headers,
            json={"allowSeoIndexing": True},
        )
    )
    indexed = await client.get(f"/{tenant.slug}")
    assert 'name="robots" content="index,follow"' in indexed.text
    assert "x-robots-tag" not in indexed.headers
    sitemap = (await client.get("/sitemap.xml")).text
    assert f"<loc>http://testserver/{tenant.slug}</loc>" in sitemap
    assert f"<loc>http://testserver/{tenant.slug}/{et['slug']}</loc>" in sitemap
    robots = (await client.get("/robots.txt")).text
    assert "Sitemap: http://testserver/sitemap.xml" in robots


@pytest.mark.parametrize("path", ["/v2", "/v2/nothing", "/docs", "/openapi.json", "/metrics"])
async def test_pages_do_not_shadow_the_api(client: httpx.AsyncClient, path: str) -> None:
    response = await client.get(path)
    assert "text/html" not in response.headers.get("content-type", "") or path == "/docs"
    if path.startswith("/v2"):
        assert response.status_code == 404 and response.json()["status"] == "error"


async def test_pages_carry_a_strict_content_security_policy(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    for path in (f"/{tenant.slug}", f"/{tenant.slug}/{et['slug']}"):
        policy = (await client.get(path)).headers["content-security-policy"]
        assert "script-src 'self';" in policy and "unsafe-inline" not in policy
        assert "object-src 'none'" in policy and "base-uri 'none'" in policy
    landing = (await client.get(f"/{tenant.slug}")).headers["content-security-policy"]
    assert "frame-ancestors 'none'" in landing


async def test_language_from_query_then_accept_language(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)
    french = await client.get(f"/{tenant.slug}", headers={"Accept-Language": "fr-CA,en;q=0.5"})
    assert '<html lang="fr">' in french.text and "Ateliers à venir" in french.text
    english = await client.get(f"/{tenant.slug}?lang=en", headers={"Accept-Language": "fr"})
    assert '<html lang="en">' in english.text and "Upcoming workshops" in english.text


async def test_booking_page_lists_free_days_and_sessions_in_the_visitor_zone(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    month = next_month()
    page = await client.get(f"/{tenant.slug}/{et['slug']}?tz=America/New_York&month={month}")
    assert page.status_code == 200
    html = page.text
    assert 'aria-current="date"' in html and 'name="start"' in html
    first = date.fromisoformat(f"{month}-01")
    opens = first + timedelta(days=(7 - first.weekday()) % 7 if first.weekday() > 4 else 0)
    # the sessions of the first open day, in New York's offset of that day (winter or summer)
    assert dates.utc_offset("America/New_York", opens) in html
    assert first.strftime("%B") in html
    assert 'id="f-name"' in html and 'id="f-email"' in html and "4 seats left" not in html
    assert "5 seats left" in html


async def test_unknown_workshop_and_school_are_html_404s(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    await school(client, tenant)
    for path in (f"/{tenant.slug}/no-such-workshop", "/no-such-school-xyz"):
        response = await client.get(path)
        assert response.status_code == 404 and "text/html" in response.headers["content-type"]


async def test_booking_page_works_without_a_published_landing_page(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    _, et = await school(client, tenant)
    await publish(client, tenant, isPublished=False)
    assert (await client.get(f"/{tenant.slug}")).status_code == 404
    page = await client.get(f"/{tenant.slug}/{et['slug']}")
    assert page.status_code == 200 and 'content="noindex,nofollow"' in page.text


@pytest.mark.parametrize(
    "query",
    [
        "month=9999-12",
        "month=0001-01",
        f"month={dates.today().year + 1}-13",
        f"date={dates.today().year + 1}-02-30",
        "tz=Mars/Base",
    ],
)
async def test_odd_page_parameters_fall_back_instead_of_failing(
    client: httpx.AsyncClient, tenant: Tenant, query: str
) -> None:
    _, et = await school(client, tenant)
    assert (await client.get(f"/{tenant.slug}/{et['slug']}?{query}")).status_code == 200


def test_reserved_words_never_reach_the_page_routes() -> None:
    """Route order does not matter: an API route registered after the pages still answers."""
    from fastapi import FastAPI
    from starlette.routing import Match

    from immersio_booking.web import booking_pages, landing_pages

    app = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    app.include_router(landing_pages.router)
    app.include_router(booking_pages.router)
    for path in ("/v2", "/v2/workflows", "/docs", "/webhooks/x", "/static/pages.css"):
        scope = {"type": "http", "path": path, "method": "GET"}
        assert all(r.matches(scope)[0] is Match.NONE for r in app.router.routes), path
    scope = {"type": "http", "path": "/acme/ielts", "method": "GET"}
    assert any(r.matches(scope)[0] is Match.FULL for r in app.router.routes)
