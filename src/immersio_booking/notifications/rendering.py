"""One template per kind of email, rendered twice: once as HTML, once as plain text.

A kind's template (``templates/<kind>.j2``) says what the email says, in blocks: ``subject``,
``preheader`` (the line mail apps show after the subject) and ``content``. It extends the layout
it is given, ``layout.html`` or ``layout.txt``, and writes its content with the layout's parts
(``m.paragraph``, ``m.details``, ``m.button``, ``m.link``, ``m.code``, ``m.body``): the HTML
parts draw tables with inline styles, the text parts write the same words and every link in
full. So the two parts of an email cannot drift apart: there is one source of words.

English is the source (``{% trans %}``, ``_()``); French comes from the email catalogue
(``locale/``, see ``babel.cfg``). The HTML environment escapes every value; the text one
escapes nothing (plain text has no markup to inject)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template
from markupsafe import Markup

from immersio_booking.kit import i18n
from immersio_booking.kit.i18n import LANGUAGES
from immersio_booking.notifications.plain_text import text_of

TEMPLATES = Path(__file__).parent / "templates"
LOCALES = Path(__file__).parent / "locale"
# The accent when a school has chosen no colour (white text on it passes WCAG AA).
DEFAULT_ACCENT = "#1d4ed8"


def translations(language: str) -> NullTranslations:
    """The email catalogue for ``language`` (booking emails and the default reminder)."""
    return i18n.translations(LOCALES, language)


@lru_cache(maxsize=2 * len(LANGUAGES))
def _environment(language: str, html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        undefined=StrictUndefined,
        autoescape=html,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(  # type: ignore[attr-defined]
        translations(language), newstyle=True
    )
    # A school's own HTML (a reminder's body, its values already escaped): as it is in the
    # HTML part, as readable text (links written out) in the text part.
    env.filters["school_html"] = Markup if html else text_of
    return env


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


def _block(template: Template, name: str, values: dict[str, object]) -> str:
    return " ".join("".join(template.blocks[name](template.new_context(values))).split())


def render(
    kind: str, language: str, *, school: str, accent: str | None, **values: object
) -> Rendered:
    """Email ``kind`` in ``language`` (``en`` or ``fr``) for ``school``: subject, text, HTML."""
    language = i18n.supported_language(language)
    common = {"language": language, "school": school, **values}
    text_template = _environment(language, False).get_template(f"{kind}.j2")
    subject = _block(text_template, "subject", common)
    preheader = _block(text_template, "preheader", common)
    text = text_template.render(layout="layout.txt", subject=subject, **common)
    html = (
        _environment(language, True)
        .get_template(f"{kind}.j2")
        .render(
            layout="layout.html",
            subject=subject,
            preheader=preheader,
            accent=accent or DEFAULT_ACCENT,
            **common,
        )
    )
    return Rendered(subject, re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", html)


def as_message(
    rendered: Rendered,
    *,
    sender: Address,
    to: Address,
    reply_to: Address | None,
    language: str,
    invites: Sequence[tuple[str, bytes]] = (),
) -> EmailMessage:
    """The email of ``rendered``: its text part, then its HTML part (mail apps show the last
    alternative they can), from ``sender``, answered to ``reply_to``; ``invites``: (METHOD,
    .ics) to attach."""
    message = EmailMessage()
    message["From"] = sender
    if reply_to is not None:
        message["Reply-To"] = reply_to
    message["To"] = to
    message["Subject"] = rendered.subject
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    for method, ics in invites:
        # The charset is declared: a calendar reads "Zoé" as Zoé, not as Latin-1 "ZoÃ©".
        message.add_attachment(
            ics,
            maintype="text",
            subtype="calendar",
            filename="invite.ics",
            params={"charset": "utf-8", "method": method},
        )
    # Last: turning the message multipart moves every Content-* header into its first part.
    message["Content-Language"] = i18n.supported_language(language)
    return message
