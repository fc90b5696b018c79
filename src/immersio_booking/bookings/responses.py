"""Booking form answers checked against the workshop's booking fields."""

from __future__ import annotations

from typing import Any

from immersio_booking.kit.errors import BadRequest

STRING_TYPES = frozenset({"text", "phone", "address", "textarea", "url", "radioInput"})
LIST_TYPES = frozenset({"multiemail", "multiselect", "checkbox"})
# Filled by the booking itself, not by form answers.
SYSTEM_SLUGS = frozenset({"name", "email", "guests", "location", "rescheduleReason", "title"})


def _fail(message: str) -> BadRequest:
    return BadRequest(message, reason="invalid_booking_field")


def _check_value(field: dict[str, Any], slug: str, value: Any) -> None:
    kind = field.get("type")
    options = field.get("options")
    if kind in STRING_TYPES and not isinstance(value, str):
        raise _fail(f"Invalid type for booking field '{slug}'. Expected type string")
    if kind == "number" and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise _fail(f"Invalid type for booking field '{slug}'. Expected type number")
    if kind == "boolean" and not isinstance(value, bool):
        raise _fail(f"Invalid type for booking field '{slug}'. Expected type boolean")
    if kind in LIST_TYPES:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise _fail(f"Invalid type for booking field '{slug}'. Expected a list of strings")
        if options and any(v not in options for v in value):
            raise _fail(
                f"Invalid option for booking field '{slug}'. Allowed options are: "
                + ", ".join(options)
            )
    if kind in ("select", "radio"):
        if (
            not isinstance(value, str | int)
            or isinstance(value, bool)
            or (options and str(value) not in options)
        ):
            raise _fail(
                f"Invalid option '{value}' for booking field '{slug}'. Allowed options are: "
                + ", ".join(options or [])
            )
    if isinstance(value, str) and len(value) > 5000:
        raise _fail(f"The answer to '{slug}' is too long")


def checked_responses(fields: list[dict[str, Any]], given: dict[str, Any]) -> dict[str, Any]:
    """The answers, validated: required present, types and options right, no unknown slugs."""
    by_slug: dict[str, dict[str, Any]] = {str(f["slug"]): f for f in fields if f.get("slug")}
    unknown = sorted(set(given) - set(by_slug) - SYSTEM_SLUGS - {"notes"})
    if unknown:
        raise _fail(f"Unknown booking field(s): {', '.join(unknown)}")
    for slug, field in by_slug.items():
        if slug in SYSTEM_SLUGS or field.get("hidden"):
            continue
        value = given.get(slug)
        if value is None or value == "" or value == []:
            if field.get("required"):
                raise _fail(f"Missing required booking field response: {slug}")
            continue
        _check_value(field, slug, value)
    return {k: v for k, v in given.items() if k not in SYSTEM_SLUGS}
