"""Every route of the app, read from its OpenAPI document, with generated request bodies.

Tests that must cover every route (isolation, bad input) iterate this catalogue, so a new route
is covered the moment it exists.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI

from tests import dates

PATH_PARAM = re.compile(r"\{(\w+)\}")

# Routes whose uid is itself the capability (Cal.com's slot reservations are public by uid):
# anyone holding the uid may read or release the hold, whatever key they send.
PUBLIC_CAPABILITIES = frozenset({"/v2/slots/reservations/{uid}"})
# Provider webhooks whose caller is known by the request's signature, not by an API key: another
# tenant's key is irrelevant there, and an unsigned request is refused with 401.
SIGNED_BY_PROVIDER = frozenset({"/webhooks/immersio/{orgId}"})


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    params: tuple[str, ...]
    body_schema: dict[str, Any] | None
    secured: bool

    def url(self, values: dict[str, object]) -> str:
        return PATH_PARAM.sub(lambda m: str(values[m.group(1)]), self.path)

    def __str__(self) -> str:
        return f"{self.method.upper()} {self.path}"


def operations(app: FastAPI) -> list[Operation]:
    spec = app.openapi()
    found: list[Operation] = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            body = (
                op.get("requestBody", {})
                .get("content", {})
                .get("application/json", {})
                .get("schema")
            )
            found.append(
                Operation(
                    method=method,
                    path=path,
                    params=tuple(PATH_PARAM.findall(path)),
                    body_schema=resolve(spec, body) if body else None,
                    secured=True,
                )
            )
    return found


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return resolve(spec, spec["components"]["schemas"][name])
    out = dict(schema)
    if "properties" in out:
        out["properties"] = {k: resolve(spec, v) for k, v in out["properties"].items()}
    for key in ("anyOf", "oneOf", "allOf"):
        if key in out:
            out[key] = [resolve(spec, s) for s in out[key]]
    if "items" in out:
        out["items"] = resolve(spec, out["items"])
    return out


def example(schema: dict[str, Any], name: str = "") -> Any:
    """A valid value for ``schema`` (required properties only), good enough to pass validation."""
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0], name) if options else None
    if "allOf" in schema:
        return example(schema["allOf"][0], name)
    if "enum" in schema:
        return schema["enum"][0]
    if "const" in schema:
        return schema["const"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        required = schema.get("required", [])
        return {k: example(v, k) for k, v in schema.get("properties", {}).items() if k in required}
    if kind == "array":
        return [example(schema.get("items", {}), name)] * int(schema.get("minItems", 0))
    if kind == "integer":
        return max(int(schema.get("minimum", 1)), 1)
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if schema.get("format") == "email" or "email" in name.lower():
        return f"{secrets.token_hex(4)}@example.com"
    if schema.get("format") == "date-time":
        return dates.at(dates.monday(), "10:00")
    if "slug" in name.lower():
        return f"s-{secrets.token_hex(4)}"
    return "Example"


def wrong_type(schema: dict[str, Any]) -> list[Any]:
    """Bodies that can never be valid: wrong JSON types for the whole body and for each field."""
    bodies: list[Any] = [[], "text", 12]
    for prop, sub in schema.get("properties", {}).items():
        kinds = {s.get("type") for s in sub.get("anyOf", [sub])}
        if kinds <= {"string", "null"}:
            bodies.append({**example(schema), prop: {"nested": True}})
        elif kinds & {"integer", "number", "boolean"}:
            bodies.append({**example(schema), prop: "not-a-number-or-bool"})
    return bodies
