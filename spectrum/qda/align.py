"""Line up coders' selections with the engine's segments, the units that agreement is counted on.

Human coders select any stretch of text: a phrase, a sentence, half a paragraph. The engine codes
whole segments (sentences within a paragraph). To compare them, every coder's codings are moved
onto the same units, the engine's segments of each source's text, by one overlap rule:

    a selection codes a segment when it covers at least half of the segment's characters, or
    when at least half of the selection's own characters lie inside that segment.

The first half of the rule handles a selection that spans several sentences: it codes each
sentence it mostly covers, but not one it only touches. The second half handles a highlighted
phrase: it codes the sentence it sits in. A coder may give a segment two codes of a single-valued
axis (spectrum, approach, domain). Then the code that overlaps the segment most counts, and ties
go to codebook order. Challenge and context codes can all hold at once.

A source's text is split into paragraphs at line breaks, headings included, both when a project
is exported and when one is read back: a QDA tool keeps only the plain text, so segmenting by
that text alone is what lets an exported project be re-classified into exactly the same
segments.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language

from spectrum.ingest.kinds import infer_kind
from spectrum.models import Document, Segment
from spectrum.qda.codes import GROUP_BY_ID, CodeTree, guid
from spectrum.qda.records import QdaCoding, QdaSource
from spectrum.qda.turns import TURNS_VARIABLE, parse_turns
from spectrum.segment import parse_documents
from spectrum.vocab import DOCUMENT_KINDS

DEFAULT_MIN_OVERLAP = 0.5
_LINE = re.compile(r"\S(?:[^\n]*\S)?")


def overlap_rule(min_overlap: float = DEFAULT_MIN_OVERLAP) -> str:
    """The alignment rule in words, for reports."""
    share = f"{min_overlap:.0%}"
    return (f"a selection codes an engine segment when it covers at least {share} of the segment's characters, "
            f"or when at least {share} of the selection's own characters lie inside that segment; "
            "on a single-valued axis the code overlapping the segment most counts")


@dataclass(frozen=True)
class Unit:
    """One engine segment of one source: the thing two coders either agree on or not."""

    source: str
    index: int
    start: int
    end: int
    text: str


def line_paragraphs(text: str) -> list[tuple[int, int]]:
    """Every non-blank line as a paragraph, trimmed, with its offsets in ``text``."""
    return [(m.start(), m.end()) for m in _LINE.finditer(text)]


def source_document(source: QdaSource) -> Document:
    """A source's text as a Document, paragraphs at line breaks, offsets unchanged, with its turns."""
    text = source.text
    kind = source.attributes.get("kind", "")
    if kind not in DOCUMENT_KINDS:
        kind = infer_kind(Path(source.name), text, Path(source.name).suffix.lower())
    return Document(
        id=guid("document", source.name, text)[:16],
        source=source.name,
        title=source.attributes.get("title") or source.name,
        kind=kind,  # type: ignore[arg-type]
        text=text,
        format=".txt",
        paragraphs=line_paragraphs(text),
        turns=parse_turns(source.attributes.get(TURNS_VARIABLE, ""), len(text), source.name),
    )


def units_of(source: str, segments: Iterable[Segment]) -> list[Unit]:
    """Units from a source's engine segments, in text order."""
    return [Unit(source, i, s.start, s.end, s.text) for i, s in enumerate(sorted(segments, key=lambda s: s.start))]


def segment_sources(sources: Sequence[QdaSource], nlp: Language) -> dict[str, list[Unit]]:
    """Segment every source as the engine would, without classifying (for stored engine codings)."""
    documents = [source_document(s) for s in sources]
    return {s.name: units_of(s.name, [p.segment for p in parsed])
            for s, parsed in zip(sources, parse_documents(documents, nlp), strict=True)}


def coverage(codings: Iterable[QdaCoding], units: Sequence[Unit],
             min_overlap: float = DEFAULT_MIN_OVERLAP) -> list[dict[str, int]]:
    """Per unit, the codes the overlap rule gives it, each with its largest overlap in characters."""
    starts = [u.start for u in units]
    out: list[dict[str, int]] = [{} for _ in units]
    for c in codings:
        length = c.end - c.start
        if length <= 0:
            continue
        i = max(bisect.bisect_right(starts, c.start) - 1, 0)
        while i < len(units) and units[i].start < c.end:
            u = units[i]
            overlap = min(c.end, u.end) - max(c.start, u.start)
            if overlap > 0 and (overlap >= min_overlap * (u.end - u.start) or overlap >= min_overlap * length):
                out[i][c.code] = max(out[i].get(c.code, 0), overlap)
            i += 1
    return out


def resolve(covered: dict[str, int], tree: CodeTree) -> frozenset[str]:
    """The codes a unit carries: one per single-valued axis (largest overlap), all others."""
    best: dict[str, str] = {}
    keep: set[str] = set()
    for code in sorted(covered, key=lambda c: (-covered[c], tree.sort_key(c))):
        group = GROUP_BY_ID.get(code.split("/", 1)[0])
        if group is not None and group.single:
            best.setdefault(group.id, code)
        else:
            keep.add(code)
    return frozenset(keep | set(best.values()))


def unit_codes(codings: Iterable[QdaCoding], units: Sequence[Unit], tree: CodeTree,
               min_overlap: float = DEFAULT_MIN_OVERLAP) -> list[frozenset[str]]:
    """Each unit's codes from one coder's codings of one source."""
    return [resolve(cov, tree) for cov in coverage(codings, units, min_overlap)]
