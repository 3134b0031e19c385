"""HTML pages: the main text only, with headings as sections.

Trust web pages wrap a few paragraphs in navigation, cookie banners and footers; keeping those
would flood every report with "Home | About | Contact" segments, so they are dropped.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag

from spectrum.ingest.builder import DocumentBuilder

_DROP = ["script", "style", "noscript", "nav", "header", "footer", "aside", "form", "svg", "iframe", "template", "button"]
_BLOCKS = {"p", "li", "td", "th", "blockquote", "dd", "dt", "figcaption", "pre", "caption"}
_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}


def read_html(path: Path, text: str) -> tuple[DocumentBuilder, str | None]:
    """Return the page's body text and its ``<title>``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(_DROP):
        tag.decompose()
    for tag in soup.select('[role="navigation"], [aria-hidden="true"], .cookie, #cookie-banner'):
        tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    builder = DocumentBuilder(path, ".html")
    if not isinstance(root, Tag):
        return builder, title
    for el in root.find_all(list(_BLOCKS | _HEADINGS | {"div", "section"})):
        if not isinstance(el, Tag):
            continue
        if el.name in _HEADINGS:
            builder.heading(el.get_text(" ", strip=True), int(el.name[1]))
        elif el.name in _BLOCKS:
            if el.find(list(_BLOCKS)):
                continue  # nested block (e.g. <li><p>): the inner one is read
            builder.paragraph(el.get_text(" ", strip=True))
        else:
            # text sitting directly inside a div/section with no block wrapper
            loose = " ".join(s.strip() for s in el.find_all(string=True, recursive=False) if s.strip())
            if loose:
                builder.paragraph(loose)
    if builder.empty:
        builder.paragraph(root.get_text(" ", strip=True))
    return builder, title
