"""FastAPI dependencies that say who is calling."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from immersio_booking.auth import service
from immersio_booking.auth.principal import Principal
from immersio_booking.db.dependencies import Session
from immersio_booking.kit.errors import BadRequest, Unauthorized


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized(
            "Authorization header must be 'Bearer <api key>'", reason="invalid_authorization"
        )
    return token.strip()


async def _optional_principal(
    request: Request,
    session: Session,
    act_as_user: Annotated[str | None, Header(alias="X-Act-As-User")] = None,
) -> Principal | None:
    token = _bearer(request)
    if token is None:
        if act_as_user is not None:
            raise Unauthorized("X-Act-As-User needs an API key", reason="missing_api_key")
        return None
    principal = await service.authenticate(session, token)
    if act_as_user is not None:
        try:
            target = int(act_as_user)
        except ValueError as exc:
            raise BadRequest(
                "X-Act-As-User must be a user id", reason="invalid_act_as_user"
            ) from exc
        principal = await service.act_as(session, principal, target)
    request.state.principal = principal
    return principal


async def _required_principal(
    principal: Annotated[Principal | None, Depends(_optional_principal)],
) -> Principal:
    if principal is None:
        raise Unauthorized(
            "An API key is required: send 'Authorization: Bearer <api key>'",
            reason="missing_api_key",
        )
    return principal


AuthSubject = Annotated[Principal, Depends(_required_principal)]
OptionalAuthSubject = Annotated[Principal | None, Depends(_optional_principal)]

# For routes that need no caller but must still refuse a bad key (401), like every /v2 route.
CheckCredentials = Depends(_optional_principal)
