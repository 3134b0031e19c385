"""Compile a RuleBook onto spaCy matchers and apply it, with ConText-style modifiers.

All rules are compiled once into one token ``Matcher`` and two ``PhraseMatcher``s (lower-case
text and lemmas). Matching runs once per spaCy Doc, and hits are then assigned to the segments
(sentences) they fall in, so a document is never matched sentence by sentence.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from spectrum.errors import RuleError
from spectrum.models import RuleHit
from spectrum.rules.loader import RuleBook
from spectrum.rules.regexsafe import check_regex
from spectrum.rules.schema import Matchable, Modifier, Rule

MAX_REGEX_TEXT = 5000


@dataclass(frozen=True)
class _Raw:
    key: str
    start: int  # token index in doc
    end: int


@dataclass
class SegmentRules:
    """What the rules found in one segment: hits with modifiers, and context effects that fired."""

    hits: list[RuleHit] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    triggers: list[RuleHit] = field(default_factory=list)
    cues: set[str] = field(default_factory=set)


class CompiledRules:
    """A RuleBook compiled onto one vocabulary."""

    def __init__(self, book: RuleBook, nlp: Language) -> None:
        self.book = book
        self.nlp = nlp
        self.matcher = Matcher(nlp.vocab, validate=True)
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.regexes: list[tuple[str, re.Pattern[str]]] = []
        self.kind: dict[str, str] = {}
        for rid, loaded in book.rules.items():
            self._add(rid, loaded.rule, loaded.source)
            self.kind[rid] = "rule"
        for cid, (cue, source) in book.cues.items():
            self._add(cid, cue, source)
            self.kind[cid] = "cue"
        for mid, (mod, source) in book.modifiers.items():
            self._add(mid, mod, source)
            self.kind[mid] = "modifier"
        self.terminators = {t.lower() for t in book.terminators}

    def _add(self, key: str, item: Matchable, source: str) -> None:
        where = f"{source} › {key}"
        if item.patterns:
            try:
                self.matcher.add(key, item.patterns)
            except (MatchPatternError, ValueError, KeyError, TypeError) as exc:
                detail = " ".join(str(exc).split())
                raise RuleError(f"invalid token pattern: {detail[:200]}", where) from exc
        if item.phrases:
            self.lower.add(key, [self.nlp.make_doc(p) for p in item.phrases])
        if item.lemmas:
            docs = list(self.nlp.pipe(item.lemmas))
            if any(len(d) == 0 for d in docs):
                raise RuleError("empty pattern in lemmas", where)
            self.lemma.add(key, docs)
        for expr in item.regex:
            try:
                self.regexes.append((key, check_regex(expr)))
            except ValueError as exc:
                raise RuleError(str(exc), where) from exc

    # ---- matching ----

    def _raw(self, doc: Doc) -> list[_Raw]:
        strings = self.nlp.vocab.strings
        out = [
            _Raw(strings[m_id], s, e)
            for matcher in (self.matcher, self.lower, self.lemma)
            for m_id, s, e in matcher(doc)
        ]
        if self.regexes:
            text = doc.text[:MAX_REGEX_TEXT]
            for key, rx in self.regexes:
                for m in rx.finditer(text):
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        out.append(_Raw(key, span.start, span.end))
        return out

    def apply(self, spans: Sequence[Span]) -> list[SegmentRules]:
        """Rules for each span; matchers run once per distinct Doc."""
        by_doc: dict[int, list[_Raw]] = {}
        results: list[SegmentRules] = []
        for span in spans:
            key = id(span.doc)
            if key not in by_doc:
                by_doc = {key: self._raw(span.doc)}  # spans arrive grouped by doc
            inside = [r for r in by_doc[key] if r.start >= span.start and r.end <= span.end]
            results.append(self._segment(span, inside))
        return results

    def apply_one(self, span: Span) -> SegmentRules:
        """Rules for a single span."""
        return self.apply([span])[0]

    def _hit(self, span: Span, raw: _Raw, rule: Rule | None, axis: str, modifiers: list[str]) -> RuleHit:
        doc = span.doc
        base = span.start_char
        return RuleHit(
            rule_id=raw.key,
            family=rule.family if rule else "context",
            axis=axis,
            label=rule.label if rule else self.book.modifiers[raw.key][0].effect,
            weight=rule.weight if rule else 0.0,
            text=doc[raw.start : raw.end].text,
            start=doc[raw.start].idx - base,
            end=doc[raw.end - 1].idx + len(doc[raw.end - 1]) - base,
            modifiers=sorted(set(modifiers)),  # type: ignore[arg-type]
        )

    def _segment(self, span: Span, raws: list[_Raw]) -> SegmentRules:
        cues = {r.key for r in raws if self.kind.get(r.key) == "cue"}
        triggers = [r for r in raws if self.kind.get(r.key) == "modifier"]
        best: dict[str, _Raw] = {}
        for r in raws:
            if self.kind.get(r.key) != "rule":
                continue
            loaded = self.book.rules[r.key]
            if loaded.rule.requires and not all(c in cues for c in loaded.rule.requires):
                continue
            # one hit per rule and segment: the earliest, longest span
            cur = best.get(r.key)
            if cur is None or (r.start, -(r.end - r.start)) < (cur.start, -(cur.end - cur.start)):
                best[r.key] = r
        out = SegmentRules(cues=cues)
        doc = span.doc
        term_positions = [i for i in range(span.start, span.end) if doc[i].lower_ in self.terminators]
        fired: set[str] = set()
        for t in triggers:
            mod = self.book.modifiers[t.key][0]
            fired.add(mod.effect)
            out.triggers.append(self._hit(span, t, None, "context", []))
        domain_labels = {
            self.book.rules[k].rule.label for k in best if self.book.rules[k].axis == "domain"
        }
        for key, r in sorted(best.items(), key=lambda kv: (kv[1].start, kv[0])):
            loaded = self.book.rules[key]
            if loaded.rule.domains and not domain_labels.intersection(loaded.rule.domains):
                continue
            effects = [
                self.book.modifiers[t.key][0].effect
                for t in triggers
                if self._in_scope(self.book.modifiers[t.key][0], t, r, term_positions)
            ]
            out.hits.append(self._hit(span, r, loaded.rule, loaded.axis, effects))
        out.context = sorted(fired)
        return out

    @staticmethod
    def _in_scope(mod: Modifier, trig: _Raw, hit: _Raw, terms: list[int]) -> bool:
        if trig.start < hit.end and hit.start < trig.end:
            return False  # a trigger inside the cue ("no exceptions") is part of the cue
        if mod.direction in ("forward", "both") and trig.end <= hit.start:
            if hit.start - trig.end <= mod.max_tokens and not any(trig.end <= t < hit.start for t in terms):
                return True
        if mod.direction in ("backward", "both") and hit.end <= trig.start:
            if trig.start - hit.end <= mod.max_tokens and not any(hit.end <= t < trig.start for t in terms):
                return True
        return False


def group_by_axis(hits: Sequence[RuleHit]) -> dict[str, list[RuleHit]]:
    """Hits keyed by axis."""
    out: dict[str, list[RuleHit]] = defaultdict(list)
    for h in hits:
        out[h.axis].append(h)
    return out
