"""A form's errors next to its fields: the API's own validation (pydantic schemas, domain
errors) read back onto the form's field names. Nothing is written when a form has errors: the
service call runs in a savepoint that is rolled back (``all_or_nothing``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

FORM = "form"  # an error of the whole form, shown above it


@dataclass(frozen=True)
class FieldError:
    """``code`` is translated by the page (dashboard/_field_error.html); ``detail`` is the
    API's English message, shown beside the generic ``invalid``."""

    code: str
    detail: str = ""


FieldErrors = dict[str, FieldError]


class FormInvalid(Exception):
    def __init__(self, errors: FieldErrors) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


def from_validation(
    exc: ValidationError, field_of: Callable[[tuple[str, ...]], str]
) -> FieldErrors:
    """Each error of the schema under the form field its location names (the first one wins)."""
    errors: FieldErrors = {}
    for item in exc.errors():
        loc = tuple(str(part) for part in item["loc"])
        message = str(item["msg"]).removeprefix("Value error, ")
        errors.setdefault(field_of(loc), FieldError("invalid", message))
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
