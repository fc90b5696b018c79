"""The forms that email a sign-in or reset link are rate limited (one budget for both): one
address asked for too often gets no more email while the form answers as before, the same
for a known address and an unknown one; a client asking too often gets the 429 page with
Retry-After. Limits on, as in production (the shared test settings turn them off)."""

from __future__ import annotations

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.config import Settings
from tests.dashboard.sign_in_helpers import post_form
from tests.dashboard.staff import csrf_of
from tests.factories import Tenant, make_member, unique
from tests.jobs import run_jobs
from tests.mail import Inbox
from tests.security.limits import limited, some_address

LINK_FORM = "/dashboard/sign-in/email"
RESET_FORM = "/dashboard/password/reset"


async def ask(browser: httpx.AsyncClient, form: str, email: str) -> httpx.Response:
    return await post_form(browser, form, form, {"email": email})


def shown(response: httpx.Response, email: str) -> str:
    """The page with what differs by request (the address typed, the CSRF token) blanked."""
    text = response.text.replace(email, "EMAIL")
    return text.replace(csrf_of(text), "CSRF") if 'name="csrf"' in text else text


async def test_one_address_asked_for_too_often_gets_no_more_links_and_the_same_answer(
    settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    teacher = await make_member(sessionmaker, tenant)
    stranger = f"{unique('nobody')}@example.com"
    answers: dict[str, list[httpx.Response]] = {teacher.email: [], stranger: []}
    # From a new client address each time: only the per-email limit can bite.
    for form in (LINK_FORM, RESET_FORM, LINK_FORM):
        for email in answers:
            async with limited(settings, engine, rate_limit_staff_links_per_email="2/hour") as b:
                answers[email].append(await ask(b, form, email))
    for responses in answers.values():
        assert [r.status_code for r in responses] == [200, 200, 200]
    # The third answer (nothing sent) reads as the first ones, known address or not.
    assert shown(answers[teacher.email][2], teacher.email) == shown(
        answers[teacher.email][0], teacher.email
    )
    for known, unknown in zip(answers[teacher.email], answers[stranger], strict=True):
        assert shown(known, teacher.email) == shown(unknown, stranger)
    await run_jobs(database_url)
    subjects = sorted(str(m["Subject"]) for m in inbox.to(teacher.email))
    school = f"School {tenant.slug}"
    assert subjects == [f"Choose a new password for {school}", f"Your link to sign in to {school}"]
    assert inbox.to(stranger) == []


async def test_a_client_asking_too_often_gets_429_with_retry_after(
    settings: Settings,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    database_url: str,
    inbox: Inbox,
    tenant: Tenant,
) -> None:
    teachers = [await make_member(sessionmaker, tenant) for _ in range(4)]
    address = some_address()
    async with limited(
        settings, engine, address, rate_limit_staff_links_per_address="3/hour"
    ) as flooder:
        first = [
            await ask(flooder, form, t.email)
            for form, t in zip((LINK_FORM, RESET_FORM, LINK_FORM), teachers, strict=False)
        ]
        assert [r.status_code for r in first] == [200, 200, 200]
        for form in (LINK_FORM, RESET_FORM):
            refused = await ask(flooder, form, teachers[3].email)
            assert refused.status_code == 429
            assert 0 < int(refused.headers["Retry-After"]) <= 2 * 3600
            assert 'data-reason="rate_limited"' in refused.text
            assert "Too many attempts" in refused.text
        # The form itself still opens (only asking for a link is counted).
        assert (await flooder.get(LINK_FORM)).status_code == 200
    async with limited(settings, engine, rate_limit_staff_links_per_address="3/hour") as other:
        assert (await ask(other, LINK_FORM, teachers[3].email)).status_code == 200
    await run_jobs(database_url)
    assert [len(inbox.to(t.email)) for t in teachers] == [1, 1, 1, 1]
