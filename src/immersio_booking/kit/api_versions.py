"""Cal.com's ``cal-api-version`` header: which handler of a path answers a request.

Cal.com registers several handlers under one path and method, each for a set of versions
(``/v2/bookings``: 2024-04-15, 2024-06-11 and 2024-06-14 get the legacy handler, 2024-08-13
the current one). We do the same: a router built with ``route_class=versioned(...)`` gives its
routes the versions they answer, and a request reaches the route of its header's version.

For one path and method (a *family* of routes):
- no header → the family's oldest version (Cal.com's default is the legacy 2024-04-15; a path
  that exists only in a newer version answers in that version);
- a version of the family → its route;
- a version Cal.com knows that the family has no route for → the default, as Cal.com routes it;
- any other value → 400 ``unsupported_api_version`` naming the family's versions.

Routes Cal.com registers for every version (webhooks, ``/v2/organizations/**``) are plain
routes and never read the header. docs/api-versions.md lists every route with its versions.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Coroutine, Iterable
from typing import Any, ClassVar, TypeVar

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel, ValidationError
from starlette.routing import Match
from starlette.types import Scope

from immersio_booking.kit import unsupported
from immersio_booking.kit.errors import BadRequest

HEADER = "cal-api-version"
V2024_04_15 = "2024-04-15"
V2024_06_11 = "2024-06-11"
V2024_06_14 = "2024-06-14"
V2024_08_13 = "2024-08-13"
V2024_09_04 = "2024-09-04"
KNOWN = (V2024_04_15, V2024_06_11, V2024_06_14, V2024_08_13, V2024_09_04)
"""The values Cal.com knows (reference/calcom-api-v2.md §1.1)."""

Model = TypeVar("Model", bound=BaseModel)
_REFUSED = "immersio.api_version_refused"
# (path, method) → the version sets of its routes (one set per handler). Filled as the routes
# are built (at import), read when requests are matched.
_FAMILIES: dict[tuple[str, str], set[tuple[str, ...]]] = {}


def family(path: str, method: str) -> tuple[str, ...]:
    """The versions answered at ``path`` (a route's path format) for ``method``, oldest first."""
    handlers = _FAMILIES.get((path, method.upper()), set())
    return tuple(sorted({version for versions in handlers for version in versions}))


def requested(scope: Scope) -> str | None:
    """The header's value, or None when it is absent or blank."""
    for name, value in scope.get("headers", ()):
        if name == HEADER.encode():
            return value.decode("latin-1").strip() or None
    return None


def chosen(header: str | None, versions: tuple[str, ...]) -> str | None:
    """The version of ``versions`` that answers ``header``; None when the value is unknown."""
    default = versions[0]
    if header is None or header in versions:
        return header or default
    return default if header in KNOWN else None


class VersionedRoute(APIRoute):
    """A route that answers only the requests its versions are chosen for."""

    versions: ClassVar[tuple[str, ...]] = ()

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        for method in self.methods or ():
            _FAMILIES.setdefault((self.path_format, method), set()).add(self.versions)

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        match, child_scope = super().matches(scope)
        if match is not Match.FULL:
            return match, child_scope
        versions = family(self.path_format, scope["method"])
        version = chosen(requested(scope), versions)
        if version is None:  # refused by the family's default route, so the 400 names them all
            if versions[0] not in self.versions:
                return Match.NONE, {}
            child_scope[_REFUSED] = versions
        elif version not in self.versions:
            return Match.NONE, {}
        return match, child_scope

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def refuse_unknown_version(request: Request) -> Response:
            versions = request.scope.get(_REFUSED)
            if versions is not None:
                raise BadRequest(
                    f"{HEADER} {requested(request.scope)!r} is not supported here; "
                    f"this route answers {', '.join(versions)} (none sent: {versions[0]})",
                    reason="unsupported_api_version",
                    details={"supportedVersions": list(versions)},
                )
            return await handler(request)

        return refuse_unknown_version


@functools.cache
def versioned(*versions: str) -> type[APIRoute]:
    """The route class of a router (or one route) that answers ``versions``."""
    unknown = set(versions) - set(KNOWN)
    if unknown:
        raise ValueError(f"not a Cal.com API version: {sorted(unknown)}")
    name = "Route_" + "_".join(v.replace("-", "_") for v in versions)
    return type(name, (VersionedRoute,), {"versions": tuple(sorted(versions))})


def adapted(model: type[Model], data: dict[str, Any]) -> Model:
    """Today's input built from a legacy body; its refusals answer as a body's own would."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False)) from exc


def families() -> dict[tuple[str, str], list[tuple[str, ...]]]:
    """Every versioned (path, method) with the versions of each of its handlers, oldest first
    (docs/api-versions.md is checked against it)."""
    return {key: sorted(handlers) for key, handlers in sorted(_FAMILIES.items())}


def refuse_unsupported(names: Iterable[str]) -> None:
    """Cal.com inputs of a version that we do not apply: 400 ``unsupported_field``, never
    accepted and ignored (docs/api-versions.md lists them)."""
    unsupported.refuse_unsupported(names, where="field")
