"""A form's errors next to its fields: the API's own validation (pydantic schemas, domain
errors) read back onto the form's field names. Nothing is written when a form has errors: the
service call runs in a savepoint that is rolled back (``all_or_nothing``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from pydantic import ValidationError
from pydantic_core import ErrorDetails
from sqlalchemy.ext.asyncio import AsyncSession

from immersio_booking.kit import validation as kit_validation

FORM = "form"  # an error of the whole form, shown above it


@dataclass(frozen=True)
class FieldError:
    """``code`` is translated by the page (``error`` in dashboard/_fields.html), with ``params`` (a
    limit, a number of decimals) in its placeholders; ``detail`` is the API's English message,
    kept for the logs and the tests, and shown (marked English) only beside a ``invalid`` the
    page has no better words for."""

    code: str
    detail: str = ""
    params: Mapping[str, object] = field(default_factory=dict)


FieldErrors = dict[str, FieldError]


class FormInvalid(Exception):
    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


# pydantic's error types the pages have words for, and the context value each one's words
# need (the limit the English message names), under the name ``limit``.
PYDANTIC_CODES: dict[str, tuple[str, str | None]] = {
    "missing": ("required", None),
    "greater_than_equal": ("at_least", "ge"),
    "greater_than": ("more_than", "gt"),
    "less_than_equal": ("at_most", "le"),
    "less_than": ("less_than", "lt"),
    "int_parsing": ("whole_number", None),
    "int_from_float": ("whole_number", None),
    "int_type": ("whole_number", None),
    "float_parsing": ("number", None),
    "decimal_parsing": ("number", None),
    "string_too_short": ("too_short", "min_length"),
    "string_too_long": ("too_long", "max_length"),
    "too_long": ("too_many", "max_length"),
    "literal_error": ("one_of_the_choices", None),
    "enum": ("one_of_the_choices", None),
    "bool_parsing": ("yes_or_no", None),
    "bool_type": ("yes_or_no", None),
    "url_parsing": ("http_url", None),
    "url_scheme": ("http_url", None),
    "url_type": ("http_url", None),
    "date_parsing": ("date", None),
    "date_from_datetime_parsing": ("date", None),
    "date_from_datetime_inexact": ("date", None),
    "date_type": ("date", None),
    "datetime_parsing": ("date", None),
    "datetime_from_date_parsing": ("date", None),
    "datetime_type": ("date", None),
    "string_pattern_mismatch": ("pattern", None),
    "extra_forbidden": ("not_offered", None),
}


def field_error(item: ErrorDetails) -> FieldError:
    """One pydantic error as the code the page translates, with its placeholders: a limit of
    pydantic's (``limit``), or the context of our own validators' refusal (``value``)."""
    message = str(item["msg"]).removeprefix("Value error, ")
    kind = item["type"]
    context = item.get("ctx") or {}
    if kind == "string_too_short" and context.get("min_length") == 1:
        return FieldError("required", message)
    if kind in PYDANTIC_CODES:
        code, limit = PYDANTIC_CODES[kind]
        params = {"limit": context[limit]} if limit and limit in context else {}
        return FieldError(code, message, params)
    if kind in kit_validation.ERROR_TYPES:  # our own validators' (kit/validation.py)
        return FieldError(kind, message, {k: str(v) for k, v in context.items()})
    return FieldError("invalid", message)


def from_validation(
    exc: ValidationError, field_of: Callable[[tuple[str, ...]], str]
) -> FieldErrors:
    """Each error of the schema under the form field its location names (the first one wins),
    as a code the page translates."""
    errors: FieldErrors = {}
    for item in exc.errors():
        loc = tuple(str(part) for part in item["loc"])
        errors.setdefault(field_of(loc), field_error(item))
    return errors


def by_prefix(names: dict[str, str]) -> Callable[[tuple[str, ...]], str]:
    """A location → field reader from ``{"seats.seatsPerTimeSlot": "seats", "title": ...}``:
    the longest dotted prefix of the location that names a field, else the whole form."""

    def field_of(loc: tuple[str, ...]) -> str:
        for size in range(len(loc), 0, -1):
            found = names.get(".".join(loc[:size]))
            if found is not None:
                return found
        return FORM

    return field_of


@asynccontextmanager
async def all_or_nothing(session: AsyncSession) -> AsyncIterator[None]:
    """A savepoint around a service call: when it fails, whatever it flushed is undone."""
    async with session.begin_nested():
        yield
