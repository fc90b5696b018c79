"""The request-body limit: an ASGI middleware in front of everything.

A request whose ``Content-Length`` is over the limit is answered 413 before the app runs or
a byte of the body is read. A body without a length (chunked) is counted as the app reads
it, and reading stops with a 413 at the first byte past the limit. Upload routes (named by
path pattern) get their own, larger limit. The answer is the usual error envelope.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from immersio_booking.kit.error_handlers import error_response

REASON = "request_too_large"


class RequestTooLarge(HTTPException):
    """Raised from ``receive`` at the first byte past the limit. An HTTPException, so that
    FastAPI's body parsing passes it on instead of calling the body malformed."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes")
        self.limit = limit


class BodyLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, limit: int, upload_limit: int, upload_paths: Iterable[str] = ()
    ) -> None:
        self.app = app
        self.limit = limit
        self.upload_limit = upload_limit
        self.upload_paths = [re.compile(p) for p in upload_paths]

    def limit_for(self, path: str) -> int:
        if any(p.fullmatch(path) for p in self.upload_paths):
            return self.upload_limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        declared = Headers(scope=scope).get("content-length", "")
        if declared.strip().isdigit() and int(declared) > limit:
            await self._refuse(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def counted() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise RequestTooLarge(limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except RequestTooLarge:
            if started:
                raise
            await self._refuse(scope, receive, send, limit)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        response = error_response(
            Request(scope),
            413,
            f"The request body is larger than {limit} bytes",
            reason=REASON,
            details={"maxBytes": limit},
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)
