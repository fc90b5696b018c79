"""A JSON answer serialized once, by orjson, from plain data (dicts, lists, str, numbers)."""

from __future__ import annotations

from typing import Any

import orjson
from fastapi.responses import JSONResponse


class FastJSONResponse(JSONResponse):
    """``JSONResponse`` with orjson: the same compact UTF-8 JSON, several times faster."""

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)
