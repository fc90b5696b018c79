"""Connecting a teacher's Google calendar through the fake Google, as a browser would."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Credential
from tests.helpers import data

TEACHER_CALENDAR = "teacher@example.com"
READ_ONLY_CALENDAR = "holidays@example.com"


async def consent(auth_url: str) -> str:
    """The teacher agrees on Google's page: the path (and query) Google sends them back to."""
    async with httpx.AsyncClient() as browser:
        answer = await browser.get(auth_url)
    assert answer.status_code == 302, answer.text
    return str(answer.headers["location"]).removeprefix("http://testserver")


async def connect_google(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, Any]:
    auth_url = data(await client.get("/v2/calendars/google/connect", headers=headers))["authUrl"]
    return data(await client.get(await consent(auth_url)))  # type: ignore[no-any-return]


async def google_credential(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int
) -> Credential | None:
    async with sessionmaker() as session:
        return (
            await session.execute(
                select(Credential).where(
                    Credential.user_id == user_id, Credential.type == "google_calendar"
                )
            )
        ).scalar_one_or_none()


async def fake_events(fake_url: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{fake_url}/_events")).json()  # type: ignore[no-any-return]


async def grants(fake_url: str) -> dict[str, int]:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{fake_url}/_tokens")).json()  # type: ignore[no-any-return]
