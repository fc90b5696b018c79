"""Base of every API schema: camelCase on the wire (Cal.com's convention), snake_case in Python."""

from __future__ import annotations

from typing import Annotated, Generic, Literal, TypeVar

from fastapi import Path
from pydantic import BaseModel, ConfigDict, Tag
from pydantic.alias_generators import to_camel

T = TypeVar("T")


class ApiModel(BaseModel):
    """Request and response bodies. An unknown input key is refused (400 ``unsupported_field``,
    see ``kit/unsupported.py``), never dropped: a client must not believe we applied it.
    Output models are built from rows and from their own fields, so the rule never touches them.
    """

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        from_attributes=True,
        extra="forbid",
        str_strip_whitespace=True,
    )


class StrictApiModel(ApiModel):
    """Same as ``ApiModel`` (which now refuses unknown keys too); kept for the union inputs
    (booking create/cancel/reschedule) that said so first."""


class Envelope(BaseModel, Generic[T]):
    status: Literal["success"] = "success"
    data: T


class EmptyEnvelope(BaseModel):
    status: Literal["success"] = "success"


def ok(data: T) -> Envelope[T]:
    return Envelope[T](data=data)


# Path ids are PostgreSQL bigints: anything outside 1..2^63-1 cannot name a row (400, not 500).
ResourceId = Annotated[int, Path(ge=1, le=9223372036854775807)]


BRANCH = "branch:"
"""Prefix of the tags of a body that is a union read by a discriminator function: the tag is in
pydantic's error locations, and left out of the property names our errors give."""


def branch(name: str) -> Tag:
    return Tag(BRANCH + name)
