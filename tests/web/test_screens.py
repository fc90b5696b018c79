"""The screenshots in docs/pages.md show the pages as they are: taken after their last change."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests import screens

STALE = (
    "pages changed since the screenshots in docs/pages.md were taken: run `make screenshots` "
    "and look at them"
)


def test_the_screenshots_were_taken_from_the_pages_as_they_are() -> None:
    recorded = json.loads(screens.MANIFEST.read_text())["pageSources"]
    assert recorded == screens.page_sources_hash(), STALE


def test_every_chosen_screenshot_is_in_the_docs_and_shown() -> None:
    manifest = json.loads(screens.MANIFEST.read_text())
    pages_md = (screens.ROOT / "docs" / "pages.md").read_text()
    for entry in manifest["screens"]:
        assert (screens.SCREENS / entry["file"]).is_file(), entry
        assert f"screens/{entry['file']}" in pages_md, entry
    sizes = sum((screens.SCREENS / e["file"]).stat().st_size for e in manifest["screens"])
    assert sizes < 400_000, f"docs/screens weighs {sizes} bytes: keep it to a few hundred KB"


def test_the_hash_changes_with_a_page_and_not_with_the_checkouts_place(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "elsewhere" / "web"
    for folder in ("templates", "static", "locale"):
        shutil.copytree(screens.WEB / folder, copy / folder)
    (copy / "static" / "__pycache__").mkdir()  # not page sources: ignored
    (copy / "static" / "__pycache__" / "x.pyc").write_bytes(b"cache")
    (copy / "templates" / ".x.html.swp").write_bytes(b"editor")
    (copy / "locale" / "messages.pot").write_text("# generated, not a source")
    before = screens.page_sources_hash()
    monkeypatch.setattr(screens, "WEB", copy)
    assert screens.page_sources_hash() == before
    (copy / "templates" / "base.html").write_bytes(
        (copy / "templates" / "base.html").read_bytes() + b"\n"
    )
    assert screens.page_sources_hash() != before
