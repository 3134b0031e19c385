"""The facade the CLI, batch runs and exports use: load once, classify many.

The spaCy pipeline, compiled rules and model are loaded once per ``Engine``; everything is
classified in batches (one ``predict_proba`` per axis per batch), never one segment at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Span

from spectrum.collector import collector_paused, settle_heap
from spectrum.decide import SCORE_DECIMALS, STRONG_RULE_VOTE, decide, detected_challenges
from spectrum.features import feature_rows
from spectrum.fillers import back, may_hold_fillers, without_fillers
from spectrum.identity import default_model_path, engine_info
from spectrum.model import AXES, TrainedModel, load_model
from spectrum.models import (
    AxisDecision,
    Classification,
    Document,
    EngineInfo,
    FileProblem,
    RuleHit,
    Segment,
    TrustReport,
)
from spectrum.neighbours import blend_domains
from spectrum.nlp import make_nlp
from spectrum.rules import CompiledRules, compile_rules
from spectrum.rules.matcher import SegmentRules
from spectrum.rules.votes import votes as rule_votes
from spectrum.segment import MIN_WORDS, Parsed, parse_documents, parse_texts
from spectrum.titles import is_title

_CONTEXT_ORDER = ("planned", "past", "negated", "hypothetical", "other_trust", "intent", "practice")
DEFAULT_THRESHOLDS = {"spectrum": 0.45, "approach": 0.45, "domain": 0.0}


class Engine:
    """Rules plus model, ready to classify."""

    def __init__(self, nlp: Language, rules: CompiledRules, model: TrainedModel | None,
                 model_path: Path | None = None) -> None:
        self.nlp = nlp
        self.rules = rules
        self.model = model
        self.model_path = model_path

    @classmethod
    def load(cls, rules: Sequence[Path] | None = None, model: Path | None = None,
             rules_only: bool = False) -> Engine:
        """Build the pipeline, compile rules and load the model (shipped ones by default)."""
        nlp = make_nlp()
        compiled = compile_rules(nlp, rules)
        if rules_only:
            engine = cls(nlp, compiled, None)
        else:
            path = model or default_model_path()
            engine = cls(nlp, compiled, load_model(path), path)
        settle_heap()
        return engine

    @property
    def info(self) -> EngineInfo:
        """Versions and hashes that identify what produced a result."""
        return engine_info(self.model_path, self.rules.book.digest)

    def thresholds(self) -> dict[str, float]:
        """Abstention thresholds: the model card's, else defaults."""
        out = dict(DEFAULT_THRESHOLDS)
        if self.model is not None:
            out.update(self.model.thresholds)
        return out

    def classify_spans(self, spans: Sequence[Span], segments: Sequence[Segment],
                       documents: Sequence[str | None] | None = None) -> list[Classification]:
        """Classify pre-segmented spans in one batch.

        ``documents`` says which consecutive passages are neighbours in one document (``None``: a
        passage alone); by default each segment's ``document_id``. Not its section: a document
        re-read from plain text (a QDA project's source) has no sections, and must be read alike.
        """
        if not spans:
            return []
        with collector_paused():
            spans, said = self._without_fillers(spans, [s.text for s in segments])
            found = self.rules.apply(spans)
            for i, offsets in said.items():
                found[i] = _hits_as_said(found[i], offsets, segments[i].text)
            return self._classify(spans, segments, found, documents)

    def _without_fillers(self, spans: Sequence[Span], texts: Sequence[str]) -> tuple[list[Span], dict[int, list[int]]]:
        """Spans to read, with hesitations taken out (``fillers``), and where each cleaned one came from.

        ``texts`` are the spans' texts (the segments'), which cost nothing; building a Span's text
        from its tokens cost more than the check.
        """
        cleaned: dict[int, tuple[str, list[int]]] = {}
        for i, text in enumerate(texts):
            if may_hold_fillers(text):
                found = without_fillers(text)
                if found is not None:
                    cleaned[i] = found
        if not cleaned:
            return list(spans), {}
        out = list(spans)
        for i, span in zip(cleaned, parse_texts([text for text, _ in cleaned.values()], self.nlp), strict=True):
            out[i] = span
        return out, {i: offsets for i, (_, offsets) in cleaned.items()}

    def _classify(self, spans: Sequence[Span], segments: Sequence[Segment], found: Sequence[SegmentRules],
                  documents: Sequence[str | None] | None = None) -> list[Classification]:
        probs: dict[str, list[dict[str, float]] | None] = dict.fromkeys(AXES)
        flagged: list[dict[str, float]] | None = None
        if self.model is not None:
            rows = feature_rows(spans, found, text=False)
            shared: dict[tuple[Any, ...], Any] = {}
            for axis in AXES:
                if axis in self.model.pipelines:
                    probs[axis] = self.model.predict_proba(axis, rows, shared, spans, SCORE_DECIMALS)
            if self.model.challenges:
                flagged = self.model.predict_challenges(rows, shared, spans, SCORE_DECIMALS)
        words = [_words(s) for s in spans]
        own_domain = probs["domain"]
        if own_domain is not None:
            asked = [s.is_interviewer for s in segments]
            probs["domain"] = blend_domains(own_domain, documents or [s.document_id for s in segments], SCORE_DECIMALS,
                                            asked if any(asked) else None)
        challenge_thresholds = self.model.challenge_thresholds if self.model is not None else {}
        thresholds = self.thresholds()
        out: list[Classification] = []
        for i, (segment, rules_found) in enumerate(zip(segments, found, strict=True)):
            v = rule_votes(rules_found.hits)
            decisions = {}
            for axis in AXES:
                axis_probs = probs[axis]
                decisions[axis] = decide(
                    axis,
                    axis_probs[i] if axis_probs is not None else None,
                    v[axis],
                    thresholds.get(axis, 0.5),
                    abstain_label=None if axis == "domain" else "none",
                )
            if own_domain is not None:
                decisions["domain"] = _with_neighbours(decisions["domain"], own_domain[i])
            if words[i] < MIN_WORDS or is_title(segment.text):
                for axis in ("spectrum", "approach"):
                    if max((w for k, w in v[axis].items() if k != "none"), default=0.0) < STRONG_RULE_VOTE:
                        decisions[axis] = _too_short(decisions[axis], words[i])
            context = [c for c in _CONTEXT_ORDER if c in rules_found.context] or ["current"]
            challenges = detected_challenges(v["challenge"], flagged[i] if flagged else None, challenge_thresholds)
            out.append(Classification(
                segment=segment,
                spectrum=decisions["spectrum"],
                approach=decisions["approach"],
                domain=decisions["domain"],
                context=context,  # type: ignore[arg-type]
                challenges=challenges,  # type: ignore[arg-type]
                challenge_scores=flagged[i] if flagged else {},  # type: ignore[arg-type]
                evidence=[*rules_found.hits, *rules_found.triggers],
            ))
        return out

    def classify_texts(self, texts: Sequence[str], ids: Sequence[str] | None = None,
                       documents: Sequence[str | None] | None = None,
                       asked: Sequence[bool] | None = None) -> list[Classification]:
        """Classify each text as one segment.

        Consecutive texts with the same ``documents`` entry are read as neighbouring passages of
        one document (``spectrum.neighbours``); without it every text stands alone. ``asked``
        marks the interviewer's texts, whose topic their answers lean to.
        """
        ids = ids or [str(i) for i in range(len(texts))]
        docs = documents if documents is not None else [None] * len(texts)
        said = asked if asked is not None else [False] * len(texts)
        spans = list(parse_texts(texts, self.nlp))
        segments = [
            Segment(id=i, document_id=d if d is not None else i, index=0, text=t, start=0, end=len(t),
                    role="interviewer" if q else None)
            for i, t, d, q in zip(ids, texts, docs, said, strict=True)
        ]
        return self.classify_spans(spans, segments, docs)

    def classify_documents(self, documents: Iterable[Document]) -> Iterator[tuple[list[Parsed], list[Classification]]]:
        """Segment and classify documents one at a time (documents stream; nothing accumulates)."""
        for parsed in parse_documents(documents, self.nlp):
            yield parsed, self.classify_spans([p.span for p in parsed], [p.segment for p in parsed])


def _hits_as_said(found: SegmentRules, offsets: list[int], said: str) -> SegmentRules:
    """Rule hits found in a passage read without its hesitations, pointed back into the words as said."""
    def point(hit: RuleHit) -> RuleHit:
        start, end = back(offsets, len(said), hit.start, hit.end)
        return hit.model_copy(update={"start": start, "end": end, "text": said[start:end]})

    found.hits = [point(h) for h in found.hits]
    found.triggers = [point(h) for h in found.triggers]
    return found


def _words(span: Span) -> int:
    """Alphabetic words in a passage; only short passages are counted, the rest have enough."""
    return MIN_WORDS if len(span) > 2 * MIN_WORDS + 2 else sum(t.is_alpha for t in span)


def _too_short(decision: AxisDecision, words: int) -> AxisDecision:
    """No position or development route from a heading or fragment ("5. Training", "Behaviour").

    A position says who decides or does what, which takes a clause. The codebook labels headings
    alone ``none``; so did both annotators for all 91 real passages of one or two words in sets
    3-11, and the corpus holds one labelled passage in 77. The model, which turns a passage's
    words into a vector of unit length, reads one word with the whole strength of a sentence:
    "Training" alone came out as roll-out with p = 1.00. Longer titles ("Trust Training and CPD
    Policy") are held back the same way (``spectrum.titles``). A strong rule vote is a clause the
    rules recognise ("Heads decide."), so the caller lets one through.
    """
    if decision.label == "none":
        return decision
    said = (f"{words} word{'s' if words != 1 else ''}, too short to state a position" if words < MIN_WORDS
            else "a title (short, capitalised, no closing punctuation), which names a topic")
    why = [*decision.explanation, f"abstained: {said}"]
    return decision.model_copy(update={"label": "none", "abstained": True, "explanation": why})


def _with_neighbours(decision: AxisDecision, own: dict[str, float]) -> AxisDecision:
    """The domain decision, saying where the neighbouring passages changed it."""
    mine = max(own, key=own.__getitem__)
    if decision.label == mine:
        return decision
    why = [f"model alone: {mine} p={own[mine]:.2f}",
           f"neighbours: read with the passages around it and any question it answers, {decision.label} p={decision.confidence:.2f}"]
    return decision.model_copy(update={"explanation": [*decision.explanation, *why]})


def analyse(
    engine: Engine,
    paths: Sequence[Path],
    trust: str | None = None,
    kinds: dict[str, str] | None = None,
    speakers: dict[str, str] | None = None,
    show_names: bool = False,
    on_problem: Callable[[FileProblem], None] | None = None,
    on_document: Callable[[Document], None] | None = None,
    items: Sequence[Document | FileProblem] | None = None,
) -> TrustReport:
    """Read one trust's files, classify them and build its report; bad files are kept as problems.

    ``items`` are the files already read (``readahead.ReadAhead``), in ``iter_documents`` order.
    """
    from spectrum.analysis import build_report

    documents, problems = read_trust(paths, kinds, speakers, on_problem, items)
    classified: list[tuple[Document, list[Classification]]] = []
    for doc, (_, cs) in zip(documents, engine.classify_documents(documents), strict=True):
        classified.append((doc, cs))
        if on_document:
            on_document(doc)
    name = trust or trust_name(paths)
    return build_report(name, classified, engine.info, problems, show_names)


def read_trust(
    paths: Sequence[Path],
    kinds: dict[str, str] | None = None,
    speakers: dict[str, str] | None = None,
    on_problem: Callable[[FileProblem], None] | None = None,
    items: Iterable[Document | FileProblem] | None = None,
) -> tuple[list[Document], list[FileProblem]]:
    """One trust's documents in memory, with the files that could not be read; none readable is an error."""
    from spectrum.errors import InputError
    from spectrum.ingest import iter_documents

    problems: list[FileProblem] = []
    documents: list[Document] = []
    for item in items if items is not None else iter_documents(paths, kinds, speakers):  # type: ignore[arg-type]
        if isinstance(item, FileProblem):
            problems.append(item)
            if on_problem:
                on_problem(item)
        else:
            documents.append(item)
    if not documents:
        raise InputError("no readable documents" + (f" ({problems[0].path}: {problems[0].error})" if problems else ""))
    return documents, problems


def trust_name(paths: Sequence[Path]) -> str:
    """Default trust name: the folder the first input is in (or is)."""
    first = paths[0].resolve()
    folder = first if first.is_dir() else first.parent
    return folder.name.replace("-", " ").replace("_", " ").title()
