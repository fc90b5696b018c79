"""Every text of the pages has its French, and every French text is still used: a text added
to a template without it, or left behind when its template changed, fails here."""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

import immersio_booking.web as web
from immersio_booking.web.booking_forms import DEFAULT_LABELS
from immersio_booking.web.workshop_facts import KINDS

WEB = Path(web.__file__).parent
# Texts the code hands to the templates' gettext (labels, kinds of place), not extracted.
GIVEN_BY_CODE = {*DEFAULT_LABELS.values(), *KINDS.values()}


def _used() -> set[str]:
    with (WEB / "babel.cfg").open() as config:
        method_map, options = parse_mapping_cfg(config)
    return {
        message[2] if isinstance(message[2], str) else message[2][0]
        for message in extract_from_dir(str(WEB), method_map, options)
    }


def _catalog() -> Catalog:
    with (WEB / "locale" / "fr" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale="fr")


def test_every_page_text_has_a_french_translation() -> None:
    used = _used()
    assert "Page not found" in used and "Your teachers" in used
    catalog = _catalog()
    translated = {
        m.id if isinstance(m.id, str) else m.id[0]
        for m in catalog
        if m.id and not m.fuzzy and (all(m.string) if m.pluralizable else m.string)
    }
    assert sorted(used - translated) == []


def test_no_french_text_is_left_behind() -> None:
    known = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog() if m.id}
    assert sorted(known - _used() - GIVEN_BY_CODE) == []
