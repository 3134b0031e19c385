"""Agreement between the engine and human coders, counted on the engine's segments.

Both coders' codings are first moved onto the same units by the overlap rule in ``align``. Then,
for each human coder:

- per code: did each coder give this segment this code (yes/no)?
- per single-valued axis (spectrum, approach, domain): which label did each coder give, with
  "none" for no code?
- overall: every (segment, code) yes/no decision pooled, over the codes either coder used.

Each is reported as observed agreement (share of equal decisions), Cohen's kappa (scikit-learn)
and Krippendorff's alpha for nominal data (the ``krippendorff`` package). Both chance-corrected
figures are undefined when the two coders agree on one value everywhere (there is no variation to
correct for); that is reported as missing, not as 1. A human coder is compared only on the sources
they coded at all, because a source nobody has opened yet says nothing about agreement.

The engine side is either a coder already stored in the project (an exported engine coding, so
the comparison is with exactly what the coder was shown) or a fresh classification of the
project's texts by the current engine. Stored is the default when the project has an engine
coder, so that the figures match what was handed to the coders.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from typing import TYPE_CHECKING, Literal

import krippendorff
import numpy as np
from pydantic import Field
from sklearn.metrics import cohen_kappa_score

from spectrum.errors import InputError
from spectrum.models import Frozen
from spectrum.qda.align import (
    DEFAULT_MIN_OVERLAP,
    Unit,
    overlap_rule,
    segment_sources,
    source_document,
    unit_codes,
    units_of,
)
from spectrum.qda.codes import GROUPS, CodeTree, code_tree
from spectrum.qda.coding import ENGINE_PREFIX, engine_coder, engine_codings
from spectrum.qda.mapping import CodeMap
from spectrum.qda.records import QdaCoding, QdaProject

if TYPE_CHECKING:
    from spectrum.engine import Engine

SINGLE_AXES = tuple(g for g in GROUPS if g.single)


class Score(Frozen):
    """Agreement on one code, one axis or overall."""

    scope: str
    kind: Literal["overall", "axis", "code"]
    units: int
    observed: float
    kappa: float | None
    alpha: float | None
    engine: int = Field(description="decisions where the engine gave the code (axis: any label but none)")
    human: int = Field(description="the same for the human coder")


class Disagreement(Frozen):
    """One segment the two coders coded differently, with both codings side by side."""

    source: str
    start: int
    end: int
    text: str
    engine: list[str]
    human: list[str]


class CoderAgreement(Frozen):
    """One human coder against the engine."""

    coder: str
    sources: int
    units: int
    overall: Score
    axes: list[Score]
    codes: list[Score]
    disagreements: list[Disagreement]


class AgreementReport(Frozen):
    """Everything ``spectrum agreement`` reports."""

    project: str
    engine_coder: str
    mode: Literal["stored", "reclassified"]
    rule: str
    min_overlap: float
    coders: list[CoderAgreement]
    unmatched_codes: dict[str, int] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


def kappa(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Cohen's kappa, or None when both coders used one and the same value throughout."""
    if len(set(a) | set(b)) < 2:
        return None
    return float(cohen_kappa_score(list(a), list(b)))


def alpha(a: Sequence[Hashable], b: Sequence[Hashable]) -> float | None:
    """Krippendorff's alpha (nominal) for two coders, or None when there is no variation."""
    values = sorted(set(a) | set(b), key=str)
    if len(values) < 2:
        return None
    index = {v: i for i, v in enumerate(values)}
    data = np.array([[index[x] for x in a], [index[x] for x in b]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def score(scope: str, kind: Literal["overall", "axis", "code"], a: Sequence[Hashable], b: Sequence[Hashable],
          absent: Hashable = 0) -> Score:
    """All figures for one pair of parallel decision lists."""
    n = len(a)
    return Score(
        scope=scope, kind=kind, units=n,
        observed=(sum(x == y for x, y in zip(a, b, strict=True)) / n) if n else 0.0,
        kappa=kappa(a, b), alpha=alpha(a, b),
        engine=sum(x != absent for x in a), human=sum(y != absent for y in b),
    )


def compare_units(coder: str, units: Sequence[Unit], engine: Sequence[frozenset[str]],
                  human: Sequence[frozenset[str]], tree: CodeTree) -> CoderAgreement:
    """Scores and disagreements for one human coder over aligned units."""
    used = sorted({c for s in (*engine, *human) for c in s}, key=tree.sort_key)
    codes = [score(code, "code", [int(code in s) for s in engine], [int(code in s) for s in human]) for code in used]
    axes = []
    for group in SINGLE_AXES:
        def label(s: frozenset[str], g: str = group.id, absent: str = group.absent or "none") -> str:
            return next((c.split("/", 1)[1] for c in s if c.startswith(g + "/")), absent)
        axes.append(score(group.id, "axis", [label(s) for s in engine], [label(s) for s in human],
                          absent=group.absent or "none"))
    pooled_e = [int(code in s) for code in used for s in engine]
    pooled_h = [int(code in s) for code in used for s in human]
    overall = score("overall", "overall", pooled_e, pooled_h)
    disagreements = [
        Disagreement(source=u.source, start=u.start, end=u.end, text=u.text,
                     engine=sorted(e, key=tree.sort_key), human=sorted(h, key=tree.sort_key))
        for u, e, h in zip(units, engine, human, strict=True) if e != h
    ]
    return CoderAgreement(coder=coder, sources=len({u.source for u in units}), units=len(units), overall=overall,
                          axes=axes, codes=codes, disagreements=disagreements)


def _choose_engine(project: QdaProject, engine_coder_name: str | None, reclassify: bool) -> tuple[str | None, list[str]]:
    """The stored engine coder to use (None: classify afresh) and notes on why."""
    if reclassify:
        return None, []
    if engine_coder_name:
        if engine_coder_name in project.coders:
            return engine_coder_name, []
        return None, [f"no coder named {engine_coder_name!r} in the project; its sources were classified afresh"]
    found = [n for n in project.coders if n.startswith(ENGINE_PREFIX)]
    if len(found) > 1:
        raise InputError(f"the project has several engine coders ({'; '.join(found)}); "
                         "name one with --engine-coder, or use --reclassify")
    return (found[0], []) if found else (None, [])


def agreement(
    project: QdaProject,
    load_engine: Callable[[], Engine],
    *,
    engine_coder_name: str | None = None,
    reclassify: bool = False,
    coders: Sequence[str] | None = None,
    mapping: dict[str, str | None] | None = None,
    min_overlap: float = DEFAULT_MIN_OVERLAP,
    tree: CodeTree | None = None,
) -> AgreementReport:
    """Compare each human coder of ``project`` with the engine (stored or re-run)."""
    if not 0 < min_overlap <= 1:
        raise InputError(f"--min-overlap must be in (0, 1], got {min_overlap}")
    tree = tree or code_tree()
    code_map = CodeMap(tree, mapping)
    stored, warnings = _choose_engine(project, engine_coder_name, reclassify)
    human_names = [c for c in (coders or project.coders) if c != stored]
    missing = [c for c in human_names if c not in project.coders]
    if missing:
        raise InputError(f"no coder named {missing[0]!r} in the project; coders: {', '.join(project.coders) or 'none'}")
    coded_by: dict[str, set[str]] = {}
    for c in project.codings:
        coded_by.setdefault(c.coder, set()).add(c.source)
    human_names = [c for c in human_names if coded_by.get(c)]
    if not human_names:
        raise InputError("the project has no human codings to compare "
                         f"(coders: {', '.join(project.coders) or 'none'}; engine: {stored or 'classified afresh'})")

    mapped, unmatched = code_map.apply(project.codings)
    if stored is not None:
        from spectrum.nlp import make_nlp

        units = segment_sources(project.sources, make_nlp())
        engine_side = [c for c in mapped if c.coder == stored]
        engine_name = stored
        mode: Literal["stored", "reclassified"] = "stored"
    else:
        engine = load_engine()
        engine_name = engine_coder(engine.info)
        documents = [source_document(s) for s in project.sources]
        units, engine_side = {}, []
        for source, (parsed, classified) in zip(project.sources, engine.classify_documents(documents), strict=True):
            units[source.name] = units_of(source.name, [p.segment for p in parsed])
            engine_side += engine_codings(source.name, classified, engine_name)
        mode = "reclassified"

    results = []
    for name in human_names:
        all_units: list[Unit] = []
        e_codes: list[frozenset[str]] = []
        h_codes: list[frozenset[str]] = []
        for source in project.sources:
            if source.name not in coded_by[name]:
                continue
            src_units = units[source.name]
            all_units += src_units
            e_codes += unit_codes(_of(engine_side, source.name), src_units, tree, min_overlap)
            h_codes += unit_codes(_of(mapped, source.name, name), src_units, tree, min_overlap)
        results.append(compare_units(name, all_units, e_codes, h_codes, tree))
    return AgreementReport(
        project=project.name, engine_coder=engine_name, mode=mode, rule=overlap_rule(min_overlap),
        min_overlap=min_overlap, coders=results, unmatched_codes=dict(Counter(unmatched).most_common()),
        warnings=[*project.warnings, *warnings],
    )


def _of(codings: Sequence[QdaCoding], source: str, coder: str | None = None) -> list[QdaCoding]:
    return [c for c in codings if c.source == source and (coder is None or c.coder == coder)]


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


def format_agreement(report: AgreementReport, show: int = 20) -> str:
    """Plain-text report: the figures per coder, then the first ``show`` disagreements."""
    how = "stored in the project" if report.mode == "stored" else "classified afresh by the current engine"
    lines = [f"Agreement in {report.project or 'project'}", f"engine: {report.engine_coder} ({how})",
             f"units: engine segments; {report.rule}."]
    lines += [f"warning: {w}" for w in report.warnings]
    if report.unmatched_codes:
        listed = ", ".join(f"{k!r} ({v})" for k, v in list(report.unmatched_codes.items())[:10])
        lines.append(f"codes not matched to ours, left out (use --mapping): {listed}")
    for r in report.coders:
        lines += ["", f"coder {r.coder}: {r.units} segments in {r.sources} source(s)",
                  f"  {'scope':<44} {'n':>6} {'agree':>7} {'kappa':>7} {'alpha':>7} {'engine':>7} {'human':>7}"]
        for s in [r.overall, *r.axes, *r.codes]:
            lines.append(f"  {s.scope:<44} {s.units:>6} {s.observed:>7.3f} {_fmt(s.kappa):>7} {_fmt(s.alpha):>7} "
                         f"{s.engine:>7} {s.human:>7}")
        if r.disagreements:
            lines.append(f"  disagreements: {len(r.disagreements)}" + (f" (first {show})" if len(r.disagreements) > show else ""))
        for d in r.disagreements[:show]:
            text = " ".join(d.text.split())
            lines += [f"  - {d.source} [{d.start}-{d.end}] {text[:100]}{'…' if len(text) > 100 else ''}",
                      f"      engine: {', '.join(d.engine) or '(no code)'}",
                      f"      human:  {', '.join(d.human) or '(no code)'}"]
    return "\n".join(lines) + "\n"
