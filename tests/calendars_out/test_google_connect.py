"""Google Calendar connect: consent URL with a signed state, the callback saving sealed
tokens, refresh on expiry; forged, altered, expired or someone else's states refused."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from cryptography.fernet import Fernet
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking import global_lookups
from immersio_booking.calendars import sealing
from immersio_booking.config import Settings
from immersio_booking.fakes.served import BackgroundServer
from immersio_booking.kit import clock
from immersio_booking.kit.crypto import SecretBox
from immersio_booking.models import Credential
from tests.calendars_out.google_helpers import (
    READ_ONLY_CALENDAR,
    TEACHER_CALENDAR,
    connect_google,
    consent,
    google_credential,
    grants,
)
from tests.factories import Tenant, make_member
from tests.helpers import assert_error, data


async def test_connect_saves_sealed_tokens_and_its_calendars_can_be_chosen(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
) -> None:
    auth_url = data(
        await google_client.get("/v2/calendars/google/connect", headers=tenant.headers)
    )["authUrl"]
    query = parse_qs(urlsplit(auth_url).query)
    assert query["client_id"] == [google_settings.google_client_id]
    assert query["redirect_uri"] == ["http://testserver/v2/calendars/google/save"]
    assert query["access_type"] == ["offline"]
    saved = data(await google_client.get(await consent(auth_url)))
    assert (saved["type"], saved["userId"]) == ("google_calendar", tenant.owner_id)

    credential = await google_credential(sessionmaker, tenant.owner_id)
    assert credential is not None and credential.organization_id == tenant.id
    box = SecretBox.of(google_settings)
    # sealed at rest: the stored values are not the tokens, they open to them
    assert set(credential.key["sealed"]) == {"access_token", "refresh_token"}
    assert not credential.key["sealed"]["access_token"].startswith("access-")
    assert sealing.secret(box, credential, "access_token").startswith("access-")
    assert sealing.secret(box, credential, "refresh_token").startswith("refresh-")

    chosen = data(
        await google_client.put(
            "/v2/destination-calendars",
            headers=tenant.headers,
            json={"integration": "google_calendar", "externalId": TEACHER_CALENDAR},
        )
    )
    assert chosen == {
        "userId": tenant.owner_id,
        "integration": "google_calendar",
        "externalId": TEACHER_CALENDAR,
        "credentialId": credential.id,
    }
    assert_error(
        await google_client.put(
            "/v2/destination-calendars",
            headers=tenant.headers,
            json={"integration": "google_calendar", "externalId": READ_ONLY_CALENDAR},
        ),
        400,
        "calendar_read_only",
    )


async def test_an_expired_access_token_is_refreshed_before_use(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
    fake_google: BackgroundServer,
) -> None:
    await connect_google(google_client, tenant.headers)
    credential = await google_credential(sessionmaker, tenant.owner_id)
    assert credential is not None
    async with sessionmaker() as session, session.begin():
        await session.execute(
            update(Credential)
            .where(Credential.id == credential.id)
            .values(key={**credential.key, "expires_at": int(clock.now().timestamp()) + 30})
        )
    refreshed_before = (await grants(fake_google.url))["refresh"]
    data(
        await google_client.put(
            "/v2/destination-calendars",
            headers=tenant.headers,
            json={"integration": "google_calendar", "externalId": TEACHER_CALENDAR},
        )
    )
    assert (await grants(fake_google.url))["refresh"] == refreshed_before + 1
    after = await google_credential(sessionmaker, tenant.owner_id)
    assert after is not None
    box = SecretBox.of(google_settings)
    tokens = ("access_token", "refresh_token")
    before_tokens = [sealing.secret(box, credential, name) for name in tokens]
    after_tokens = [sealing.secret(box, after, name) for name in tokens]
    assert after_tokens[0] != before_tokens[0]
    assert after_tokens[1] == before_tokens[1]
    assert after.key["expires_at"] > clock.now().timestamp() + 600


async def test_forged_altered_expired_and_someone_elses_states_are_refused(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    other_tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    auth_url = data(
        await google_client.get("/v2/calendars/google/connect", headers=tenant.headers)
    )["authUrl"]
    back = parse_qs(urlsplit(await consent(auth_url)).query)
    code, state = back["code"][0], back["state"][0]
    user, org, expires, signature = state.split(".")
    colleague = await make_member(sessionmaker, tenant)

    def save(state: str) -> str:
        return "/v2/calendars/google/save?" + urlencode({"code": code, "state": state})

    for bad_state in (
        "forged",
        f"{user}.{org}.{expires}.AAAA",
        f"{colleague.id}.{org}.{expires}.{signature}",  # the state names another teacher
        f"{user}.{other_tenant.id}.{expires}.{signature}",  # or another school
        f"{user}.{org}.{int(expires) + 3600}.{signature}",  # or lives longer
    ):
        assert_error(await google_client.get(save(bad_state)), 400, "invalid_state")
    # the owner's state sent with the colleague's or another school's key
    for headers in (colleague.headers, other_tenant.headers):
        assert_error(await google_client.get(save(state), headers=headers), 400, "invalid_state")
    with clock.shifted(timedelta(minutes=16)):
        assert_error(await google_client.get(save(state)), 400, "invalid_state")
    assert await google_credential(sessionmaker, tenant.owner_id) is None
    assert await google_credential(sessionmaker, colleague.id) is None

    # the real one works once; the code cannot be used again
    data(await google_client.get(save(state), headers=tenant.headers))
    assert_error(await google_client.get(save(state)), 400, "invalid_code")


async def test_connect_needs_a_key_and_google_set_up(
    google_client: httpx.AsyncClient, client: httpx.AsyncClient, tenant: Tenant
) -> None:
    assert_error(await google_client.get("/v2/calendars/google/connect"), 401, "missing_api_key")
    # the service without Google's client id
    assert_error(
        await client.get("/v2/calendars/google/connect", headers=tenant.headers),
        503,
        "google_not_configured",
    )


async def test_rotate_keys_reseals_google_tokens(
    google_client: httpx.AsyncClient,
    tenant: Tenant,
    sessionmaker: async_sessionmaker[AsyncSession],
    google_settings: Settings,
) -> None:
    await connect_google(google_client, tenant.headers)
    credential = await google_credential(sessionmaker, tenant.owner_id)
    assert credential is not None
    old = SecretBox.of(google_settings)
    tokens = {name: sealing.secret(old, credential, name) for name in credential.key["sealed"]}
    assert set(tokens) == {"access_token", "refresh_token"}
    new = Fernet.generate_key().decode()
    rotated = google_settings.model_copy(
        update={"encryption_keys": ",".join([new, *google_settings.resolved_encryption_keys()])}
    )
    async with sessionmaker() as session:
        async with session.begin():
            resealable = await global_lookups.credentials_to_reseal(session)
            assert credential.id in [c.id for c in resealable]
            assert await sealing.rotate_all(session, rotated) >= 1
            row = await session.get(Credential, credential.id)
            assert row is not None
            assert row.key["expires_at"] == credential.key["expires_at"]
            # only the new key opens them now, and they open to the same tokens
            assert {name: sealing.secret(SecretBox([new]), row, name) for name in tokens} == tokens
            await session.rollback()  # other tests keep using the session's keys
