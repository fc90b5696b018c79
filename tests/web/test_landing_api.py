"""``/v2/organizations/{orgId}/landing-page``: every field, validation, sanitising, contrast."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data

FULL = {
    "templateId": "kids_1",
    "primaryColor": "#123",
    "secondaryColor": "#0F766E",
    "logoUrl": "https://cdn.example.com/logo.png",
    "heroImageUrl": "https://cdn.example.com/hero.jpg",
    "pageTitle": "Learn French with songs",
    "pageSubtitle": "Small groups, big smiles",
    "teacherBio": "<p>Hi, I am <strong>Marie</strong></p>",
    "teacherAvatarUrl": "https://cdn.example.com/marie.jpg",
    "socialLinks": {"instagram": "https://instagram.com/marie", "youtube": "https://youtu.be/x"},
    "ctaText": "Join a class",
    "metaTitle": "French for kids",
    "metaDescription": "Live French workshops for children",
    "isPublished": True,
}


def url(tenant: Tenant) -> str:
    return f"/v2/organizations/{tenant.id}/landing-page"


async def put(client: httpx.AsyncClient, tenant: Tenant, **changes: Any) -> httpx.Response:
    return await client.put(url(tenant), headers=tenant.headers, json={**FULL, **changes})


async def test_every_field_round_trips(client: httpx.AsyncClient, tenant: Tenant) -> None:
    before = data(await client.get(url(tenant), headers=tenant.headers))
    assert before["templateId"] == "education" and before["isPublished"] is False
    saved = data(await put(client, tenant))
    again = data(await client.get(url(tenant), headers=tenant.headers))
    # the preview link is signed with its expiry (to the second): compare everything else
    assert {**saved, "previewUrl": None} == {**again, "previewUrl": None}
    for key, value in FULL.items():
        expected = value.lower() if key.endswith("Color") else value
        assert saved[key] == expected, key
    assert saved["publicUrl"].endswith(f"/{tenant.slug}")
    assert "?preview=" in saved["previewUrl"] and saved["warnings"] == []


async def test_bio_keeps_only_simple_html(client: httpx.AsyncClient, tenant: Tenant) -> None:
    bio = (
        '<p onclick="x()">Hello <em>there</em><script>alert(1)</script>'
        '<img src=x onerror=alert(1)><a href="javascript:alert(1)">bad</a>'
        '<a href="https://example.com" target="_blank">site</a><ul><li>one</li></ul></p>'
    )
    saved = data(await put(client, tenant, teacherBio=bio))["teacherBio"]
    assert "script" not in saved and "onerror" not in saved and "onclick" not in saved
    assert "javascript:" not in saved and "<img" not in saved and "target" not in saved
    assert '<a href="https://example.com" rel="noopener">site</a>' in saved
    assert "<em>there</em>" in saved and "<li>one</li>" in saved


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("templateId", "fancy"),
        ("primaryColor", "red"),
        ("secondaryColor", "#12345"),
        ("logoUrl", "javascript:alert(1)"),
        ("heroImageUrl", "ftp://example.com/x.png"),
        ("teacherAvatarUrl", "data:image/png;base64,AAAA"),
        ("socialLinks", {"facebook": "javascript:alert(1)"}),
        ("pageTitle", "x" * 121),
        ("metaTitle", "x" * 71),
        ("metaDescription", "x" * 161),
        ("ctaText", "x" * 61),
        ("isPublished", "perhaps"),
    ],
)
async def test_bad_values_are_refused(
    client: httpx.AsyncClient, tenant: Tenant, field: str, value: Any
) -> None:
    assert_error(await put(client, tenant, **{field: value}), 400, "validation_failed")


async def test_an_unknown_social_network_is_named(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    body = assert_error(
        await put(client, tenant, socialLinks={"myspace": "https://myspace.com/x"}),
        400,
        "unsupported_field",
    )
    assert body["error"]["details"]["fields"] == ["socialLinks.myspace"]


async def test_low_contrast_colours_are_darkened_with_a_warning(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    saved = data(await put(client, tenant, primaryColor="#ffff00", secondaryColor="#1d4ed8"))
    assert saved["primaryColor"] == "#ffff00"  # stored as given
    (warning,) = saved["warnings"]
    assert warning["field"] == "primaryColor" and warning["reason"] == "low_contrast"
    assert warning["used"] != "#ffff00" and "4.5:1" in warning["message"]
    page = await client.get(f"/{tenant.slug}")
    assert f"--primary:{warning['used']}" in page.text


async def test_members_read_but_only_admins_change(
    client: httpx.AsyncClient, tenant: Tenant, sessionmaker: Any
) -> None:
    member = await make_member(sessionmaker, tenant)
    data(await client.get(url(tenant), headers=member.headers))
    assert_error(
        await client.put(url(tenant), headers=member.headers, json=FULL), 403, "role_required"
    )
    assert_error(await client.put(url(tenant), json=FULL), 401, "missing_api_key")
