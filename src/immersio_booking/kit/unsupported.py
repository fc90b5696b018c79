"""Nothing accepted and ignored: a query parameter or body field that a route does not declare
is refused with 400 ``unsupported_field``, naming each one, instead of being dropped with a 200.

Bodies: ``ApiModel`` forbids unknown keys and ``error_handlers`` turns pydantic's
``extra_forbidden`` errors into this error. Query: ``only_declared_query`` compares the request's
query keys with the parameters the matched route declares (its own and its dependencies').
A route that reads the raw query string itself (``GET /v2/slots``, busy times) is marked with
``checks_own_query`` and calls ``refuse_unsupported`` with what it accepts; a route that a third
party redirects to (an OAuth callback) names the keys it tolerates with ``also_accepts_query``.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel

from immersio_booking.kit.errors import BadRequest

UNSUPPORTED_FIELD = "unsupported_field"
# Query parameters every route accepts without declaring them: none (a harmless one would be
# listed here, with the reason).
ALWAYS_ACCEPTED: frozenset[str] = frozenset()

F = TypeVar("F", bound=Callable[..., Any])


class UnsupportedField(BadRequest):
    reason = UNSUPPORTED_FIELD

    def __init__(self, fields: Iterable[str], where: str = "query parameter") -> None:
        names = sorted(set(fields))
        plural = "s" if len(names) > 1 else ""
        super().__init__(
            f"Unsupported {where}{plural}: {', '.join(names)}. This API does not accept"
            f" {'them' if plural else 'it'}; remove {'them' if plural else 'it'} from the request.",
            details={"fields": names},
        )


def refuse_unsupported(
    given: Iterable[str], accepted: Collection[str] = (), *, where: str = "query parameter"
) -> None:
    """400 ``unsupported_field`` naming what of ``given`` is not ``accepted`` (every name when
    nothing is: a version's inputs we do not apply)."""
    unknown = [name for name in given if name not in accepted and name not in ALWAYS_ACCEPTED]
    if unknown:
        raise UnsupportedField(unknown, where)


def checks_own_query(endpoint: F) -> F:
    """Mark an endpoint that reads ``request.query_params`` itself and refuses unknown keys."""
    endpoint.__checks_own_query__ = True  # type: ignore[attr-defined]
    return endpoint


def also_accepts_query(*names: str) -> Callable[[F], F]:
    """Mark an endpoint that a third party calls with keys it does not read (an OAuth redirect
    adds ``scope``, ``authuser``...): those keys are accepted, and still ignored."""

    def mark(endpoint: F) -> F:
        endpoint.__accepted_query__ = frozenset(names)  # type: ignore[attr-defined]
        return endpoint

    return mark


def _query_names(dependant: Dependant) -> set[str]:
    names: set[str] = set()
    for field in dependant.query_params:
        annotation = field.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            for name, info in annotation.model_fields.items():
                names.add(info.alias or name)
        else:
            names.add(field.alias)
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


_CACHE = "_declared_query_names"  # kept on the route object, computed on its first request


def _declared(route: APIRoute) -> frozenset[str] | None:
    """The query names ``route`` declares; ``None`` when the route checks its query itself."""
    if not hasattr(route, _CACHE):
        names: frozenset[str] | None = None
        if not getattr(route.endpoint, "__checks_own_query__", False):
            extra: frozenset[str] = getattr(route.endpoint, "__accepted_query__", frozenset())
            names = frozenset(_query_names(route.dependant)) | extra
        setattr(route, _CACHE, names)
    declared: frozenset[str] | None = getattr(route, _CACHE)
    return declared


async def only_declared_query(request: Request) -> None:
    """Router dependency: 400 ``unsupported_field`` for a query key the route does not declare."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    declared = _declared(route)
    if declared is not None:
        refuse_unsupported(request.query_params.keys(), declared)
