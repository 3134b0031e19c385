"""Documents to Segments: sentences within paragraphs, with page, section and speaker attached.

A segment never crosses a paragraph or a speaker turn, so every quote has one speaker and one
place. Very short sentences ("Yes." "Absolutely.") are joined to the next one in the same
paragraph because on their own they carry no position.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from spacy.attrs import IS_ALPHA, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc, Span

from spectrum.models import Document, Segment
from spectrum.nlp import MAX_CHARS, TEXT_KEY

MIN_WORDS = 3
MAX_TOKENS = 120


@dataclass(frozen=True)
class Parsed:
    """A segment together with its spaCy span, so later stages need not tokenise again."""

    segment: Segment
    span: Span


def _chunks(text: str, start: int, limit: int = MAX_CHARS) -> Iterator[tuple[str, int]]:
    """Cut over-long paragraphs at whitespace so spaCy never sees more than ``limit`` characters."""
    while len(text) > limit:
        cut = text.rfind(" ", limit // 2, limit)
        cut = cut if cut > 0 else limit
        yield text[:cut], start
        text, start = text[cut:], start + cut
    yield text, start


def _sentences(doc: Doc) -> Iterator[Span]:
    """Sentences of a paragraph, short ones joined to the next, long ones cut at ``MAX_TOKENS``.

    Word and blank counts come from one attribute array per Doc (running sums), not from a
    Python Token per word.
    """
    if not len(doc):
        return
    alpha, blank = [0], [0]  # alpha[i]: alphabetic tokens before i; blank[i]: whitespace tokens before i
    for is_alpha, is_space in doc.to_array([IS_ALPHA, IS_SPACE]).tolist():
        alpha.append(alpha[-1] + is_alpha)
        blank.append(blank[-1] + is_space)

    def has_text(start: int, end: int) -> bool:
        return blank[end] - blank[start] < end - start

    pending: int | None = None
    for sent in doc.sents:
        start, end = (pending, sent.end) if pending is not None else (sent.start, sent.end)
        pending = None
        if alpha[end] - alpha[start] < MIN_WORDS and end < len(doc):
            pending = start
            continue
        for i in range(start, end, MAX_TOKENS):
            stop = min(i + MAX_TOKENS, end)
            if has_text(i, stop):
                yield doc[i:stop]
    if pending is not None and has_text(pending, len(doc)):
        yield doc[pending:]


class _Locator:
    """Finds the page, section and turn of an offset by bisection."""

    def __init__(self, document: Document) -> None:
        self.page_starts = [p.start for p in document.pages]
        self.section_starts = [s.start for s in document.sections]
        self.turn_starts = [t.start for t in document.turns]
        self.document = document

    def describe(self, offset: int) -> dict[str, object]:
        d = self.document
        info: dict[str, object] = {}
        i = bisect.bisect_right(self.page_starts, offset) - 1
        if i >= 0:
            info["page"] = d.pages[i].number
        i = bisect.bisect_right(self.section_starts, offset) - 1
        if i >= 0:
            info["section"] = d.sections[i].title
        i = bisect.bisect_right(self.turn_starts, offset) - 1
        if i >= 0 and d.turns[i].start <= offset < d.turns[i].end:
            turn = d.turns[i]
            info.update(speaker=turn.speaker, role=turn.role, timestamp=turn.timestamp)
        return info


def parse_documents(documents: Iterable[Document], nlp: Language, batch_size: int = 256) -> Iterator[list[Parsed]]:
    """Yield, per document, its segments with spans; one ``nlp.pipe`` stream over all paragraphs."""

    def paragraphs() -> Iterator[tuple[str, tuple[int, int, Document, str]]]:
        for n, document in enumerate(documents):
            paras = document.paragraphs or [(0, len(document.text))]
            for start, end in paras:
                for text, offset in _chunks(document.text[start:end], start):
                    yield text, (n, offset, document, text)
            yield "", (n, -1, document, "")  # end-of-document marker

    current: list[Parsed] = []
    locator: _Locator | None = None
    for doc, (_, offset, document, text) in nlp.pipe(paragraphs(), as_tuples=True, batch_size=batch_size):
        doc.user_data[TEXT_KEY] = text
        if offset < 0:
            yield current
            current, locator = [], None
            continue
        if locator is None or locator.document is not document:
            locator = _Locator(document)
        for span in _sentences(doc):
            start = offset + span.start_char
            end = offset + span.end_char
            info = locator.describe(start)
            segment = Segment(
                id=f"{document.id}:{len(current):04d}",
                document_id=document.id,
                index=len(current),
                text=document.text[start:end],
                start=start,
                end=end,
                kind=document.kind,
                **info,  # type: ignore[arg-type]
            )
            current.append(Parsed(segment, span))


def segment_documents(documents: Iterable[Document], nlp: Language) -> Iterator[Segment]:
    """Segments only, for inspection and export."""
    for parsed in parse_documents(documents, nlp):
        for item in parsed:
            yield item.segment


def parse_texts(texts: Iterable[str], nlp: Language, batch_size: int = 512) -> Iterator[Span]:
    """Whole texts as single spans, for classifying pre-segmented input.

    The text is already a segment, so the sentencizer (a fifth of the pipeline's time) is left
    out; the rules split a Doc into sentences themselves in the rare case a scope needs it.
    """
    skip = [name for name in nlp.pipe_names if name == "sentencizer"]
    for doc, text in nlp.pipe(((t[:MAX_CHARS], t[:MAX_CHARS]) for t in texts), as_tuples=True,
                              batch_size=batch_size, disable=skip):
        doc.user_data[TEXT_KEY] = text
        yield doc[:]
