"""Answers serialized once, with orjson, from the plain data a hot path has in hand.

A route that returns ``success(data)`` keeps its ``response_model`` for the OpenAPI document,
while FastAPI skips validating and re-encoding the answer (it passes a ``Response`` through).
Use it only where ``data`` is already plain JSON (str, int, bool, None, lists, dicts with str
keys) in the wire shape: the bytes are the ones the ``Envelope`` would have produced.
"""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import Response


def success(data: Any, status_code: int = 200) -> Response:
    """``{"status": "success", "data": ...}`` as compact UTF-8 JSON."""
    return Response(
        orjson.dumps({"status": "success", "data": data}),
        status_code=status_code,
        media_type="application/json",
    )
