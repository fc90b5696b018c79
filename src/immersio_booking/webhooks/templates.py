"""``payloadTemplate``: the subscriber's own body, with ``{{variables}}`` from the event.

Variables are the payload's fields by dotted path (``{{title}}``, ``{{organizer.name}}``,
``{{attendees.0.email}}``) plus ``{{triggerEvent}}`` and ``{{createdAt}}``. Values are inserted
JSON-escaped (a quote or newline in a name cannot break the subscriber's JSON); unknown
variables become empty.
"""

from __future__ import annotations

import json
import re
from typing import Any

VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_.]+)\s*\}\}")


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return None
    return data


def render(template: str, body: dict[str, Any]) -> bytes:
    scope = {
        **body.get("payload", {}),
        "triggerEvent": body.get("triggerEvent"),
        "createdAt": body.get("createdAt"),
    }

    def value(match: re.Match[str]) -> str:
        found = _lookup(scope, match.group(1))
        if found is None:
            return ""
        text = found if isinstance(found, str) else json.dumps(found)
        return json.dumps(text)[1:-1]

    return VARIABLE.sub(value, template).encode()
