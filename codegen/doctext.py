"""botocore's HTML documentation → clean plain text (Markdown-ish) for docstrings."""

from __future__ import annotations

import html
import re
import textwrap
from html.parser import HTMLParser

_BLOCK = {
    "p",
    "div",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "li",
    "note",
    "important",
    "br",
    "h1",
    "h2",
    "h3",
}


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.list_depth = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self.current)).strip()
        if text:
            self.blocks.append(text)
        self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK:
            self._flush()
            if tag == "li":
                self.current.append("- ")
            elif tag == "dd":
                self.current.append("  ")
        elif tag == "code":
            self.current.append("`")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK:
            self._flush()
        elif tag == "code":
            self.current.append("`")
        elif tag == "a":
            if self.href and self.href.startswith(("https://", "http://")):
                self.current.append(f" ({self.href})")
            self.href = None

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def text(self) -> str:
        self._flush()
        return "\n\n".join(self.blocks)


def html_to_text(doc: str | None) -> str:
    """Convert one botocore documentation string to plain paragraphs."""
    if not doc:
        return ""
    builder = _TextBuilder()
    builder.feed(doc)
    builder.close()
    text = builder.text()
    text = html.unescape(text)
    text = text.replace("``", "")
    text = re.sub(r"` +", "` ", text)
    return text.strip()


def docstring(text: str, width: int = 88, indent: str = "") -> str:
    """Wrap ``text`` into docstring-safe lines (no closing quotes, no backslashes)."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"')
    paragraphs = []
    for para in text.split("\n\n"):
        bullet = para.startswith("- ")
        wrapped = textwrap.fill(
            para,
            width=max(20, width - len(indent)),
            subsequent_indent="  " if bullet else "",
            break_long_words=False,
            break_on_hyphens=False,
        )
        paragraphs.append(wrapped)
    body = "\n\n".join(paragraphs)
    if indent:
        body = "\n".join(
            (indent + line) if line and n else line for n, line in enumerate(body.split("\n"))
        )
    if body.endswith('"'):
        body += " "
    return body
