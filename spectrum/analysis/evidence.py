"""Which classified segments count as evidence, and whether as intent or practice.

Documents a trust writes about itself are intent; interviews, minutes and inspections are
practice; explicit "in practice" / "on paper" cues override the document kind. Interviewer turns
never count as evidence of anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spectrum.models import Classification, Document, Quote

INTENT_KINDS = {"policy", "strategy", "annual_report", "web_page"}
PRACTICE_KINDS = {"interview", "minutes", "inspection"}


@dataclass(frozen=True, eq=False)
class Item:
    """A classification with its document, ready to aggregate.

    Items compare by identity: each is one passage, and comparing by value compared whole
    documents, which made aggregation quadratic in a trust's size (membership tests in
    ``profiles`` and ``challenges`` took most of a large trust's aggregation time).
    """

    c: Classification
    doc: Document

    @property
    def source(self) -> str:
        """Who said it: a speaker in a document, or the document itself."""
        return f"{self.doc.id}/{self.c.segment.speaker or '-'}"


def usable(item: Item) -> bool:
    """Interviewer turns and empty segments never count."""
    return not item.c.segment.is_interviewer


def lens(item: Item) -> str:
    """``intent``, ``practice`` or ``history`` for one item."""
    ctx = set(item.c.context)
    if "past" in ctx:
        return "history"
    if "practice" in ctx:
        return "practice"
    if "intent" in ctx or "planned" in ctx:
        return "intent"
    return "practice" if item.doc.kind in PRACTICE_KINDS else "intent"


def quote(item: Item, names: Mapping[str, str], label: str | None = None, confidence: float | None = None) -> Quote:
    """A checkable quote, with the speaker shown as a pseudonym unless names are kept."""
    seg = item.c.segment
    return Quote(
        text=seg.text,
        document=item.doc.title,
        source=item.doc.source,
        kind=item.doc.kind,
        page=seg.page,
        timestamp=seg.timestamp,
        section=seg.section,
        speaker=names.get(seg.speaker, seg.speaker) if seg.speaker else None,
        role=seg.role,
        label=label,
        confidence=round(confidence, 3) if confidence is not None else None,
        rules=sorted({h.rule_id for h in item.c.evidence if h.axis != "context"}),
    )


ROLE_TITLES = {
    "ceo": "CEO", "executive": "Executive", "headteacher": "Headteacher", "teacher": "Teacher",
    "trustee": "Trustee", "central_staff": "Central staff", "interviewer": "Interviewer", "unknown": "Speaker",
}


def pseudonyms(items: list[Item]) -> dict[str, str]:
    """Speaker name → "Headteacher B" style label, letters in order of first appearance per role."""
    out: dict[str, str] = {}
    counts: dict[str, int] = {}
    for item in items:
        seg = item.c.segment
        if not seg.speaker or seg.speaker in out:
            continue
        role = seg.role or "unknown"
        n = counts.get(role, 0)
        counts[role] = n + 1
        out[seg.speaker] = f"{ROLE_TITLES[role]} {chr(ord('A') + n % 26)}{'' if n < 26 else n // 26}"
    return out
