"""The French catalogues stay well formed: every text translated once (a text defined twice is
a merge accident that gettext tools refuse, and Babel would silently keep only one)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2] / "src" / "immersio_booking"
CATALOGUES = sorted(SOURCE.glob("*/locale/fr/LC_MESSAGES/messages.po"))
STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def entries(text: str) -> list[tuple[str, str, str]]:
    """(context, msgid, msgstr) of every entry, multi-line strings joined."""
    found: list[tuple[str, str, str]] = []
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        current = None
        for line in block.splitlines():
            keyword = line.split(" ", 1)[0]
            if keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr", "msgstr[0]"):
                current = keyword
                fields[current] = ""
            if current and not line.startswith("#"):
                fields[current] += "".join(STRING.findall(line))
        if "msgid" in fields:
            found.append(
                (
                    fields.get("msgctxt", ""),
                    fields["msgid"],
                    fields.get("msgstr", fields.get("msgstr[0]", "")),
                )
            )
    return found


@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda p: p.parts[-5])
def test_every_text_is_translated_exactly_once(catalogue: Path) -> None:
    seen: set[tuple[str, str]] = set()
    twice, untranslated = [], []
    for context, msgid, msgstr in entries(catalogue.read_text(encoding="utf-8")):
        if not msgid:
            continue  # the header
        if (context, msgid) in seen:
            twice.append(msgid)
        seen.add((context, msgid))
        if not msgstr:
            untranslated.append(msgid)
    assert not twice, f"defined twice in {catalogue}: {twice}"
    assert not untranslated, f"no French in {catalogue}: {untranslated}"


def test_both_catalogues_are_checked() -> None:
    assert {p.parts[-5] for p in CATALOGUES} >= {"web", "notifications"}
