"""Booking form answers checked against the workshop's booking fields."""

from __future__ import annotations

from typing import Any

from immersio_booking.kit.errors import BadRequest
from immersio_booking.kit.validation import ANSWER_MAX_LENGTH, NOTES_MAX_LENGTH, checked_text

STRING_TYPES = frozenset({"text", "phone", "address", "textarea", "url", "radioInput"})
LIST_TYPES = frozenset({"multiemail", "multiselect", "checkbox"})
# Filled by the booking itself, not by form answers.
SYSTEM_SLUGS = frozenset({"name", "email", "guests", "location", "rescheduleReason", "title"})
MAX_LIST_ANSWERS = 100


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


def _check_length(slug: str, value: Any) -> None:
    """Free text is capped: notes at 5 000 characters, any other answer at 2 000 (each item
    of a list too), and no control characters but line breaks and tabs."""
    limit = NOTES_MAX_LENGTH if slug == "notes" else ANSWER_MAX_LENGTH
    items = value if isinstance(value, list) else [value]
    if len(items) > MAX_LIST_ANSWERS:
        raise _fail(f"The answer to '{slug}' has more than {MAX_LIST_ANSWERS} items")
    for item in items:
        if not isinstance(item, str | int | float | bool | None):
            raise _fail(f"Invalid type for booking field '{slug}'")
        try:
            checked_text(item, f"The answer to '{slug}'", limit)
        except ValueError as exc:
            raise BadRequest(
                str(exc),
                reason="invalid_booking_field",
                details={"field": slug, "maxLength": limit},
            ) from exc


def checked_responses(fields: list[dict[str, Any]], given: dict[str, Any]) -> dict[str, Any]:
    """The answers, validated: required present, types and options right, no unknown slugs."""
    by_slug: dict[str, dict[str, Any]] = {str(f["slug"]): f for f in fields if f.get("slug")}
    unknown = sorted(set(given) - set(by_slug) - SYSTEM_SLUGS - {"notes"})
    if unknown:
        raise _fail(f"Unknown booking field(s): {', '.join(unknown)}")
    kept = {k: v for k, v in given.items() if k not in SYSTEM_SLUGS}
    for slug, value in kept.items():  # hidden fields' answers and notes too: all are stored
        _check_length(slug, value)
    if not isinstance(kept.get("notes") or "", str):
        raise _fail("Invalid type for booking field 'notes'. Expected type string")
    for slug, field in by_slug.items():
        value = given.get(slug)
        if slug in SYSTEM_SLUGS:
            continue
        if field.get("hidden"):
            if value not in (None, "", []):
                _check_value(field, slug, value)
            continue
        if value is None or value == "" or value == []:
            if field.get("required"):
                raise _fail(f"Missing required booking field response: {slug}")
            continue
        _check_value(field, slug, value)
    return kept
