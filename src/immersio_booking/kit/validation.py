"""Shared field validators: slugs, colours, time zones, public URLs, names, free text and
metadata (with their length caps)."""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BeforeValidator, Field
from pydantic_core import PydanticCustomError

# Caps of free text (characters), as Cal.com and Stripe set them.
NAME_MAX_LENGTH = 200
NOTES_MAX_LENGTH = 5000
ANSWER_MAX_LENGTH = 2000
METADATA_MAX_KEYS = 50
METADATA_KEY_MAX_LENGTH = 40
METADATA_VALUE_MAX_LENGTH = 500
# The whole metadata object once serialised: nested objects cannot grow it past this.
METADATA_MAX_BYTES = 32 * 1024

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
        "waitlist",
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


# Refusals of our validators with a type of their own (instead of pydantic's "value_error"),
# which the dashboard's forms translate with the refusal's context as placeholders (the
# reserved slug, the unknown triggers); the API's message is the same English text, and its
# ``constraints`` still say "value_error" (kit/error_handlers.py).
ERROR_TYPES = frozenset(
    {
        "slug_format",
        "slug_reserved",
        "colour_format",
        "http_url",
        "currency_code",
        "zone_unknown",
        "time_format",
        "end_before_start",
        "days_repeat",
        "one_line",
        "not_blank",
        "control_characters",
        "unknown_trigger",
        "url_query",
    }
)


def refusal(kind: str, message: str, **context: str) -> PydanticCustomError:
    """A validator's refusal of type ``kind`` (one of ``ERROR_TYPES``); a ``ValueError``.
    ``message`` may name ``context``'s values in braces (``"'{value}' is reserved"``)."""
    assert kind in ERROR_TYPES, kind
    return PydanticCustomError(kind, message, context or None)


def _slug(value: str) -> str:
    value = value.strip().lower()
    if not SLUG_RE.match(value):
        raise refusal(
            "slug_format",
            "must be 1-64 lowercase letters, digits or hyphens, not starting or ending with '-'",
        )
    return value


def _org_slug(value: str) -> str:
    value = _slug(value)
    if value in RESERVED_SLUGS:
        raise refusal("slug_reserved", "'{value}' is reserved", value=value)
    return value


def _color(value: str) -> str:
    if not COLOR_RE.match(value):
        raise refusal("colour_format", "must be a colour like #RGB or #RRGGBB")
    return value.lower()


_ZONES: frozenset[str] | None = None


def validate_time_zone(value: str) -> str:
    global _ZONES
    if _ZONES is None:
        _ZONES = frozenset(available_timezones())
    unknown = refusal("zone_unknown", "'{value}' is not a known IANA time zone", value=value)
    if value not in _ZONES and value != "UTC":
        raise unknown
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise unknown from exc
    return value


def _http_url(value: str) -> str:
    lowered = value.lower()
    if not (lowered.startswith("https://") or lowered.startswith("http://")) or len(value) > 2048:
        raise refusal("http_url", "must be an http(s) URL")
    return value


Slug = Annotated[str, AfterValidator(_slug)]
OrganizationSlug = Annotated[str, AfterValidator(_org_slug)]
Color = Annotated[str, AfterValidator(_color)]
TimeZoneName = Annotated[str, AfterValidator(validate_time_zone)]
HttpUrlText = Annotated[str, Field(max_length=2048), AfterValidator(_http_url)]
ShortText = Annotated[str, Field(min_length=1, max_length=255)]


def is_one_line(value: str) -> bool:
    return not any(unicodedata.category(c) in ("Cc", "Zl", "Zp") for c in value)


def _one_line(value: str) -> str:
    """Names end up in email headers, invites and page titles: no line breaks, no controls."""
    if not is_one_line(value):
        raise refusal("one_line", "must be one line without control characters")
    if not value.strip():
        raise refusal("not_blank", "must not be blank")
    return value


def _text(value: str) -> str:
    """Multi-line text: line breaks and tabs, but no other control characters (NUL...)."""
    if any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in value):
        raise refusal("control_characters", "must not contain control characters")
    return value


def checked_text(value: Any, where: str, limit: int) -> Any:
    """A free-text value of a service-side check (booking answers): strings up to ``limit``."""
    if isinstance(value, str):
        if len(value) > limit:
            raise ValueError(f"{where} is {len(value)} characters long; at most {limit} allowed")
        try:
            _text(value)
        except ValueError as exc:
            raise ValueError(f"{where} {exc}") from None
    return value


def _metadata_values(value: Any, where: str) -> None:
    if isinstance(value, dict):
        if len(value) > METADATA_MAX_KEYS:
            raise ValueError(
                f"{where} has {len(value)} keys; at most {METADATA_MAX_KEYS} are allowed"
            )
        for key, item in value.items():
            if len(str(key)) > METADATA_KEY_MAX_LENGTH:
                raise ValueError(
                    f"{where} key '{str(key)[:METADATA_KEY_MAX_LENGTH]}...' is longer than"
                    f" {METADATA_KEY_MAX_LENGTH} characters"
                )
            _metadata_values(item, f"{where}.{key}")
    elif isinstance(value, list):
        if len(value) > METADATA_MAX_KEYS:
            raise ValueError(f"{where} has {len(value)} items; at most {METADATA_MAX_KEYS}")
        for index, item in enumerate(value):
            _metadata_values(item, f"{where}[{index}]")
    else:
        checked_text(value, where, METADATA_VALUE_MAX_LENGTH)


def _capped_metadata(value: Any) -> Any:
    """At most 50 keys of at most 40 characters, values of at most 500 characters (nested
    objects follow the same rule), 32 KiB in all. Runs before the shape is validated."""
    if not isinstance(value, dict):
        return value  # the field's own type says what is wrong
    _metadata_values(value, "metadata")
    size = len(json.dumps(value, default=str).encode())
    if size > METADATA_MAX_BYTES:
        raise ValueError(f"metadata is {size} bytes; at most {METADATA_MAX_BYTES} are allowed")
    return value


PersonName = Annotated[
    str, Field(min_length=1, max_length=NAME_MAX_LENGTH), AfterValidator(_one_line)
]
OneLineText = Annotated[str, AfterValidator(_one_line)]
MetadataCaps = BeforeValidator(_capped_metadata)
