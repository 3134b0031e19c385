"""Flat tables researchers load directly, and the way back from a segment row to a classification.

Every table has a fixed Arrow schema so that parts written by different workers, including empty
ones, concatenate without type drift, and the same column reads the same way in pandas and R.
Lists (context, challenges, rule ids) are ``;``-joined strings and nested detail (rule hits,
quotes) is JSON text: both survive CSV and every Parquet reader.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

import pyarrow as pa

from spectrum.models import (
    AxisDecision,
    Classification,
    Document,
    Finding,
    PracticeProfile,
    RuleHit,
    Segment,
    Turn,
)
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, DOMAINS, SPECTRUM_LABELS

AXIS_LABELS: dict[str, tuple[str, ...]] = {
    "spectrum": SPECTRUM_LABELS, "approach": APPROACH_LABELS, "domain": DOMAINS,
}


def _col(label: str) -> str:
    return label.replace("-", "_")


#: Probability column of each label, per axis (rows are written and read by the hundred thousand).
PROB_COLUMNS: dict[str, tuple[tuple[str, str], ...]] = {
    axis: tuple((label, f"p_{axis}_{_col(label)}") for label in labels) for axis, labels in AXIS_LABELS.items()
}


#: Probability column of each challenge detector.
CHALLENGE_COLUMNS: tuple[tuple[str, str], ...] = tuple((c, f"p_challenge_{c}") for c in CHALLENGES)


def _string_fields(names: Iterable[str]) -> list[pa.Field]:
    return [pa.field(n, pa.string()) for n in names]


def document_fields(extra: Sequence[str]) -> list[pa.Field]:
    """Columns every row carries about its document, manifest columns included."""
    return [*_string_fields(["trust", "source", "document_id", "title", "kind", "format", "date"]),
            *_string_fields(extra)]


def segments_schema(extra: Sequence[str]) -> pa.Schema:
    """One row per classified segment."""
    fields = [
        *document_fields(extra),
        pa.field("segment_id", pa.string()), pa.field("index", pa.int32()),
        pa.field("start", pa.int64()), pa.field("end", pa.int64()), pa.field("page", pa.int32()),
        *_string_fields(["section", "speaker", "role", "timestamp", "text"]),
    ]
    for axis, columns in PROB_COLUMNS.items():
        fields += [pa.field(axis, pa.string()), pa.field(f"{axis}_confidence", pa.float64()),
                   pa.field(f"{axis}_abstained", pa.bool_())]
        fields += [pa.field(column, pa.float64()) for _, column in columns]
    fields += _string_fields(["context", "challenges"])
    fields += [pa.field(column, pa.float64()) for _, column in CHALLENGE_COLUMNS]
    fields += _string_fields(["rules", "rule_hits"])
    return pa.schema(fields)


def documents_schema(extra: Sequence[str]) -> pa.Schema:
    """One row per document read."""
    return pa.schema([*document_fields(extra), pa.field("segments", pa.int32()),
                      *_string_fields(["speakers", "metadata"])])


def practices_schema() -> pa.Schema:
    """One row per trust and practice domain, as in ``spectrum analyse``."""
    fields = [*_string_fields(["trust", "domain", "spectrum"]), pa.field("score", pa.float64()),
              pa.field("uncertainty", pa.float64()), pa.field("tentative", pa.bool_()), pa.field("read_from", pa.string()),
              pa.field("approach", pa.string()), pa.field("n", pa.int32())]
    fields += [pa.field(f"n_{_col(label)}", pa.int32()) for label in SPECTRUM_LABELS]
    fields += [pa.field(f"n_approach_{_col(label)}", pa.int32()) for label in APPROACH_LABELS]
    for lens in ("intent", "practice"):
        fields += [pa.field(f"{lens}_spectrum", pa.string()), pa.field(f"{lens}_score", pa.float64()),
                   pa.field(f"{lens}_uncertainty", pa.float64()), pa.field(f"{lens}_n", pa.int32()),
                   pa.field(f"{lens}_weight", pa.float64())]
    fields += [pa.field("history", pa.int32()), pa.field("planned", pa.int32()), pa.field("evidence", pa.string())]
    return pa.schema(fields)


def findings_schema() -> pa.Schema:
    """One row per trust and finding, as in ``spectrum analyse``."""
    return pa.schema([*_string_fields(["trust", "challenge", "domain", "severity", "status", "rationale"]),
                      pa.field("quotes", pa.int32()), pa.field("evidence", pa.string())])


def document_values(doc: Document, trust: str, source: str, date: str,
                    extra: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The document columns of a row."""
    return {"trust": trust, "source": source, "document_id": doc.id, "title": doc.title, "kind": doc.kind,
            "format": doc.format, "date": date or None, **{k: (v or None) for k, v in extra}}


def segment_row(base: dict[str, Any], c: Classification) -> dict[str, Any]:
    """A classification as a flat row."""
    s = c.segment
    row = dict(base)
    row.update(segment_id=s.id, index=s.index, start=s.start, end=s.end, page=s.page, section=s.section,
               speaker=s.speaker, role=s.role, timestamp=s.timestamp, text=s.text)
    for axis, columns in PROB_COLUMNS.items():
        d: AxisDecision = getattr(c, axis)
        row[axis] = d.label
        row[f"{axis}_confidence"] = d.confidence
        row[f"{axis}_abstained"] = d.abstained
        for label, column in columns:
            row[column] = d.scores.get(label)
    row["context"] = ";".join(c.context)
    row["challenges"] = ";".join(c.challenges)
    for challenge, column in CHALLENGE_COLUMNS:
        row[column] = c.challenge_scores.get(challenge)  # type: ignore[call-overload]  # keys are Challenge literals
    row["rules"] = ";".join(sorted({h.rule_id for h in c.evidence if h.axis != "context"}))
    row["rule_hits"] = json.dumps([h.model_dump(mode="json") for h in c.evidence], ensure_ascii=False)
    return row


def document_row(base: dict[str, Any], doc: Document, segments: int) -> dict[str, Any]:
    """A document as a flat row."""
    speakers = {t.speaker: t.role for t in doc.turns}
    return {**base, "segments": segments, "speakers": json.dumps(speakers, ensure_ascii=False),
            "metadata": json.dumps(doc.metadata, ensure_ascii=False, sort_keys=True)}


#: The segment columns trust analysis reads back (``classification_from_row``). Reading only these
#: leaves out the 22 probability columns, which analysis never uses (rebuilding a trust's
#: classifications from its parts took about a fifth less time).
ANALYSIS_COLUMNS = ("segment_id", "document_id", "source", "index", "text", "start", "end", "page", "section",
                    "speaker", "role", "timestamp", "kind", "context", "challenges", "rule_hits",
                    *(f"{axis}{suffix}" for axis in AXIS_LABELS for suffix in ("", "_confidence", "_abstained")))


def classification_from_row(row: dict[str, Any]) -> Classification:
    """Rebuild what trust analysis needs from a segment row.

    Explanations are not stored, and probabilities are rebuilt only when the row holds them (rows
    read with ``ANALYSIS_COLUMNS`` do not).
    """
    segment = Segment(id=row["segment_id"], document_id=row["document_id"], index=row["index"], text=row["text"],
                      start=row["start"], end=row["end"], page=row["page"], section=row["section"],
                      speaker=row["speaker"], role=row["role"], timestamp=row["timestamp"], kind=row["kind"])
    decisions = {}
    for axis, columns in PROB_COLUMNS.items():
        scores = {label: row[column] for label, column in columns if row.get(column) is not None}
        decisions[axis] = AxisDecision(label=row[axis], scores=scores, confidence=row[f"{axis}_confidence"],
                                       abstained=row[f"{axis}_abstained"])
    split = lambda v: [x for x in (v or "").split(";") if x]
    flags = {c: row[column] for c, column in CHALLENGE_COLUMNS if row.get(column) is not None}
    return Classification(segment=segment, context=split(row["context"]), challenges=split(row["challenges"]),
                          challenge_scores=flags, evidence=[RuleHit(**h) for h in json.loads(row["rule_hits"] or "[]")],
                          **decisions)


def document_from_row(row: dict[str, Any]) -> Document:
    """A text-less Document carrying what trust analysis reads: identity, kind and speakers."""
    turns = [Turn(speaker=k, role=v, start=0, end=0) for k, v in json.loads(row["speakers"] or "{}").items()]
    return Document(id=row["document_id"], source=row["source"], title=row["title"], kind=row["kind"], text="",
                    format=row["format"], turns=turns)


def _position(p: Any, lens: str) -> dict[str, Any]:
    if p is None:
        return {f"{lens}_spectrum": None, f"{lens}_score": None, f"{lens}_uncertainty": None, f"{lens}_n": None,
                f"{lens}_weight": None}
    return {f"{lens}_spectrum": p.spectrum, f"{lens}_score": p.score, f"{lens}_uncertainty": p.uncertainty,
            f"{lens}_n": p.n, f"{lens}_weight": p.weight}


def practice_row(trust: str, p: PracticeProfile) -> dict[str, Any]:
    """A practice profile as a flat row."""
    row: dict[str, Any] = {"trust": trust, "domain": p.domain, "spectrum": p.spectrum, "score": p.score,
                           "uncertainty": p.uncertainty, "tentative": p.tentative, "read_from": p.read_from,
                           "approach": p.approach,
                           "n": sum(p.counts.values())}
    row.update({f"n_{_col(k)}": p.counts.get(k, 0) for k in SPECTRUM_LABELS})
    row.update({f"n_approach_{_col(k)}": p.approach_counts.get(k, 0) for k in APPROACH_LABELS})
    row.update(_position(p.intent, "intent"))
    row.update(_position(p.practice, "practice"))
    row.update(history=p.history, planned=p.planned,
               evidence=json.dumps([q.model_dump(mode="json", exclude_none=True) for q in p.evidence],
                                   ensure_ascii=False))
    return row


def finding_row(trust: str, f: Finding) -> dict[str, Any]:
    """A finding as a flat row."""
    return {"trust": trust, "challenge": f.challenge, "domain": f.domain, "severity": f.severity,
            "status": f.status, "rationale": f.rationale, "quotes": len(f.evidence),
            "evidence": json.dumps([q.model_dump(mode="json", exclude_none=True) for q in f.evidence],
                                   ensure_ascii=False)}


def table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    """Rows to a table of exactly this schema (missing keys become nulls)."""
    return pa.Table.from_pylist(rows, schema=schema)
