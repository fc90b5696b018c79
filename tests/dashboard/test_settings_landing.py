"""The landing page editor: an owner sets every field through the landing service (the API
reads them back), sees the contrast warning the API gives, previews each of the five
templates and unsaved changes in a frame only our pages may hold; a refused field is shown
beside it with nothing written; a teacher finds nothing; CSRF on every change."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from tests.dashboard.staff import (
    Staff,
    assert_forgeries_refused,
    assert_nothing_found,
    csrf_at,
    csrf_of,
)
from tests.factories import Member, Tenant, make_tenant
from tests.helpers import data

LANDING = "/dashboard/settings/landing"
PREVIEW = LANDING + "/preview"
TEMPLATES = ("education", "tutor_personal", "center_small", "kids_1", "kids_2")


def _form(csrf: str, **changes: str) -> dict[str, str]:
    return {
        "csrf": csrf,
        "template_id": "kids_2",
        "primary_color": "#123456",
        "secondary_color": "",
        "logo_url": "https://cdn.example.com/logo.png",
        "hero_image_url": "",
        "page_title": "Lumière French",
        "page_subtitle": "Small groups, every level",
        "teacher_bio": "<p>Hello <script>x()</script><strong>there</strong></p>",
        "teacher_avatar_url": "",
        "facebook": "https://facebook.com/lumiere",
        "instagram": "",
        "youtube": "",
        "tiktok": "",
        "cta_text": "Book now",
        "meta_title": "Lumière",
        "meta_description": "French classes",
        "is_published": "1",
        **changes,
    }


async def test_owner_edits_every_field_and_the_api_reads_them(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    api = f"/v2/organizations/{tenant.id}/landing-page"
    async with staff.signed_in(tenant.owner_id) as owner:
        shown = await owner.get(LANDING)
        assert shown.status_code == 200
        assert "frame-src 'self'" in shown.headers["content-security-policy"]
        assert f'src="{PREVIEW}?template=education&amp;tz=' in shown.text
        assert '&amp;lang=en"' in shown.text  # the frame in the editor's language
        csrf = csrf_of(shown.text)
        saved = await owner.post(LANDING, data=_form(csrf))
        assert saved.status_code == 303
        again = await owner.get(saved.headers["location"])
        assert "The landing page was saved." in again.text
        assert 'value="Lumière French"' in again.text and "&lt;script" not in again.text
        assert 'value="kids_2" checked' in again.text
    page = data(await client.get(api, headers=tenant.headers))
    assert page["templateId"] == "kids_2" and page["isPublished"] is True
    assert page["socialLinks"] == {"facebook": "https://facebook.com/lumiere"}
    assert page["teacherBio"] == "<p>Hello <strong>there</strong></p>"
    assert (page["ctaText"], page["metaDescription"], page["secondaryColor"]) == (
        "Book now",
        "French classes",
        None,
    )


async def test_refused_fields_are_shown_beside_them_and_nothing_is_written(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    api = f"/v2/organizations/{tenant.id}/landing-page"
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, LANDING)
        bad = await owner.post(
            LANDING,
            data=_form(
                csrf,
                primary_color="blue-ish",
                logo_url="javascript:alert(1)",
                instagram="ftp://x.example",
                template_id="kids_9",
                page_title="x" * 121,
            ),
        )
        assert bad.status_code == 400
        for field in ("primary_color", "logo_url", "instagram", "template_id", "page_title"):
            assert f'id="{field}-error"' in bad.text, field
        assert 'value="blue-ish"' in bad.text  # what was typed stays in the form
    page = data(await client.get(api, headers=tenant.headers))
    assert page["updatedAt"] is None and page["templateId"] == "education"


async def test_the_contrast_warning_of_the_api_is_shown(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, LANDING)
        await owner.post(LANDING, data=_form(csrf, primary_color="#ffff00"))
        shown = await owner.get(LANDING)
    api = data(
        await client.get(f"/v2/organizations/{tenant.id}/landing-page", headers=tenant.headers)
    )
    [warning] = api["warnings"]
    assert warning["given"] == "#ffff00"
    assert f"the pages use {warning['used']} instead" in shown.text
    assert "#ffff00 is hard to read" in shown.text


async def test_the_preview_shows_each_template_and_unsaved_changes_framed_by_us_only(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    api = f"/v2/organizations/{tenant.id}/landing-page"
    async with staff.signed_in(tenant.owner_id) as owner:
        for template in TEMPLATES:
            shown = await owner.get(PREVIEW, params={"template": template})
            assert shown.status_code == 200, template
            policy = shown.headers["content-security-policy"]
            assert "frame-ancestors 'self'" in policy and "frame-ancestors *" not in policy
            assert f'class="landing t-{template}"' in shown.text
            assert shown.headers["x-robots-tag"] == "noindex"
        assert (await owner.get(PREVIEW, params={"template": "nope"})).status_code == 400
        csrf = await csrf_at(owner, LANDING)
        unsaved = await owner.post(
            PREVIEW, data=_form(csrf, page_title="Not saved yet", primary_color="#12")
        )
        assert unsaved.status_code == 200
        assert "Not saved yet" in unsaved.text and 'class="landing t-kids_2"' in unsaved.text
        assert "frame-ancestors 'self'" in unsaved.headers["content-security-policy"]
    # The public page of an unpublished school stays hidden; the preview wrote nothing.
    assert (await client.get(f"/{tenant.slug}")).status_code == 404
    assert data(await client.get(api, headers=tenant.headers))["updatedAt"] is None


async def test_a_teacher_finds_nothing_and_another_school_edits_its_own(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
    teacher: Member,
) -> None:
    async with staff.signed_in(teacher.id) as page:
        await assert_nothing_found(
            page,
            gets=(LANDING, PREVIEW, f"{PREVIEW}?template=kids_1"),
            posts=[(LANDING, _form("")), (PREVIEW, _form(""))],
        )
    other = await make_tenant(sessionmaker)
    async with staff.signed_in(other.owner_id) as page:
        csrf = await csrf_at(page, LANDING)
        assert (await page.post(LANDING, data=_form(csrf))).status_code == 303
    mine = data(
        await client.get(f"/v2/organizations/{tenant.id}/landing-page", headers=tenant.headers)
    )
    assert mine["updatedAt"] is None
    assert (await client.get(f"/{other.slug}")).status_code == 200


async def test_every_change_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        await owner.get(LANDING)
        await assert_forgeries_refused(owner, [(LANDING, _form("")), (PREVIEW, _form(""))])
    page = data(
        await client.get(f"/v2/organizations/{tenant.id}/landing-page", headers=tenant.headers)
    )
    assert page["updatedAt"] is None
