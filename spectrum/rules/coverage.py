"""How each rule fares against the annotated corpus: hits, precision, silence, and rules alone.

Rules are meant to be precise evidence a reviewer can trust, not a complete classifier, so the
figure that matters per rule is precision: when the rule votes for its label, how often the
annotators gave that label. A rule that fires often and is usually wrong feeds the model noise and
misleads anyone reading an explanation, so rules under ``LOW_PRECISION`` are listed to be fixed.

How context is counted. A hit's vote is taken *after* its context modifiers
(:func:`spectrum.rules.votes.effective_label`):

* a hit still voting for its own label counts towards the rule's precision (correct when the
  gold label on that axis is the rule's label; for challenges, when the segment carries it);
* a negated hit casts no vote, so it is neither right nor wrong for the rule; it is counted in a
  separate column, with how often the gold label indeed differs from the rule's label (the
  negation was right to drop it);
* a hit that context sends to ``none`` (past, planned on the spectrum axis, hypothetical, other
  trust) is counted apart as well, with how often the gold label is ``none``.

So a rule is neither blamed nor credited for what the context mechanism did, and the context
mechanism gets its own figures.

Usage: ``python -m spectrum.rules.coverage [--split dev|test]`` or ``spectrum rules coverage``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from spectrum.corpus.load import load_segments, load_splits
from spectrum.corpus.schema import CorpusSegment
from spectrum.errors import CorpusError, SpectrumError
from spectrum.models import RuleHit
from spectrum.nlp import make_nlp
from spectrum.rules import CompiledRules, SegmentRules, compile_rules
from spectrum.rules.votes import AXES as VOTE_AXES
from spectrum.rules.votes import effective_label, votes

#: A rule voting for its label is flagged when annotators agree with it less often than this.
LOW_PRECISION = 0.6
#: Own-label votes a rule needs on the split before a low precision is listed: below this, one or
#: two disagreements decide the figure (at 5 votes one error already costs 0.2).
MIN_HITS = 5
#: Splits the report can be run on; train is left out on purpose, since rules are revised by
#: reading the dev figures and the model learns from train.
SPLITS = ("dev", "test")


@dataclass
class RuleStat:
    """One rule's hits on a split and how its votes compare with the gold labels."""

    rule_id: str
    axis: str
    label: str
    family: str
    hits: int = 0
    voting: int = 0
    correct: int = 0
    negated: int = 0
    negated_right: int = 0
    to_none: int = 0
    to_none_right: int = 0

    @property
    def precision(self) -> float | None:
        """Share of the rule's own-label votes that agree with the gold label; None without votes."""
        return self.correct / self.voting if self.voting else None


@dataclass
class LabelScore:
    """Rules-only precision, recall and F1 for one label."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class CoverageReport:
    """Everything ``spectrum rules coverage`` prints."""

    split: str
    n: int
    rules: list[RuleStat]
    no_hit: dict[str, float]
    no_vote: dict[str, float]
    low_precision: list[str]
    min_hits: int
    rules_only_split: str
    rules_only_n: int
    rules_only: dict[str, dict[str, LabelScore]] = field(default_factory=dict)
    rules_only_macro_f1: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain data, with each rule's precision included."""
        data = asdict(self)
        for row, stat in zip(data["rules"], self.rules, strict=True):
            row["precision"] = stat.precision
        return data


def _gold_agrees(seg: CorpusSegment, axis: str, label: str) -> bool:
    if axis == "challenge":
        return label in seg.challenges
    return str(getattr(seg, axis)) == label


def _split_segments(segments: list[CorpusSegment], splits: dict[str, str], split: str,
                    where: Path | None) -> list[CorpusSegment]:
    chosen = [s for s in segments if splits.get(s.id) == split]
    if not chosen:
        raise CorpusError(f"no segments in split {split!r}", where or "splits.json")
    return chosen


def _match(compiled: CompiledRules, segments: Sequence[CorpusSegment]) -> list[SegmentRules]:
    spans = [doc[:] for doc in compiled.nlp.pipe([s.text for s in segments], batch_size=512)]
    return compiled.apply(spans)


def rule_stats(compiled: CompiledRules, segments: Sequence[CorpusSegment],
               found: Sequence[SegmentRules]) -> list[RuleStat]:
    """Per-rule hit counts and agreement with gold, context counted as the module docstring says."""
    stats = {rid: RuleStat(rid, lr.axis, lr.rule.label, lr.rule.family) for rid, lr in compiled.book.rules.items()}
    for seg, result in zip(segments, found, strict=True):
        for hit in result.hits:
            _count(stats[hit.rule_id], seg, hit)
    return sorted(stats.values(), key=lambda s: (s.axis, s.rule_id))


def _count(stat: RuleStat, seg: CorpusSegment, hit: RuleHit) -> None:
    stat.hits += 1
    label = effective_label(hit)
    if label is None:
        stat.negated += 1
        stat.negated_right += not _gold_agrees(seg, hit.axis, hit.label)
    elif label != hit.label:
        stat.to_none += 1
        stat.to_none_right += _gold_agrees(seg, hit.axis, label)
    else:
        stat.voting += 1
        stat.correct += _gold_agrees(seg, hit.axis, label)


def silence(found: Sequence[SegmentRules]) -> tuple[dict[str, float], dict[str, float]]:
    """Share of segments with no hit on each axis, and with no vote left after context."""
    n = max(len(found), 1)
    no_hit: Counter[str] = Counter()
    no_vote: Counter[str] = Counter()
    for result in found:
        hit_axes = {h.axis for h in result.hits}
        voted = votes(result.hits)
        for axis in VOTE_AXES:
            no_hit[axis] += axis not in hit_axes
            no_vote[axis] += not any(v > 0 for v in voted[axis].values())
    return ({a: no_hit[a] / n for a in VOTE_AXES}, {a: no_vote[a] / n for a in VOTE_AXES})


def rules_only_scores(segments: Sequence[CorpusSegment], found: Sequence[SegmentRules]
                      ) -> tuple[dict[str, dict[str, LabelScore]], dict[str, float]]:
    """Rules alone, no model: the heaviest vote per axis, scored as ``spectrum evaluate`` scores it."""
    from spectrum.decide import rule_label
    from spectrum.model import AXES
    from spectrum.training import scores

    voted = [votes(r.hits) for r in found]
    per_label: dict[str, dict[str, LabelScore]] = {}
    macro: dict[str, float] = {}
    for axis, labels in AXES.items():
        default = "other" if axis == "domain" else "none"
        pred = [rule_label(v[axis], default) for v in voted]
        result = scores([str(getattr(s, axis)) for s in segments], pred, labels)
        per_label[axis] = {lab: LabelScore(**m) for lab, m in result["per_label"].items()}
        macro[axis] = result["macro_f1"]
    return per_label, macro


def measure(split: str = "dev", corpus: Path | None = None, rules_dirs: Sequence[Path] | None = None,
            min_hits: int = MIN_HITS) -> CoverageReport:
    """Per-rule figures on ``split`` and rules-only scores on the test split."""
    if split not in SPLITS:
        raise CorpusError(f"unknown split {split!r}; expected one of {', '.join(SPLITS)}")
    compiled = compile_rules(make_nlp(), rules_dirs)
    segments = load_segments(corpus)
    splits = load_splits(corpus)
    chosen = _split_segments(segments, splits, split, corpus)
    found = _match(compiled, chosen)
    stats = rule_stats(compiled, chosen, found)
    no_hit, no_vote = silence(found)
    low = [s.rule_id for s in stats
           if s.voting >= min_hits and s.precision is not None and s.precision < LOW_PRECISION]
    test = chosen if split == "test" else _split_segments(segments, splits, "test", corpus)
    test_found = found if split == "test" else _match(compiled, test)
    per_label, macro = rules_only_scores(test, test_found)
    return CoverageReport(split, len(chosen), stats, no_hit, no_vote, low, min_hits, "test", len(test),
                          per_label, macro)


def _pct(x: float | None) -> str:
    return "   –" if x is None else f"{x:4.2f}"


def format_report(rep: CoverageReport) -> str:
    """The report as text tables."""
    lines = [f"Rule coverage on the {rep.split} split ({rep.n} segments)", ""]
    lines.append("precision: share of the rule's own-label votes (after context) that match the gold label;")
    lines.append("negated: hits that cast no vote (right = gold is not the rule's label);")
    lines.append("to none: hits context sent to 'none' (right = gold is 'none').")
    lines.append("")
    wide = max((len(s.label) for s in rep.rules), default=5)
    head = f"{'rule':<44} {'label':<{wide}} {'hits':>5} {'votes':>5} {'prec':>5} {'negated':>9} {'to none':>9}"
    by_axis: dict[str, list[RuleStat]] = defaultdict(list)
    for s in rep.rules:
        by_axis[s.axis].append(s)
    for axis in ("spectrum", "approach", "domain", "challenge"):
        lines += [f"[{axis}]", head]
        for s in by_axis.get(axis, []):
            neg = f"{s.negated_right}/{s.negated}" if s.negated else "–"
            non = f"{s.to_none_right}/{s.to_none}" if s.to_none else "–"
            flag = " <" if s.rule_id in rep.low_precision else ""
            lines.append(f"{s.rule_id:<44} {s.label:<{wide}} {s.hits:>5} {s.voting:>5} {_pct(s.precision):>5} "
                         f"{neg:>9} {non:>9}{flag}")
        lines.append("")
    lines.append("Segments with no hit / no vote after context, per axis:")
    for axis in VOTE_AXES:
        lines.append(f"  {axis:<10} no hit {rep.no_hit[axis]:6.1%}   no vote {rep.no_vote[axis]:6.1%}")
    lines.append("")
    lines.append(f"Rules with precision under {LOW_PRECISION} and at least {rep.min_hits} votes "
                 f"({len(rep.low_precision)}):")
    stat = {s.rule_id: s for s in rep.rules}
    for rid in rep.low_precision or []:
        s = stat[rid]
        lines.append(f"  {rid:<44} {_pct(s.precision)} ({s.correct}/{s.voting})")
    if not rep.low_precision:
        lines.append("  none")
    lines.append("")
    lines.append(f"Rules alone (no model; heaviest vote, else none/other) on the {rep.rules_only_split} split "
                 f"({rep.rules_only_n} segments):")
    for axis, labels in rep.rules_only.items():
        lines.append(f"  [{axis}] macro-F1 {rep.rules_only_macro_f1[axis]:.3f}")
        lines.append(f"  {'label':<20} {'prec':>5} {'recall':>6} {'F1':>5} {'support':>7}")
        for lab, m in labels.items():
            lines.append(f"  {lab:<20} {m.precision:5.2f} {m.recall:6.2f} {m.f1:5.2f} {m.support:>7}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m spectrum.rules.coverage``."""
    parser = argparse.ArgumentParser(prog="python -m spectrum.rules.coverage",
                                     description="Each rule's hits and precision on the annotated corpus.")
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--min-hits", type=int, default=MIN_HITS,
                        help="votes a rule needs before a low precision is listed")
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default: the shipped corpus)")
    parser.add_argument("--rules", dest="rules_dirs", type=Path, action="append", default=[],
                        help="extra rule folder; its rules extend or override the shipped ones by id")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)
    if args.min_hits < 1:
        parser.error("--min-hits must be at least 1")
    try:
        rep = measure(args.split, args.corpus, args.rules_dirs, args.min_hits)
    except SpectrumError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(rep.to_json(), indent=2) if args.json else format_report(rep))
    return 0


if __name__ == "__main__":
    sys.exit(main())
