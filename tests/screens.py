"""The screenshots shown in docs/pages.md and the page sources they were taken from.

``make screenshots`` (``dev/screenshots.py``) runs the journey tests, copies the screens listed
in ``CHOSEN`` into ``docs/screens/`` and records in ``docs/screens/manifest.json`` the hash of
the page sources; ``tests/web/test_screens.py`` fails when the sources have changed since, so
no change to the pages reaches a release without someone looking at them again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WEB = ROOT / "src" / "immersio_booking" / "web"
SCREENS = ROOT / "docs" / "screens"
MANIFEST = SCREENS / "manifest.json"
ARTIFACTS = ROOT / "test-artifacts" / "journeys"

# What students see, in the order docs/pages.md shows it: (journey, step) of
# test-artifacts/journeys/<journey>/<step>.png, copied as docs/screens/<journey>-<step>.png.
CHOSEN = (
    ("book-phone", "booking-form-390"),
    ("book-free", "confirmation"),
    ("book-paid", "payment"),
    ("reschedule", "choose-new-time-390"),
    ("cancel", "confirm-step"),
    ("whitelist-refusal-fr", "refused-390"),
    ("french", "booking-form"),
    ("embed-inline", "booked"),
)


def page_sources() -> list[Path]:
    """The files a page is made of: templates, static files and the pages' catalogues (.po;
    not the generated .pot, nor hidden files or caches), sorted by their path from the web
    package, so every machine lists them alike."""
    found = [
        path
        for folder in ("templates", "static", "locale")
        for path in (WEB / folder).rglob("*")
        if path.is_file()
        and (folder != "locale" or path.suffix == ".po")
        and not any(part.startswith((".", "__pycache__")) for part in path.relative_to(WEB).parts)
    ]
    return sorted(found, key=lambda path: path.relative_to(WEB).as_posix())


def page_sources_hash() -> str:
    """SHA-256 over each source's path (from the web package, with /) and bytes: neither the
    checkout's place, nor dates, nor the file system's order changes it."""
    digest = hashlib.sha256()
    for path in page_sources():
        name = path.relative_to(WEB).as_posix().encode()
        content = path.read_bytes()
        digest.update(len(name).to_bytes(4, "big") + name)
        digest.update(len(content).to_bytes(8, "big") + content)
    return digest.hexdigest()
