"""Compile a RuleBook onto spaCy matchers and apply it, with ConText-style modifiers.

All rules are compiled once into a lower-case ``PhraseMatcher`` (plus a lemma one when lemma forms
cannot be listed); token patterns that can be enumerated become phrases (see ``expand``), and each
remaining one gets a small token ``Matcher`` that runs only on a Doc holding every literal word the
pattern requires, which keeps matching cheaper than tokenising. Matching runs once per spaCy Doc,
and hits are then assigned to the segments (sentences) they fall in, so a document is never
matched sentence by sentence.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, NamedTuple

import numpy as np
from spacy.attrs import IDX, IS_PUNCT, LENGTH, LOWER, SENT_START
from spacy.errors import MatchPatternError
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.pipeline import Sentencizer
from spacy.strings import get_string_id
from spacy.tokens import Doc, Span

from spectrum.errors import RuleError
from spectrum.models import RuleHit
from spectrum.nlp import source_text
from spectrum.rules.expand import anchor_first, lemma_forms, lemma_phrases, max_tokens, required_words, to_phrases
from spectrum.rules.loader import RuleBook
from spectrum.rules.regexsafe import check_regex
from spectrum.rules.schema import Matchable, Modifier, Rule

MAX_REGEX_TEXT = 5000
#: Phrase-matcher key prefix for words token patterns require; never a rule id (ids are lower-case).
REQUIRED = "__REQUIRED__"


class _Raw(NamedTuple):
    """One match of a rule, cue or trigger, in Doc token positions (a tuple: cheap to make and sort)."""

    start: int
    end: int
    key: str


@dataclass(slots=True)
class SegmentRules:
    """What the rules found in one segment: hits with modifiers, and context effects that fired."""

    hits: list[RuleHit] = field(default_factory=list)
    context: list[str] = field(default_factory=list)
    triggers: list[RuleHit] = field(default_factory=list)
    cues: set[str] = field(default_factory=set)
    pseudo: list[str] = field(default_factory=list)


class CompiledRules:
    """A RuleBook compiled onto one vocabulary."""

    def __init__(self, book: RuleBook, nlp: Language) -> None:
        self.book = book
        self.nlp = nlp
        self._validator = Matcher(nlp.vocab, validate=True)
        self._forms = lemma_forms(nlp)
        #: one small ``Matcher`` per token pattern, with the words it requires (see ``_gated``)
        self.token_patterns: list[tuple[list[frozenset[str]], Matcher]] = []
        #: the most tokens each token pattern can match, None when unbounded (``*``, ``+``)
        self._reach: list[int | None] = []
        #: indexes into ``token_patterns``, by each alternative of a pattern's first required word
        self._by_first: dict[str, list[int]] = defaultdict(list)
        self._unanchored: list[int] = []
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.lemma = PhraseMatcher(nlp.vocab, attr="LEMMA")
        self.regexes: list[tuple[str, re.Pattern[str]]] = []
        self.kind: dict[str, str] = {}
        self._rules = {rid: loaded.rule for rid, loaded in book.rules.items()}
        self._mods = {mid: mod for mid, (mod, _) in book.modifiers.items()}
        self._cue_unless = {cid: cue.unless for cid, (cue, _) in book.cues.items() if cue.unless}
        for rid, loaded in book.rules.items():
            self._add(rid, loaded.rule, loaded.source)
            self.kind[rid] = "rule"
        for cid, (cue, source) in book.cues.items():
            self._add(cid, cue, source)
            self.kind[cid] = "cue"
        for mid, (mod, source) in book.modifiers.items():
            self._add(mid, mod, source)
            self.kind[mid] = "modifier"
        # boundaries as hashes of lower-case words, compared with Doc.to_array rows, not Token objects
        self.terminators = {t.lower_ for phrase in book.terminators for t in nlp.make_doc(phrase.lower())}
        self._terms = {nlp.vocab.strings.add(t) for t in self.terminators}
        #: splits a Doc parsed without sentence boundaries when a scope needs them
        split = nlp.get_pipe("sentencizer") if "sentencizer" in nlp.pipe_names else None
        self._sentencize = split if isinstance(split, Sentencizer) else None
        self._stops = frozenset(get_string_id(c) for c in self._sentencize.punct_chars) if self._sentencize else frozenset()
        self._breaks: dict[int, list[tuple[int, ...]]] = defaultdict(list)
        for phrase in book.clause_breaks:
            ids = tuple(nlp.vocab.strings.add(t.lower_) for t in nlp.make_doc(phrase))
            if ids:
                self._breaks[ids[0]].append(ids[1:])

    def _add(self, key: str, item: Matchable, source: str) -> None:
        where = f"{source} › {key}"
        if item.patterns:
            try:
                self._validator.add(key, item.patterns)
                self._validator.remove(key)
            except (MatchPatternError, ValueError, KeyError, TypeError) as exc:
                detail = " ".join(str(exc).split())
                raise RuleError(f"invalid token pattern: {detail[:200]}", where) from exc
            for pattern in item.patterns:
                phrases = to_phrases(pattern, self._forms)
                if phrases is not None and phrases[0] == "LOWER":
                    self.lower.add(key, [self._keys(words) for words in phrases[1]])
                else:  # case-sensitive words are few: a gated token pattern costs less than a third matcher
                    for part in anchor_first(pattern):
                        matcher = Matcher(self.nlp.vocab)
                        matcher.add(key, [part])
                        self._index(self._required(part), matcher, max_tokens(part))
        if item.phrases:
            self.lower.add(key, [self.nlp.make_doc(p) for p in item.phrases])
        if item.lemmas:
            docs = list(self.nlp.pipe(item.lemmas))
            if any(len(d) == 0 for d in docs):
                raise RuleError("empty pattern in lemmas", where)
            for doc in docs:
                seqs = lemma_phrases([t.lemma_ for t in doc], self._forms)
                if seqs is None:
                    self.lemma.add(key, [doc])
                else:
                    self.lower.add(key, [self._keys(words) for words in seqs])
        for expr in item.regex:
            try:
                self.regexes.append((key, check_regex(expr)))
            except ValueError as exc:
                raise RuleError(str(exc), where) from exc

    def _keys(self, words: Sequence[str]) -> Any:  # spaCy's stubs admit only Docs
        """A phrase as the lower-case word hashes the ``PhraseMatcher`` stores.

        ``PhraseMatcher.add`` takes these in place of Docs (it stores and unpickles patterns this
        way); enumerated patterns make tens of thousands of phrases, and building a Doc for each
        took most of the time to compile the rules.
        """
        add = self.nlp.vocab.strings.add
        return [add(w.lower()) for w in words]

    def _required(self, pattern: list[dict[str, object]]) -> list[frozenset[str]]:
        """The pattern's required words, each alternative a ``REQUIRED`` key in the phrase matcher.

        The phrase matcher runs on every Doc anyway, so finding which required words a Doc holds
        costs nothing more; a ``LEMMA`` word is found through its listed forms where they are known.
        """
        out = []
        for attr, words in required_words(pattern):
            keys: set[str] = set()
            for w in words:
                forms = {w} if attr == "LOWER" else (self._forms(w) if self._forms is not None else None)
                if not forms:
                    keys = set()  # a lemma whose forms cannot be listed: no test on this token
                    break
                key = f"{REQUIRED}{attr}:{w}"
                self.lower.add(key, [self._keys([f]) for f in sorted(forms)])
                keys.add(key)
            if keys:
                out.append(frozenset(keys))
        return out

    def _index(self, required: list[frozenset[str]], matcher: Matcher, reach: int | None = None) -> None:
        n = len(self.token_patterns)
        self.token_patterns.append((required, matcher))
        self._reach.append(reach)
        if not required:
            self._unanchored.append(n)
            return
        for key in required[0]:
            self._by_first[key].append(n)

    def _gated(self, found: dict[str, list[int]]) -> list[Matcher]:
        """The token patterns whose required words are all among those ``found`` in a Doc, near enough.

        Calling a ``Matcher`` costs a Python Token object per word and a test of every pattern it
        holds at every word, and patterns anchored on common words ("in", "it", "all") would find
        their first word in most Docs. So each pattern has its own ``Matcher``, run only when the
        Doc holds every word the pattern requires; requirements are indexed by their first
        required word, so only patterns that could match are checked. A pattern with no required
        word (only wildcards or tests such as ``IS_TITLE``) always runs.

        A match covers at most its pattern's reach in tokens, so every required word lies within
        that distance of the first one. ``found`` gives the positions of each required word, and a
        pattern runs only when some occurrence of its first word has each other word that close: in
        a paragraph-long Doc, common words ("it", "to", "all", "'s") are nearly always somewhere,
        and the Doc-wide test alone let most patterns run on most paragraphs of a batch run.
        """
        run = list(self._unanchored)
        patterns = self.token_patterns
        for key, where in found.items():
            for n in self._by_first.get(key, ()):
                rest = patterns[n][0][1:]
                if any(alts.isdisjoint(found) for alts in rest):
                    continue
                reach = self._reach[n]
                if reach is None or any(_near(p, rest, found, reach) for p in where):
                    run.append(n)
        return [patterns[n][1] for n in sorted(set(run))]

    # ---- matching ----

    def _raw(self, doc: Doc) -> list[_Raw]:
        strings = self.nlp.vocab.strings
        out: list[_Raw] = []
        found: dict[str, list[int]] = {}
        for matcher in (self.lower, self.lemma):
            if len(matcher):
                for m_id, s, e in matcher(doc):
                    key = strings[m_id]
                    if key.startswith(REQUIRED):
                        found.setdefault(key, []).append(s)
                    else:
                        out.append(_Raw(s, e, key))
        for gated in self._gated(found):
            out.extend(_Raw(s, e, strings[m_id]) for m_id, s, e in gated(doc))
        if self.regexes:
            text = doc.text[:MAX_REGEX_TEXT]
            for key, rx in self.regexes:
                for m in rx.finditer(text):
                    span = doc.char_span(m.start(), m.end(), alignment_mode="expand")
                    if span is not None and len(span):
                        out.append(_Raw(span.start, span.end, key))
        return out

    def apply(self, spans: Sequence[Span]) -> list[SegmentRules]:
        """Rules for each span; matchers run once per distinct Doc."""
        by_doc: dict[int, tuple[list[_Raw], list[int], _DocRows]] = {}
        results: list[SegmentRules] = []
        for span in spans:
            key = id(span.doc)
            if key not in by_doc:
                rows = self._rows(span.doc)
                raws = sorted(set(self._raw(span.doc)))
                by_doc = {key: (raws, [r.start for r in raws], rows)}  # spans arrive grouped by doc
            raws, starts, rows = by_doc[key]
            lo, hi = bisect_left(starts, span.start), bisect_left(starts, span.end)
            inside = [r for r in raws[lo:hi] if r.end <= span.end]
            results.append(self._segment(span, inside, rows))
        return results

    def _rows(self, doc: Doc) -> _DocRows:
        return _DocRows(doc, self._sentencize, self._stops)

    def apply_one(self, span: Span) -> SegmentRules:
        """Rules for a single span."""
        return self.apply([span])[0]

    def _hit(self, rows: _DocRows, base: int, raw: _Raw, rule: Rule | None, axis: str,
             modifiers: list[str]) -> RuleHit:
        start, end = rows.chars(raw.start, raw.end)
        # offsets and text come from Doc arrays: a Span and its Tokens cost more than the matching
        return RuleHit(
            rule_id=raw.key,
            family=rule.family if rule else "context",
            axis=axis,
            label=rule.label if rule else self.book.modifiers[raw.key][0].effect,
            weight=rule.weight if rule else 0.0,
            text=rows.source[start:end],
            start=start - base,
            end=end - base,
            modifiers=sorted(set(modifiers)) if modifiers else [],  # type: ignore[arg-type]
        )

    def _segment(self, span: Span, raws: list[_Raw], rows: _DocRows | None = None) -> SegmentRules:
        if not raws:
            return SegmentRules()
        rows = rows or self._rows(span.doc)
        scope = _Scope(rows, self._terms, self._breaks)
        base = rows.array.item(span.start, 1)  # character offset of the segment in its Doc
        mods = self._mods
        found: list[_Raw] = []
        trigger_raws: list[_Raw] = []
        raw_cues: dict[str, list[_Raw]] = defaultdict(list)
        for r in raws:
            kind = self.kind.get(r.key)
            if kind == "rule":
                found.append(r)
            elif kind == "cue":
                raw_cues[r.key].append(r)
            elif kind == "modifier":
                trigger_raws.append(r)
        out = SegmentRules()
        active: list[tuple[Modifier, _Raw]] = []
        for t in _longest(trigger_raws) if len(trigger_raws) > 1 else trigger_raws:
            mod = mods[t.key]
            if mod.pseudo:
                out.pseudo.append(t.key)
            elif all(any(scope.same_sentence(t, c) for c in raw_cues.get(req, ())) for req in mod.requires):
                active.append((mod, t))
                out.triggers.append(self._hit(rows, base, t, None, "context", []))
        negations = [(m, t) for m, t in active if m.effect == "negated"]
        cues = raw_cues if not negations else {
            cid: [c for c in occ if not any(scope.covers(m, t, c) for m, t in negations)]
            for cid, occ in raw_cues.items()}
        if self._cue_unless:
            cues = _cancel(cues, self._cue_unless)
        out.cues = {cid for cid, occ in cues.items() if occ}
        best: dict[str, _Raw] = {}
        for r in found:
            rule = self._rules[r.key]
            if rule.requires and not all(self._near(rule, r, cues.get(c, ()), scope) for c in rule.requires):
                continue
            if rule.unless and any(scope.same_sentence(r, c) for u in rule.unless for c in cues.get(u, ())):
                continue
            # one hit per rule and segment: the earliest, longest span
            cur = best.get(r.key)
            if cur is None or (r.start, -(r.end - r.start)) < (cur.start, -(cur.end - cur.start)):
                best[r.key] = r
        rules = self.book.rules
        domain_labels = {rules[k].rule.label for k in best if rules[k].axis == "domain"}
        for key, r in sorted(best.items(), key=lambda kv: (kv[1].start, kv[0])):
            loaded = rules[key]
            if loaded.rule.domains and not domain_labels.intersection(loaded.rule.domains):
                continue
            effects = [m.effect for m, t in active if scope.covers(m, t, r)] if active else []
            out.hits.append(self._hit(rows, base, r, loaded.rule, loaded.axis, effects))
        out.context = sorted({m.effect for m, _ in active})
        return out

    @staticmethod
    def _near(rule: Rule, hit: _Raw, cues: Sequence[_Raw], scope: _Scope) -> bool:
        """Whether one of ``cues`` is close enough to ``hit`` for the rule's ``within``."""
        if rule.within is None:
            return bool(cues)
        return any(scope.same_sentence(hit, c) and max(c.start - hit.end, hit.start - c.end) <= rule.within
                   for c in cues)


def _near(p: int, rest: list[frozenset[str]], found: dict[str, list[int]], reach: int) -> bool:
    """Whether every group of alternatives in ``rest`` has a word found within ``reach`` tokens of ``p``."""
    return all(any(abs(q - p) < reach for key in alts for q in found.get(key, ())) for alts in rest)


def _cancel(cues: dict[str, list[_Raw]], unless: dict[str, list[str]]) -> dict[str, list[_Raw]]:
    """Drop each cue occurrence that an occurrence of one of its ``unless`` cues overlaps."""
    out = dict(cues)
    for cid, others in unless.items():
        occ = cues.get(cid)
        if not occ:
            continue
        blocking = [o for u in others for o in cues.get(u, ())]
        if blocking:
            out[cid] = [c for c in occ if not any(b.start < c.end and c.start < b.end for b in blocking)]
    return out


def _longest(triggers: list[_Raw]) -> list[_Raw]:
    """Drop triggers lying inside a longer one ("no" inside "no longer"), as ConText does."""
    return [t for t in triggers
            if not any(o.start <= t.start and t.end <= o.end and o.end - o.start > t.end - t.start
                       for o in triggers)]


class _DocRows:
    """A Doc's word hashes, sentence starts and character offsets, read once per Doc.

    Reading attributes through Token objects (``doc[i].lower_``, ``span.text``) creates a Python
    object per word, which cost more than all the matchers together; ``Doc.to_array`` does not.
    Values are taken from the array one at a time, or as a column when a scope needs one.
    """

    _ATTRS = (LOWER, IDX, LENGTH)

    def __init__(self, doc: Doc, sentencize: Sentencizer | None = None, stops: frozenset[int] = frozenset()) -> None:
        self.doc = doc
        self._sentencize = sentencize
        #: hashes of the characters after which ``sentencize`` may start a sentence
        self._stops = stops
        self._array: np.ndarray | None = None
        self._boundaries: tuple[list[int], list[int]] | None = None

    @property
    def array(self) -> np.ndarray:
        """The Doc's attribute rows, read on first use."""
        if self._array is None:
            self._array = self.doc.to_array(list(self._ATTRS))
        return self._array

    @cached_property
    def lower(self) -> list[int]:
        """Lower-case word hash of every token."""
        return self.array[:, 0].tolist() if len(self.doc) else []  # type: ignore[no-any-return]

    @cached_property
    def sent_starts(self) -> list[int]:
        """Positions where a sentence starts, after the first token.

        Pre-segmented texts are parsed without the sentencizer (``segment.parse_texts``); few
        segments ever ask where their sentences start, so those Docs are split here, on first use,
        by the sentencizer's own rule read from arrays: a sentence starts at the first token after
        a stop character that is neither punctuation nor a stop character itself. Running the
        sentencizer instead made a Python Token per word.
        """
        doc = self.doc
        if len(doc) < 2:
            return []
        if self._sentencize is not None and not doc.has_annotation("SENT_START"):
            stops = self._stops
            lower = self.lower
            if not any(w in stops for w in lower[:-1]):
                return []  # the sentencizer starts a sentence only after one of these
            punct = doc.to_array([IS_PUNCT]).tolist()
            starts: list[int] = []
            seen_stop = False
            for i, w in enumerate(lower):
                if w in stops:
                    seen_stop = True
                elif seen_stop and not punct[i]:
                    starts.append(i)
                    seen_stop = False
            return starts
        return (np.flatnonzero(doc.to_array([SENT_START])[1:] == 1) + 1).tolist()  # type: ignore[no-any-return]

    def boundaries(self, terminators: set[int], clause_breaks: dict[int, list[tuple[int, ...]]]
                   ) -> tuple[list[int], list[int]]:
        """Positions of terminators and of clause breaks, found on first use."""
        if self._boundaries is None:
            lower = self.lower
            terms = [i for i, w in enumerate(lower) if w in terminators]
            breaks = [i for i, w in enumerate(lower) if w in clause_breaks and w not in terminators
                      and (() in clause_breaks[w]
                           or any(tuple(lower[i + 1 : i + 1 + len(rest)]) == rest for rest in clause_breaks[w]))]
            self._boundaries = (terms, breaks)
        return self._boundaries

    def chars(self, start: int, end: int) -> tuple[int, int]:
        """Character offsets of tokens ``start:end`` in the Doc."""
        item = self.array.item
        return item(start, 1), item(end - 1, 1) + item(end - 1, 2)

    @cached_property
    def source(self) -> str:
        """The text the Doc was made from; a hit's text is this string between its offsets."""
        return source_text(self.doc)


class _Scope:
    """Sentence and clause boundaries of one Doc, to decide which cues a trigger governs.

    Boundaries are found once per Doc and only when a segment asks: most segments have no trigger.
    """

    def __init__(self, rows: _DocRows, terminators: set[int], clause_breaks: dict[int, list[tuple[int, ...]]]) -> None:
        self.rows = rows
        self._terminators = terminators
        self._clause_breaks = clause_breaks

    def same_sentence(self, a: _Raw, b: _Raw) -> bool:
        """Whether two matches start in the same sentence."""
        starts = self.rows.sent_starts
        return bisect_right(starts, a.start) == bisect_right(starts, b.start)

    def _open(self, a: int, b: int, clause: bool) -> bool:
        terms, breaks = self.rows.boundaries(self._terminators, self._clause_breaks)
        if bisect_left(terms, a) < bisect_left(terms, b):
            return False  # a terminator in [a, b)
        return not (clause and bisect_left(breaks, a) < bisect_left(breaks, b))

    def covers(self, mod: Modifier, trig: _Raw, hit: _Raw) -> bool:
        """Whether ``hit`` lies in the scope of trigger ``trig``."""
        if hit.start <= trig.start and trig.end <= hit.end:
            return False  # a trigger inside the cue ("no exceptions") is part of the cue
        if trig.start < hit.end and hit.start < trig.end:
            return True  # a cue inside the trigger ("will" in "will move to") is governed by it
        if not self.same_sentence(trig, hit):
            return False
        clause = mod.scope == "clause"
        if mod.direction in ("forward", "both") and trig.end <= hit.start:
            return hit.start - trig.end <= mod.max_tokens and self._open(trig.end, hit.start, clause)
        if mod.direction in ("backward", "both") and hit.end <= trig.start:
            return trig.start - hit.end <= mod.max_tokens and self._open(hit.end, trig.start, clause)
        return False


def group_by_axis(hits: Sequence[RuleHit]) -> dict[str, list[RuleHit]]:
    """Hits keyed by axis."""
    out: dict[str, list[RuleHit]] = defaultdict(list)
    for h in hits:
        out[h.axis].append(h)
    return out
