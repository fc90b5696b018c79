"""Every refusal a dashboard form shows is said in the page's language, with what the English
message said that matters (the value refused, the unknown events) in the French words: our own
validators' named error types and the services' refusal reasons, form by form. The API's
answer to the same input stays the English one it was."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.kit import clock
from tests.dashboard import test_settings_landing as landing
from tests.dashboard import test_settings_webhooks as webhooks
from tests.dashboard import test_settings_workflows as reminders
from tests.dashboard.staff import Staff, csrf_at
from tests.dashboard.test_availability import _schedule, week
from tests.dashboard.test_workshops import workshop_fields
from tests.factories import Member, Tenant, make_member

FRENCH = {"Accept-Language": "fr"}
# What the schemas and services say in English; none of it may reach a French page.
ENGLISH = (
    '<span lang="en">',
    "Value error",
    "Input should",
    "String should",
    "Field required",
    "must be",
    "must not",
    "HH:MM",
    "endTime",
    "startTime",
    "is reserved",
    "unknown trigger",
    "IANA",
    "control characters",
    "needs sendTo",
    "not an email address",
    "more than a year",
    "cannot be",
    "Check this value",
)


def said(html: str, field: str) -> str:
    """The words beside ``field``, and no English anywhere on the page."""
    found = re.search(rf'id="{re.escape(field)}-error">(.*?)</p>', html, re.S)
    assert found, (field, re.findall(r'-error">(.*?)</p>', html, re.S))
    leaked = [fragment for fragment in ENGLISH if fragment in html]
    assert not leaked, f"English beside {field}: {leaked}"
    return re.sub(r"\s+", " ", found.group(1)).strip()


def day(ahead: int) -> str:
    return (clock.now() + timedelta(days=ahead)).date().isoformat()


async def test_the_hours_overrides_and_time_away_forms(
    client: httpx.AsyncClient, staff: Staff, teacher: Member
) -> None:
    async with staff.signed_in(teacher.id) as page:
        await page.get("/dashboard/availability", headers=FRENCH)
        schedule_id, token = await _schedule(page)
        hours = f"/dashboard/availability/{schedule_id}/hours"
        for fields, field, words in (
            (week(monday=[("9h", "12:00")]), "monday-0-start", "une heure comme 09:30"),
            (week(monday=[("09:00", "25:00")]), "monday-0-end", "une heure comme 09:30"),
            (week(friday=[("12:00", "09:00")]), "friday-0-end", "La fin doit venir après"),
            (
                {**week(monday=[("09:00", "10:00")]), "time_zone": "Mars/Olympus"},
                "time_zone",
                "fuseau horaire",
            ),
        ):
            r = await page.post(hours, headers=FRENCH, data={"csrf": token, **fields})
            assert r.status_code == 400, field
            assert words in said(r.text, field)
        overrides = f"/dashboard/availability/{schedule_id}/overrides"
        for values, field, words in (
            ({"override_date": day(3), "override_start": "15:00", "override_end": "10:00"},
             "override_start", "La fin doit venir après"),
            ({"override_date": day(3), "override_start": "7h", "override_end": "10:00"},
             "override_start", "une heure comme 09:30"),
            ({"override_date": "le 3 mars", "override_start": "09:00", "override_end": "10:00"},
             "override_date", "indiquez une date"),
        ):  # fmt: skip
            r = await page.post(overrides, headers=FRENCH, data={"csrf": token, **values})
            assert r.status_code == 400, field
            assert words in said(r.text, field)
        away = "/dashboard/availability/away"
        for values, field, words in (
            ({"away_start": day(4), "away_end": day(2)}, "away_end", "La fin doit venir après"),
            ({"away_start": "bientôt", "away_end": day(2)}, "away_start", "indiquez une date"),
            (
                {"away_start": day(2), "away_end": day(3), "away_substitute": str(teacher.id)},
                "away_substitute",
                "quelqu'un d'autre",
            ),
        ):
            r = await page.post(away, headers=FRENCH, data={"csrf": token, **values})
            assert r.status_code == 400, field
            assert words in said(r.text, field)
    # The API says the same refusal in English, as it always did.
    r = await client.patch(
        f"/v2/schedules/{schedule_id}",
        headers={**teacher.headers, "cal-api-version": "2024-06-11"},
        json={"availability": [{"days": ["Monday"], "startTime": "9h", "endTime": "12:00"}]},
    )
    assert r.status_code == 400
    body = r.json()["error"]
    assert "must be a valid time format HH:MM" in body["message"]
    [constraint] = body["details"]["errors"]
    assert list(constraint["constraints"]) == ["value_error"]


async def test_the_webhook_landing_and_reminder_forms(staff: Staff, tenant: Tenant) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, webhooks.WEBHOOKS)
        for form, field, words in (
            (webhooks._form(csrf, "http://127.0.0.1:9/x", "NOT_A_TRIGGER"), "triggers",
             "événements inconnus NOT_A_TRIGGER"),
            (webhooks._form(csrf, "ftp://example.com/x", "BOOKING_PAID"), "subscriber_url",
             "https:// ou http://"),
        ):  # fmt: skip
            r = await owner.post(webhooks.WEBHOOKS, headers=FRENCH, data=form)
            assert r.status_code == 400, field
            assert words in said(r.text, field)
        csrf = await csrf_at(owner, landing.LANDING)
        r = await owner.post(
            landing.LANDING,
            headers=FRENCH,
            data=landing._form(csrf, primary_color="blue-ish", logo_url="javascript:x"),
        )
        assert r.status_code == 400
        assert "une couleur comme #RGB" in said(r.text, "primary_color")
        assert "https:// ou http://" in said(r.text, "logo_url")
        csrf = await csrf_at(owner, f"{reminders.REMINDERS}/new")
        for changes, field, words in (
            ({"time": "9999", "time_unit": "DAY"}, "time", "au plus un an"),
            (reminders._step(1, "EMAIL_ADDRESS"), "step-1-send_to", "l'adresse à laquelle"),
            (
                reminders._step(1, "EMAIL_ADDRESS", send_to="nobody"),
                "step-1-send_to",
                "une adresse e-mail",
            ),
            (
                reminders._step(1, "EMAIL_HOST", template="CUSTOM"),
                "step-1-reminder_body",
                "le texte du message",
            ),
            (
                {"applies_to": "chosen", "active_on": ["99999999"]},
                "active_on",
                "parmi les ateliers",
            ),
        ):
            r = await owner.post(
                f"{reminders.REMINDERS}/new", headers=FRENCH, data=reminders._form(csrf, **changes)
            )
            assert r.status_code == 400, field
            assert words in said(r.text, field)


async def test_the_workshop_form_and_its_service_refusals(
    sessionmaker: async_sessionmaker[AsyncSession], staff: Staff, tenant: Tenant
) -> None:
    other = await make_member(sessionmaker, tenant)
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, "/dashboard/workshops/new")
        made = await owner.post(
            "/dashboard/workshops/new", data={"csrf": csrf, **workshop_fields(slug="taken-club")}
        )
        assert made.status_code == 303
        for fields, field, words in (
            (workshop_fields(slug="taken-club"), "slug", "utilise déjà cette adresse"),
            (
                {
                    **workshop_fields(),
                    "teacher": "team",
                    "scheduling": "COLLECTIVE",
                    "hosts": [str(other.id), "99999999"],
                },
                "hosts",
                "membres acceptés",
            ),
        ):
            r = await owner.post(
                "/dashboard/workshops/new", headers=FRENCH, data={"csrf": csrf, **fields}
            )
            assert r.status_code == 400, (field, re.findall(r'-error">(.*?)<', r.text))
            assert words in said(r.text, field)


async def test_the_school_and_teacher_forms(staff: Staff, tenant: Tenant) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        organization = "/dashboard/settings/organization"
        csrf = await csrf_at(owner, organization)
        r = await owner.post(
            organization,
            headers=FRENCH,
            data={
                "csrf": csrf,
                "name": "École",
                "org_auto_accept_email": "pas un domaine",
            },
        )
        assert r.status_code == 400
        assert "un domaine" in said(r.text, "o-org_auto_accept_email")
        teachers = "/dashboard/settings/teachers"
        csrf = await csrf_at(owner, teachers)
        r = await owner.post(
            teachers, headers=FRENCH, data={"csrf": csrf, "email": "personne", "role": "MEMBER"}
        )
        assert r.status_code == 400
        assert "adresse" in said(r.text, "t-email")
