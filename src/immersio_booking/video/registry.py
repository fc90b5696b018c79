"""STAND-IN (dropped at merge: helper "video" writes the real registry). Video providers by
the workshop's location integration."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.config import Settings
from immersio_booking.video.provider import SessionInfo, VideoProvider

Resolver = Callable[[AsyncSession, SessionInfo, Settings], Awaitable[VideoProvider | None]]

_resolvers: dict[str, Resolver] = {}


def register(integration: str, resolver: Resolver) -> None:
    _resolvers[integration] = resolver


def resolver_for(integration: str) -> Resolver | None:
    return _resolvers.get(integration)
