"""The two units of work a batch is made of, runnable in any process or on any Dask worker.

``run_shard`` reads, segments and classifies one shard and commits its parts; ``run_trust``
turns one trust's committed segment parts into practices and findings. Both take plain,
picklable task records and read and write only under the output folder, so a local process pool
and a Dask cluster run exactly the same code and produce the same bytes.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from spectrum.batch.plan import Shard, TrustPlan
from spectrum.batch.store import Store, atomic_write, write_parquet
from spectrum.batch.tables import (
    ANALYSIS_COLUMNS,
    classification_from_row,
    document_from_row,
    document_row,
    document_values,
    documents_schema,
    finding_row,
    findings_schema,
    practice_row,
    practices_schema,
    segment_row,
    segments_schema,
    table,
)
from spectrum.collector import collector_paused
from spectrum.errors import SpectrumError
from spectrum.models import Classification, Document, EngineInfo
from spectrum.vocab import SpeakerRole

#: Segments classified together: one model call per axis per group keeps the model's overhead small.
GROUP_SEGMENTS = 2000
WARM_UP = "Every academy in the trust follows the shared curriculum, which heads wrote together."


@dataclass(frozen=True)
class EngineSpec:
    """How to build the engine in a worker (paths, not objects, so it crosses process boundaries)."""

    rules: tuple[str, ...] = ()
    model: str | None = None
    rules_only: bool = False


@dataclass(frozen=True)
class ShardTask:
    """A shard to classify, and where to commit it."""

    shard: Shard
    out: str
    engine: EngineSpec
    extra_columns: tuple[str, ...]


@dataclass(frozen=True)
class TrustTask:
    """A trust to aggregate from its committed shards."""

    trust: TrustPlan
    out: str
    info: EngineInfo
    extra_columns: tuple[str, ...]
    show_names: bool


_ENGINES: dict[EngineSpec, Any] = {}


def engine_for(spec: EngineSpec) -> Any:
    """The worker's engine, loaded and warmed once per process."""
    if spec not in _ENGINES:
        from spectrum.engine import Engine

        engine = Engine.load([Path(r) for r in spec.rules] or None, Path(spec.model) if spec.model else None,
                             rules_only=spec.rules_only)
        warm_vocabulary(engine.nlp)
        engine.classify_texts([WARM_UP])  # strings seen before the first memory zone stay for good
        _ENGINES[spec] = engine
    return _ENGINES[spec]


def warm_vocabulary(nlp: Any) -> int:
    """Give the vocabulary, for good, the words of the annotated corpus; returns how many it holds.

    Each shard runs inside ``nlp.memory_zone()``, which frees every word first met inside it, so
    each shard made again, at tens of microseconds each, a lexeme for every word the engine had
    not met before the first zone: "the", "school", "curriculum". Tokenising the corpus's 7,000
    passages once per worker (about a second) keeps the words trust documents use: on the sample
    trusts' 45,000 words, written apart from the corpus, the words new to a zone fell from 11,430
    to 2,748 and the spaCy pipeline's time inside a zone from 0.94 s to 0.36 s, for about 3 MB.
    The tokenizer makes lexemes and caches its splits per whitespace-separated chunk, so tokenising
    each distinct chunk once leaves the same vocabulary as tokenising every passage, in a sixth of
    the time (0.07 s instead of 0.45 s, paid by every worker at start-up).
    Without the corpus (an engine installed without it) nothing is warmed.
    """
    from spectrum.corpus.load import load_segments

    try:
        texts = [s.text for s in load_segments()]
    except (SpectrumError, OSError):
        texts = []  # warming up is for speed and must never fail a run
    chunks = sorted({chunk for text in texts for chunk in text.split()})
    for i in range(0, len(chunks), 2000):
        nlp.tokenizer(" ".join(chunks[i : i + 2000]))
    return len(nlp.vocab)


def _read(item_path: Path, kind: str | None, folder_speakers: dict[Path, dict[str, SpeakerRole]]) -> Iterator[Document]:
    from spectrum.ingest import read, speakers_for
    from spectrum.ingest.kinds import check_kind

    yield from read(item_path, check_kind(kind, str(item_path)) if kind else None,
                    speakers_for(item_path, folder_speakers))


def _source(doc: Document, item_path: str, relpath: str) -> str:
    return relpath + doc.source[len(item_path):] if doc.source.startswith(item_path) else relpath


def run_shard(task: ShardTask) -> dict[str, Any]:
    """Classify one shard and commit its segments, documents and problems; return its summary."""
    with collector_paused():  # reading and segmenting allocate as heavily as classifying
        return _run_shard(task)


def _run_shard(task: ShardTask) -> dict[str, Any]:
    store = Store(Path(task.out))
    key = task.shard.key
    done = store.done("shards", key)
    if done is not None:
        return {**done, "skipped": True}
    engine = engine_for(task.engine)
    extra = list(task.extra_columns)
    t0 = time.perf_counter()
    problems: list[dict[str, str]] = []
    doc_rows: list[dict[str, Any]] = []
    counts = {"documents": 0, "segments": 0, "words": 0}

    def groups() -> Iterator[list[tuple[dict[str, Any], Document]]]:
        """Documents read and labelled with their row base, grouped up to GROUP_SEGMENTS words' worth."""
        folder_speakers: dict[Path, dict[str, SpeakerRole]] = {}
        group: list[tuple[dict[str, Any], Document]] = []
        size = 0
        for item in task.shard.items:
            try:
                for doc in _read(Path(item.path), item.kind, folder_speakers):
                    source = _source(doc, item.path, item.relpath)
                    doc = doc.model_copy(update={"source": source})
                    group.append((document_values(doc, item.trust, source, item.date, item.extra), doc))
                    size += len(doc.text) // 120  # about a sentence per 120 characters
                    if size >= GROUP_SEGMENTS:
                        yield group
                        group, size = [], 0
            except SpectrumError as exc:
                problems.append({"file": item.relpath, "stage": "ingest", "error": exc.reason})
            except Exception as exc:  # a reader bug on one odd file must not cost the shard
                problems.append({"file": item.relpath, "stage": "ingest", "error": f"{type(exc).__name__}: {exc}"})
        if group:
            yield group

    def segment_tables() -> Iterator[pa.Table]:
        with engine.nlp.memory_zone():
            for group in groups():
                rows: list[dict[str, Any]] = []
                for base, doc, classified in _classify(engine, group, problems):
                    rows.extend(segment_row(base, c) for c in classified)
                    doc_rows.append(document_row(base, doc, len(classified)))
                    counts["documents"] += 1
                    counts["segments"] += len(classified)
                    counts["words"] += len(doc.text.split())
                yield table(rows, segments_schema(extra))

    seg_schema = segments_schema(extra)

    def write_segments(tmp: Path) -> None:
        with pq.ParquetWriter(tmp, seg_schema, compression="zstd") as writer:
            for tbl in segment_tables():
                writer.write_table(tbl)

    atomic_write(store.part("segments", key), write_segments)
    write_parquet(store.part("documents", key), table(doc_rows, documents_schema(extra)))
    summary = {"key": key, "trust": task.shard.trust, "files": len(task.shard.items), **counts,
               "problems": problems, "seconds": round(time.perf_counter() - t0, 3), "rss_mb": _peak_rss_mb()}
    store.mark_done("shards", key, summary)
    return {**summary, "skipped": False}


def _peak_rss_mb() -> float:
    """Peak resident memory of the calling process, so runs can show memory stays flat as the corpus grows.

    On Linux this is the address space's high-water mark (``VmHWM``), not ``ru_maxrss``: a spawned
    worker starts as a fork of its parent, and Linux carries the parent's peak into the child's
    ``ru_maxrss`` across the exec, so a worker spawned by a process holding 800 MB reported 813 MB
    while its own peak was 14 MB (measured). Pool workers spawned by a benchmark that had already
    run the engine in process reported 580-630 MB that way.
    """
    import resource
    import sys

    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024, 1)


def _classify(engine: Any, group: Sequence[tuple[dict[str, Any], Document]],
              problems: list[dict[str, str]]) -> Iterator[tuple[dict[str, Any], Document, list[Classification]]]:
    """Segment a group of documents, classify all their segments in one batch, hand them back per document."""
    from spectrum.segment import parse_documents

    parsed = list(parse_documents([doc for _, doc in group], engine.nlp))
    spans = [p.span for doc_parsed in parsed for p in doc_parsed]
    segments = [p.segment for doc_parsed in parsed for p in doc_parsed]
    try:
        classified = engine.classify_spans(spans, segments)
    except Exception as exc:  # classify one document at a time to find the one that fails
        if len(group) == 1:
            problems.append({"file": group[0][0]["source"], "stage": "classify",
                             "error": f"{type(exc).__name__}: {exc}"})
            return
        for one in group:
            yield from _classify(engine, [one], problems)
        return
    at = 0
    for (base, doc), doc_parsed in zip(group, parsed, strict=True):
        yield base, doc, classified[at : at + len(doc_parsed)]
        at += len(doc_parsed)


def run_trust(task: TrustTask) -> dict[str, Any]:
    """Aggregate one trust's committed segments into its practices and findings."""
    with collector_paused():  # rebuilding a trust's classifications from rows makes objects by the thousand
        return _run_trust(task)


def _run_trust(task: TrustTask) -> dict[str, Any]:
    from spectrum.analysis import build_report

    store = Store(Path(task.out))
    key = task.trust.key
    done = store.done("trusts", key)
    if done is not None:
        return {**done, "skipped": True}
    by_source: dict[str, list[Classification]] = {}
    documents: list[Document] = []
    for shard_key in task.trust.shards:
        for row in pq.read_table(store.part("documents", shard_key)).to_pylist():
            documents.append(document_from_row(row))
            by_source[row["source"]] = []
        for row in pq.read_table(store.part("segments", shard_key), columns=list(ANALYSIS_COLUMNS)).to_pylist():
            by_source[row["source"]].append(classification_from_row(row))
    name = task.trust.name
    practices: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    if documents:
        report = build_report(name, [(d, by_source[d.source]) for d in documents], task.info,
                              show_names=task.show_names)
        practices = [practice_row(name, p) for p in report.practices]
        findings = [finding_row(name, f) for f in report.findings]
    write_parquet(store.part("practices", key), table(practices, practices_schema()))
    write_parquet(store.part("findings", key), table(findings, findings_schema()))
    summary = {"key": key, "trust": name, "practices": len(practices), "findings": len(findings)}
    store.mark_done("trusts", key, summary)
    return {**summary, "skipped": False}

