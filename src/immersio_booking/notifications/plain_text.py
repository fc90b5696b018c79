"""The plain-text reading of an email's HTML: blocks become lines, and every link keeps its
address ("Manage your booking <https://…>"), so the text part loses nothing a reader needs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

__all__ = ["text_of"]


class _TextOfHtml(HTMLParser):
    BREAKS = frozenset({"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4"})
    BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "ul", "ol", "table"})
    HIDDEN = frozenset({"style", "script", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[tuple[str | None, int]] = []  # (href, where its label starts)
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.HIDDEN:
            self.hidden += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")
        elif tag == "a":
            self.links.append((dict(attrs).get("href"), len(self.parts)))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        elif tag in self.BLOCKS:
            self.parts.append("\n")
        elif tag == "a" and self.links:
            href, start = self.links.pop()
            label = " ".join("".join(self.parts[start:]).split())
            if href and href.startswith(("https://", "http://", "mailto:")) and href != label:
                self.parts.append(f" <{href}>" if label else href)

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def text_of(html: str) -> str:
    """The readable text of an HTML body (the plain-text part of an email, a text message)."""
    parser = _TextOfHtml()
    parser.feed(str(html))
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
