"""Who reaches the dashboard: a valid session only; a teacher sees less; sessions end."""

from __future__ import annotations

from datetime import timedelta

import httpx

from immersio_booking.config import Settings
from immersio_booking.dashboard.routing import safe_next
from immersio_booking.kit import clock
from tests.dashboard.staff import Staff, browser, csrf_at, csrf_of
from tests.factories import Member, Tenant


async def test_a_stranger_is_sent_to_sign_in_and_back(client: httpx.AsyncClient) -> None:
    async with browser(client) as stranger:
        r = await stranger.get("/dashboard?day=2030-01-08")
        assert r.status_code == 303
        assert r.headers["location"] == "/dashboard/sign-in?next=%2Fdashboard%3Fday%3D2030-01-08"
        partial = await stranger.get("/dashboard", headers={"HX-Request": "true"})
        assert partial.status_code == 204
        assert partial.headers["HX-Redirect"].startswith("/dashboard/sign-in?next=")
    async with browser(client, "x" * 43) as forger:
        assert (await forger.get("/dashboard")).status_code == 303


async def test_owner_sees_the_school_and_every_section(
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        r = await owner.get("/dashboard")
    assert r.status_code == 200
    assert f"School {tenant.slug}" in r.text
    assert 'href="/dashboard/settings"' in r.text
    assert r.headers["x-robots-tag"] == "noindex"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]


async def test_a_teacher_sees_no_school_settings(
    staff: Staff,
    teacher: Member,
) -> None:
    async with staff.signed_in(teacher.id) as page:
        r = await page.get("/dashboard")
    assert r.status_code == 200
    assert 'href="/dashboard/availability"' in r.text
    assert 'href="/dashboard/settings"' not in r.text
    assert 'href="/dashboard/students"' not in r.text


async def test_sessions_end_when_idle_and_at_their_absolute_expiry(
    settings: Settings,
    staff: Staff,
    tenant: Tenant,
) -> None:
    idle = timedelta(minutes=settings.staff_session_idle_minutes)
    async with staff.signed_in(tenant.owner_id) as owner:
        # Active use keeps it open past one idle period...
        for step in range(3):
            with clock.shifted(idle * (step + 1) / 2):
                assert (await owner.get("/dashboard")).status_code == 200
        # ...but not past the absolute end, however active.
        with clock.shifted(timedelta(hours=settings.staff_session_max_hours)):
            assert (await owner.get("/dashboard")).status_code == 303
    async with staff.signed_in(tenant.owner_id) as owner:
        with clock.shifted(idle + timedelta(seconds=1)):
            assert (await owner.get("/dashboard")).status_code == 303


async def test_sign_out_needs_the_page_token_and_ends_the_session(
    staff: Staff,
    tenant: Tenant,
) -> None:
    async with (
        staff.signed_in(tenant.owner_id) as owner,
        staff.signed_in(tenant.owner_id) as other,
    ):
        page = await owner.get("/dashboard")
        forged = await owner.post("/dashboard/sign-out", data={"csrf": "nope"})
        assert forged.status_code == 403
        assert (await owner.get("/dashboard")).status_code == 200
        done = await owner.post(
            "/dashboard/sign-out", data={"csrf": csrf_of(page.text), "everywhere": "1"}
        )
        assert done.status_code == 303
        assert (await owner.get("/dashboard")).status_code == 303
        assert (await other.get("/dashboard")).status_code == 303


async def test_a_member_cannot_switch_to_another_school(
    staff: Staff,
    tenant: Tenant,
    other_tenant: Tenant,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        token = await csrf_at(owner)
        r = await owner.post(
            "/dashboard/school", data={"csrf": token, "organization_id": str(other_tenant.id)}
        )
        assert r.status_code == 404
        r = await owner.post("/dashboard/school", data={"csrf": token, "organization_id": "x"})
        assert r.status_code == 400
        assert f"School {tenant.slug}" in (await owner.get("/dashboard")).text


def test_after_sign_in_only_our_dashboard_paths() -> None:
    assert safe_next("/dashboard/bookings?status=upcoming") == "/dashboard/bookings?status=upcoming"
    for hostile in ("//evil.example/dashboard", "https://evil.example", "/\\evil", "/v2/me", None):
        assert safe_next(hostile) == "/dashboard"
