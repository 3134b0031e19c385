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
#: Page furniture that school and trust sites built on common CMS themes mark by role, id or
#: class rather than by element: cookie and consent banners, breadcrumbs, skip links (words
#: anywhere in an id or class), sidebars, widgets and share buttons (whole class names only: page
#: builders put "widget" and "sidebar" inside the class names of content and layout wrappers).
_FURNITURE = ", ".join(
    ['[role="navigation"]', '[role="banner"]', '[role="contentinfo"]', '[role="complementary"]', '[aria-hidden="true"]']
    + [f'[{attr}*="{word}" i]' for attr in ("id", "class")
       for word in ("cookie", "consent", "gdpr", "breadcrumb", "skip-link", "skip-to")]
    + [".sidebar", "#sidebar", ".widget-area", ".widget", ".share-buttons", ".social-share"]
)
_KEEP = {"html", "body", "main", "article"}


def read_html(path: Path, text: str) -> tuple[DocumentBuilder, str | None]:
    """Return the page's body text and its ``<title>``."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        soup = BeautifulSoup(text, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(_DROP):
        tag.decompose()
    page_chars = len(soup.get_text(" ", strip=True))
    for tag in soup.select(_FURNITURE):
        # never a wrapper of the page's content, whatever its class says: furniture is a small part of a page
        if tag.decomposed or tag.name in _KEEP or tag.find(["main", "article"]) is not None:
            continue
        if len(tag.get_text(" ", strip=True)) <= 0.5 * page_chars:
            tag.decompose()
    root = soup.find("main") or soup.find("article") or soup.body or soup
    builder = DocumentBuilder(path, ".html")
    if not isinstance(root, Tag):
        return builder, title
    layout: list[str] = []  # blocks in order, for a page that holds an interview (see ``ingest.read``)
    for el in root.find_all(list(_BLOCKS | _HEADINGS | {"div", "section"})):
        if not isinstance(el, Tag):
            continue
        if el.name in _HEADINGS:
            heading = el.get_text(" ", strip=True)
            builder.heading(heading, int(el.name[1]))
            layout.append(heading)
        elif el.name in _BLOCKS:
            if el.find(list(_BLOCKS)):
                continue  # nested block (e.g. <li><p>): the inner one is read
            block = el.get_text(" ", strip=True)
            builder.paragraph(block)
            layout.append(block)
        else:
            # text sitting directly inside a div/section with no block wrapper
            loose = " ".join(s.strip() for s in el.find_all(string=True, recursive=False) if s.strip())
            if loose:
                builder.paragraph(loose)
                layout.append(loose)
    if builder.empty:
        builder.paragraph(root.get_text(" ", strip=True))
    builder.layout = "\n\n".join(layout)
    return builder, title
