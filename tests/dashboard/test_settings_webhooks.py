"""Webhooks in the dashboard: an owner subscribes an address (the secret shown once), a real
booking is delivered to a real receiver, the delivery is listed with its state and sent again;
the API's checks refuse bad input beside the field with nothing written; a teacher and another
school find nothing; CSRF on every change."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from tests import dates
from tests.bookings.helpers import MONDAY, one_booking
from tests.dashboard.staff import (
    Staff,
    assert_forgeries_refused,
    assert_nothing_found,
    browser,
    csrf_at,
    open_session,
)
from tests.factories import Tenant, make_member, make_tenant
from tests.helpers import data
from tests.jobs import run_jobs
from tests.webhooks.receiver import Receiver

WEBHOOKS = "/dashboard/settings/webhooks"


def _form(csrf: str, url: str, *triggers: str, **changes: str) -> dict[str, object]:
    return {
        "csrf": csrf,
        "subscriber_url": url,
        "triggers": list(triggers),
        "active": "1",
        "payload_template": "",
        "secret": "",
        **changes,
    }


async def _api_hooks(client: httpx.AsyncClient, tenant: Tenant) -> list[dict[str, object]]:
    return data(  # type: ignore[no-any-return]
        await client.get(f"/v2/organizations/{tenant.id}/webhooks", headers=tenant.headers)
    )


async def _subscribed_through_the_api(client: httpx.AsyncClient, tenant: Tenant) -> str:
    """A webhook of the school to http://127.0.0.1:9/x, made through the API: its page."""
    hook = data(
        await client.post(
            f"/v2/organizations/{tenant.id}/webhooks",
            headers=tenant.headers,
            json={"subscriberUrl": "http://127.0.0.1:9/x", "triggers": ["BOOKING_CREATED"]},
        ),
        201,
    )
    return f"{WEBHOOKS}/{hook['id']}"


async def test_owner_subscribes_sees_deliveries_and_redelivers(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
    hooks: Receiver,
    database_url: str,
) -> None:
    async with staff.signed_in(tenant.owner_id) as owner:
        csrf = await csrf_at(owner, WEBHOOKS)
        created = await owner.post(
            WEBHOOKS, data=_form(csrf, hooks.base + "/dash", "BOOKING_CREATED")
        )
        assert created.status_code == 201 and created.headers["cache-control"] == "no-store"
        secret = re.search(r"data-new-secret>(whsec_[^<]+)<", created.text)
        assert secret, "the new secret is shown once"
        [hook] = await _api_hooks(client, tenant)
        assert hook["triggers"] == ["BOOKING_CREATED"] and hook["teamId"] == tenant.id
        listed = await owner.get(WEBHOOKS)
        assert secret.group(1) not in listed.text and hooks.base + "/dash" in listed.text

        await one_booking(client, tenant, dates.at(MONDAY, "10:00"))
        await run_jobs(database_url)
        assert len(hooks.at("/dash")) == 1
        shown = await owner.get(f"{WEBHOOKS}/{hook['id']}")
        assert shown.status_code == 200
        assert "BOOKING_CREATED" in shown.text and "dash-state-delivered" in shown.text
        [delivery] = data(
            await client.get(
                f"/v2/organizations/{tenant.id}/webhooks/{hook['id']}/deliveries",
                headers=tenant.headers,
            )
        )
        again = await owner.post(
            f"{WEBHOOKS}/{hook['id']}/deliveries/{delivery['id']}/redeliver", data={"csrf": csrf}
        )
        assert again.status_code == 303
        assert "sent again" in (await owner.get(again.headers["location"])).text
        await run_jobs(database_url)
        assert len(hooks.at("/dash")) == 2  # the same delivery, sent again
        assert (
            hooks.at("/dash")[0].headers["webhook-id"] == hooks.at("/dash")[1].headers["webhook-id"]
        )

        edited = await owner.post(
            f"{WEBHOOKS}/{hook['id']}",
            data=_form(csrf, hooks.base + "/moved", "BOOKING_CANCELLED", active=""),
        )
        assert edited.status_code == 303
        [hook] = await _api_hooks(client, tenant)
        assert (hook["subscriberUrl"], hook["triggers"], hook["active"]) == (
            hooks.base + "/moved",
            ["BOOKING_CANCELLED"],
            False,
        )
        removed = await owner.post(f"{WEBHOOKS}/{hook['id']}/remove", data={"csrf": csrf})
        assert removed.status_code == 303
    assert await _api_hooks(client, tenant) == []


async def test_refusals_are_shown_beside_the_field_and_nothing_is_written(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    tenant: Tenant,
) -> None:
    cookie = await open_session(sessionmaker, settings, tenant.owner_id)
    async with browser(client, cookie) as owner:
        csrf = await csrf_at(owner, WEBHOOKS)
        for form, field in (
            (_form(csrf, "ftp://example.com/x", "BOOKING_CREATED"), "subscriber_url"),
            (_form(csrf, "http://127.0.0.1:9/x"), "triggers"),
            (_form(csrf, "http://127.0.0.1:9/x", "NOT_A_TRIGGER"), "triggers"),
            (_form(csrf, "http://127.0.0.1:9/x", "BOOKING_PAID", secret="short"), "secret"),
        ):
            refused = await owner.post(WEBHOOKS, data=form)
            assert refused.status_code == 400, field
            assert f'id="{field}-error"' in refused.text, field
    # The same safe-URL rules as the API: a private address, where they are not allowed.
    strict = Settings(**{**settings.model_dump(), "allow_private_network_targets": False})
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=create_app(strict, engine=engine)), base_url="http://t"
    ) as strict_client:
        async with browser(strict_client, cookie) as owner:
            csrf = await csrf_at(owner, WEBHOOKS)
            for target in ("http://169.254.169.254/latest/meta-data", "http://10.0.0.5/x"):
                refused = await owner.post(WEBHOOKS, data=_form(csrf, target, "BOOKING_PAID"))
                assert refused.status_code == 400
                assert 'id="subscriber_url-error"' in refused.text
                assert "may not be called" in refused.text
    assert await _api_hooks(client, tenant) == []


async def test_a_teacher_and_another_school_find_nothing(
    client: httpx.AsyncClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    staff: Staff,
    tenant: Tenant,
) -> None:
    own = await _subscribed_through_the_api(client, tenant)
    paths = (
        own,
        f"{own}/remove",
        f"{own}/deliveries/00000000-0000-0000-0000-000000000000/redeliver",
    )
    teacher = await make_member(sessionmaker, tenant)
    other = await make_tenant(sessionmaker)
    taken = [(path, _form("", "http://127.0.0.1:9/taken", "BOOKING_PAID")) for path in paths]
    async with staff.signed_in(teacher.id) as page:
        made = (WEBHOOKS, _form("", "http://127.0.0.1:9/t", "BOOKING_PAID"))
        await assert_nothing_found(page, gets=(WEBHOOKS, own), posts=[made, *taken])
    async with staff.signed_in(other.owner_id) as page:
        await assert_nothing_found(page, gets=[own], posts=taken)
    [still] = await _api_hooks(client, tenant)
    assert still["subscriberUrl"] == "http://127.0.0.1:9/x"
    assert await _api_hooks(client, other) == []


async def test_every_change_needs_the_pages_csrf_token(
    client: httpx.AsyncClient,
    staff: Staff,
    tenant: Tenant,
) -> None:
    own = await _subscribed_through_the_api(client, tenant)
    async with staff.signed_in(tenant.owner_id) as owner:
        await owner.get(WEBHOOKS)
        form = _form("", "http://127.0.0.1:9/forged", "BOOKING_PAID")
        await assert_forgeries_refused(
            owner,
            [
                (path, form)
                for path in (
                    WEBHOOKS,
                    own,
                    f"{own}/remove",
                    f"{own}/deliveries/00000000-0000-0000-0000-000000000000/redeliver",
                )
            ],
        )
    [still] = await _api_hooks(client, tenant)
    assert still["subscriberUrl"] == "http://127.0.0.1:9/x"
