"""The one client of the Immersio API (docs/immersio-api.md): Bearer key, cursor pages,
``updated_since``, typed errors, retries with backoff on 429 and 5xx.

The sync talks to ``ImmersioApi``; ``ImmersioClient`` is the HTTP implementation and tests or
another transport may hand over any object of that shape.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, Protocol, TypeVar
from urllib.parse import quote

import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

from immersio_booking.kit.http import OutgoingPolicy, ResponseTooLarge, UnsafeTarget, safe_client

PAGE_SIZE = 100


class ImmersioError(Exception):
    """Any failure to get an answer from Immersio; ``message`` is fit for an operator."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ImmersioUnauthorized(ImmersioError):
    """401: the key is missing or wrong."""


class ImmersioForbidden(ImmersioError):
    """403: the key is valid but may not read this organization."""


class ImmersioNotFound(ImmersioError):
    """404: the organization or course does not exist."""


class ImmersioRateLimited(ImmersioError):
    """429 after every retry."""


class ImmersioUnavailable(ImmersioError):
    """5xx or a network failure after every retry."""


class ImmersioBadResponse(ImmersioError):
    """An answer that does not follow the contract."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Course(_Record):
    id: str
    name: str
    language: str | None = None
    level: str | None = None
    updated_at: datetime | None = None
    # When its roster last changed (a student enrolled, dropped or changed).
    students_updated_at: datetime | None = None


class Student(_Record):
    id: str
    email: str
    name: str | None = None
    status: Literal["enrolled", "dropped"] = "enrolled"
    updated_at: datetime | None = None


class Teacher(_Record):
    id: str
    email: str
    name: str | None = None
    updated_at: datetime | None = None


class Organization(_Record):
    id: str
    name: str | None = None


RecordT = TypeVar("RecordT", bound=_Record)


class ImmersioApi(Protocol):
    async def organization(self) -> Organization: ...
    async def courses(self, updated_since: datetime | None = None) -> list[Course]: ...
    async def students(
        self, course_id: str, updated_since: datetime | None = None
    ) -> list[Student]: ...
    async def teachers(self, updated_since: datetime | None = None) -> list[Teacher]: ...


@dataclass(frozen=True)
class RetryPolicy:
    """Attempts per call and the waits between them (exponential with jitter; 429 waits what
    ``Retry-After`` says, capped at ``max_delay``)."""

    attempts: int = 5
    base_delay: float = 0.2
    max_delay: float = 5.0

    def delay(self, attempt: int, retry_after: float | None) -> float:
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.max_delay)
        backoff: float = min(self.base_delay * 2**attempt, self.max_delay)
        return backoff * (0.5 + random.random() / 2)  # jitter, not a secret


DEFAULT_RETRY = RetryPolicy()


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers.get("retry-after", ""))
    except ValueError:
        return None


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
        return str(body["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return response.text[:200] or response.reason_phrase


class ImmersioClient:
    """Immersio over HTTP through the safe client. Use as ``async with``."""

    def __init__(
        self,
        base_url: str,
        organization_id: str,
        api_key: str,
        *,
        allow_private: bool = False,
        retry: RetryPolicy | None = None,
        timeout: float = 10.0,
        policy: OutgoingPolicy | None = None,
    ) -> None:
        self._root = f"{base_url.rstrip('/')}/v1/organizations/{quote(organization_id, safe='')}"
        self._headers = {"Authorization": f"Bearer {api_key}", "Accept": "application/json"}
        self._http = safe_client(
            policy or OutgoingPolicy(allow_private=allow_private, timeout=timeout)
        )
        self._retry = retry or DEFAULT_RETRY

    async def __aenter__(self) -> ImmersioClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._http.aclose()

    async def _get(self, path: str, params: dict[str, str] | None = None) -> Any:
        url = self._root + path
        for attempt in range(self._retry.attempts):
            last = attempt == self._retry.attempts - 1
            try:
                response = await self._http.get(url, params=params, headers=self._headers)
            except UnsafeTarget as exc:
                raise ImmersioError(exc.message) from exc
            except ResponseTooLarge as exc:
                raise ImmersioBadResponse(f"Immersio's answer was refused: {exc}") from exc
            except httpx.HTTPError as exc:
                if last:
                    raise ImmersioUnavailable(f"Immersio cannot be reached: {exc!r}") from exc
                await asyncio.sleep(self._retry.delay(attempt, None))
                continue
            status = response.status_code
            if status < 300:
                try:
                    return response.json()
                except ValueError as exc:
                    raise ImmersioBadResponse("Immersio answered with something not JSON") from exc
            if status == 401:
                raise ImmersioUnauthorized(
                    f"Immersio refused the API key: {_message(response)}", status
                )
            if status == 403:
                raise ImmersioForbidden(
                    f"The API key may not read this Immersio organization: {_message(response)}",
                    status,
                )
            if status == 404:
                raise ImmersioNotFound(f"Not found at Immersio: {_message(response)}", status)
            if status == 429 or status >= 500:
                if last:
                    kind = ImmersioRateLimited if status == 429 else ImmersioUnavailable
                    raise kind(
                        f"Immersio answered {status} {attempt + 1} times: {_message(response)}",
                        status,
                    )
                await asyncio.sleep(self._retry.delay(attempt, _retry_after(response)))
                continue
            raise ImmersioBadResponse(f"Immersio answered {status}: {_message(response)}", status)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _pages(
        self, path: str, model: type[RecordT], updated_since: datetime | None
    ) -> AsyncIterator[RecordT]:
        params = {"limit": str(PAGE_SIZE)}
        if updated_since is not None:
            params["updated_since"] = updated_since.isoformat()
        while True:
            body = await self._get(path, params)
            try:
                items = body["data"]
                cursor = body.get("next_cursor")
                records = [model.model_validate(item) for item in items]
            except (KeyError, TypeError, AttributeError, ValidationError) as exc:
                raise ImmersioBadResponse(f"Immersio sent a page we cannot read: {exc}") from exc
            for record in records:
                yield record
            if not cursor:
                return
            params["cursor"] = str(cursor)

    async def organization(self) -> Organization:
        body = await self._get("")
        try:
            return Organization.model_validate(body)
        except ValidationError as exc:
            raise ImmersioBadResponse("Immersio sent an organization we cannot read") from exc

    async def courses(self, updated_since: datetime | None = None) -> list[Course]:
        return [c async for c in self._pages("/courses", Course, updated_since)]

    async def students(
        self, course_id: str, updated_since: datetime | None = None
    ) -> list[Student]:
        path = f"/courses/{quote(course_id, safe='')}/students"
        return [s async for s in self._pages(path, Student, updated_since)]

    async def teachers(self, updated_since: datetime | None = None) -> list[Teacher]:
        return [t async for t in self._pages("/teachers", Teacher, updated_since)]
