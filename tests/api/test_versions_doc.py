"""docs/api-versions.md lists every ``/v2`` route with the versions it answers.

After adding or re-versioning a route, print the table with
``.venv/bin/python -m tests.api.test_versions_doc`` and paste it into the doc.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from immersio_booking.app import create_app
from immersio_booking.config import Settings
from immersio_booking.kit import api_versions

DOC = Path(__file__).parents[2] / "docs" / "api-versions.md"
HEADER = "| method | path | handlers (versions each answers) | no header |\n|---|---|---|---|"


def table(app: FastAPI) -> list[str]:
    families = api_versions.families()
    rows = set(families)
    for path, item in app.openapi()["paths"].items():
        if path.startswith("/v2/"):
            rows.update((path, method.upper()) for method in item)
    lines = []
    for path, method in sorted(rows):
        handlers = families.get((path, method))
        if handlers:
            answered = " / ".join(", ".join(versions) for versions in handlers)
            lines.append(f"| {method} | `{path}` | {answered} | {min(min(handlers))} |")
        else:
            lines.append(f"| {method} | `{path}` | every version (header ignored) | — |")
    return lines


def test_the_doc_lists_every_route_with_its_versions(settings: Settings) -> None:
    text = DOC.read_text()
    assert HEADER in text
    missing = [line for line in table(create_app(settings)) if line not in text]
    assert not missing, "docs/api-versions.md is out of date:\n" + "\n".join(missing)


if __name__ == "__main__":
    print("\n".join([HEADER, *table(create_app(Settings()))]))  # noqa: T201
