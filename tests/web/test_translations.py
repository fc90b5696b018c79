"""Every text of the pages has its French: a text added to a template without it fails here."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import immersio_booking.web as web

WEB = Path(web.__file__).parent


def test_every_page_text_has_a_french_translation() -> None:
    with (WEB / "babel.cfg").open() as config:
        method_map, options = parse_mapping_cfg(config)
    used = {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(WEB), method_map, options)
    }
    assert "Page not found" in used and "Your teachers" in used
    with (WEB / "locale" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalog = read_po(source, locale="fr")
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if m.pluralizable else m.string)
    }
    assert sorted(used - translated) == []
