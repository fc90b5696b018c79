"""Shared field validators: slugs, colours, time zones, public URLs."""

from __future__ import annotations

import re
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, Field

SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")
COLOR_RE = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")

# Organization slugs are public addresses (/{orgSlug}); these are taken by the service itself.
RESERVED_SLUGS = frozenset(
    {
        "v2",
        "api",
        "docs",
        "redoc",
        "openapi.json",
        "static",
        "embed",
        "embed.js",
        "booking",
        "payment",
        "webhooks",
        "healthz",
        "readyz",
        "metrics",
        "sitemap.xml",
        "robots.txt",
        "admin",
        "login",
        "logout",
        "signup",
        "settings",
        "favicon.ico",
        "assets",
    }
)


def _slug(value: str) -> str:
    value = value.strip().lower()
    if not SLUG_RE.match(value):
        raise ValueError(
            "must be 1-64 lowercase letters, digits or hyphens, not starting or ending with '-'"
        )
    return value


def _org_slug(value: str) -> str:
    value = _slug(value)
    if value in RESERVED_SLUGS:
        raise ValueError(f"'{value}' is reserved")
    return value


def _color(value: str) -> str:
    if not COLOR_RE.match(value):
        raise ValueError("must be a colour like #RGB or #RRGGBB")
    return value.lower()


_ZONES: frozenset[str] | None = None


def validate_time_zone(value: str) -> str:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    if value not in _ZONES and value != "UTC":
        raise ValueError(f"'{value}' is not a known IANA time zone")
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"'{value}' is not a known IANA time zone") from exc
    return value


def _http_url(value: str) -> str:
    lowered = value.lower()
    if not (lowered.startswith("https://") or lowered.startswith("http://")) or len(value) > 2048:
        raise ValueError("must be an http(s) URL")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
OrganizationSlug = Annotated[str, AfterValidator(_org_slug)]
Color = Annotated[str, AfterValidator(_color)]
TimeZoneName = Annotated[str, AfterValidator(validate_time_zone)]
HttpUrlText = Annotated[str, Field(max_length=2048), AfterValidator(_http_url)]
ShortText = Annotated[str, Field(min_length=1, max_length=255)]
