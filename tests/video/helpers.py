"""Set-up shared by the video tests: live workshops, their references, the Zoom simulator."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from immersio_booking.models import Booking, BookingReference
from tests.bookings.helpers import seating, workshop
from tests.factories import Tenant
from tests.jobs import job_environment

JITSI_LOCATION = [{"type": "integration", "integration": "cal-video"}]
ZOOM_LOCATION = [{"type": "integration", "integration": "zoom"}]

ACCOUNT_ID = "acct-test"
CLIENT_ID = "client-test-1234"
CLIENT_SECRET = "zoom-secret-Very-Private-42"


async def live_workshop(
    client: httpx.AsyncClient, tenant: Tenant, seats: int = 5, **fields: Any
) -> dict[str, Any]:
    fields.setdefault("locations", JITSI_LOCATION)
    return await workshop(client, tenant, seats=seating(seats), **fields)


async def references(
    sessionmaker: async_sessionmaker[AsyncSession], *uids: str
) -> dict[str, BookingReference]:
    """The video reference of each booking ``uid`` that has one (live or deleted)."""
    async with sessionmaker() as session:
        rows = await session.execute(
            select(Booking.uid, BookingReference)
            .join(BookingReference, BookingReference.booking_id == Booking.id)
            .where(Booking.uid.in_(uids), BookingReference.type.like("%_video"))
        )
        return {str(uid): reference for uid, reference in rows.all()}


async def live_references(
    sessionmaker: async_sessionmaker[AsyncSession], *uids: str
) -> dict[str, BookingReference]:
    return {u: r for u, r in (await references(sessionmaker, *uids)).items() if not r.deleted}


@dataclass
class FakeZoom:
    url: str

    def control(self, method: str, path: str, body: Any = None) -> Any:
        response = httpx.request(method, f"{self.url}/_control{path}", json=body, timeout=10)
        assert response.status_code < 300, response.text
        return response.json()

    def faults(self, **faults: Any) -> None:
        self.control("PUT", "/faults", faults)

    def meetings(self) -> list[dict[str, Any]]:
        response = httpx.get(f"{self.url}/_meetings", timeout=10)
        assert response.status_code == 200
        return list(response.json())

    def calls(self) -> dict[str, int]:
        return dict(self.control("GET", "/stats")["calls"])

    @property
    def settings(self) -> dict[str, str]:
        return {"zoom_api_base": self.url, "zoom_oauth_base": self.url}

    @contextmanager
    def jobs(self, database_url: str, data_dir: Path, **extra: str) -> Iterator[None]:
        """Jobs run in this block call this simulator (``extra``: more of their settings)."""
        with job_environment(
            database_url,
            data_dir,
            IMMERSIO_ZOOM_API_BASE=self.url,
            IMMERSIO_ZOOM_OAUTH_BASE=self.url,
            IMMERSIO_ALLOW_PRIVATE_NETWORK_TARGETS="true",
            **extra,
        ):
            yield


async def connect_zoom(client: httpx.AsyncClient, tenant: Tenant, **body: str) -> httpx.Response:
    return await client.put(
        f"/v2/organizations/{tenant.id}/conferencing/zoom",
        headers=tenant.headers,
        json={
            "accountId": ACCOUNT_ID,
            "clientId": CLIENT_ID,
            "clientSecret": CLIENT_SECRET,
            **body,
        },
    )
