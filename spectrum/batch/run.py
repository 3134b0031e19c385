"""A batch run from plan to outputs: execute what is not done, then merge the parts.

Work goes out to one of three executors that share one interface (inline, a local process
pool, a Dask cluster); each yields task results as they complete, so progress is live and the
parent never holds more than one part in memory while merging.
"""

from __future__ import annotations

import csv
import json
import shutil
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from spectrum.batch.plan import Plan, make_plan, work_order
from spectrum.batch.store import Store, atomic_write, locked, write_json
from spectrum.batch.tables import documents_schema, findings_schema, practices_schema, segments_schema
from spectrum.batch.work import EngineSpec, ShardTask, TrustTask, run_shard, run_trust
from spectrum.identity import describe

OUTPUTS = ("segments.parquet", "documents.parquet", "practices.parquet", "practices.csv", "findings.parquet",
           "findings.csv", "errors.csv", "run.json")


@dataclass
class Options:
    """Everything that decides a run's results (and so its resumable identity), plus how to run it."""

    manifest: Path | None = None
    workers: int = 1
    scheduler: Any = None  # "tcp://host:8786" or a dask.distributed Client
    resume: bool = True
    limit: int | None = None
    shard_size: int = 40
    rules: tuple[Path, ...] = ()
    model: Path | None = None
    rules_only: bool = False
    show_names: bool = False


@dataclass
class Progress:
    """Callbacks the CLI turns into a progress bar; the library itself prints nothing."""

    start: Callable[[int], None] = lambda total: None
    advance: Callable[[int], None] = lambda n: None
    note: Callable[[str], None] = lambda message: None


@dataclass
class Summary:
    """What a run did, as written to run.json."""

    up_to_date: bool = False
    failed: list[dict[str, str]] = field(default_factory=list)
    payload: dict[str, Any] = field(default_factory=dict)


class _Executor:
    """Runs tasks where the options say, with one pool or client for the whole run.

    The pool outlives both phases (shards, then trusts), so worker processes and the engines they
    loaded are paid for once. A task that raises is recorded and the rest go on.
    """

    def __init__(self, options: Options, failed: list[dict[str, str]]) -> None:
        self.options = options
        self.failed = failed
        self.pool: ProcessPoolExecutor | None = None
        self.client: Any = None
        self.own_client = False

    def __enter__(self) -> _Executor:
        if self.options.scheduler is not None:
            from distributed import Client

            self.own_client = not isinstance(self.options.scheduler, Client)
            self.client = Client(self.options.scheduler) if self.own_client else self.options.scheduler
        elif self.options.workers > 1:
            self.pool = ProcessPoolExecutor(max_workers=self.options.workers, mp_context=get_context("spawn"))
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
        if self.client is not None and self.own_client:
            self.client.close()

    def map(self, fn: Callable[[Any], dict[str, Any]], tasks: Sequence[Any],
            name: Callable[[Any], str]) -> Iterator[dict[str, Any]]:
        """Results in completion order."""
        if not tasks:
            return
        if self.client is not None:
            from distributed import as_completed as dask_completed

            futures = self.client.map(fn, list(tasks), pure=False)
            index = {f.key: t for f, t in zip(futures, tasks, strict=True)}
            for fut in dask_completed(futures):
                yield from self._result(fut.result, index[fut.key], name)
        elif self.pool is not None:
            pending = {self.pool.submit(fn, t): t for t in tasks}
            for fut in as_completed(pending):
                yield from self._result(fut.result, pending[fut], name)
        else:
            for task in tasks:
                yield from self._result(lambda t=task: fn(t), task, name)  # type: ignore[misc]

    def _result(self, get: Callable[[], dict[str, Any]], task: Any,
                name: Callable[[Any], str]) -> Iterator[dict[str, Any]]:
        try:
            yield get()
        except Exception as exc:
            self.failed.append({"file": name(task), "stage": "worker", "error": _why(exc)})


def _why(exc: BaseException) -> str:
    return " ".join(f"{type(exc).__name__}: {exc}".split())


def _merge_parquet(out: Path, parts: Iterable[Path], schema: pa.Schema) -> int:
    rows = 0

    def write(tmp: Path) -> None:
        nonlocal rows
        with pq.ParquetWriter(tmp, schema, compression="zstd") as writer:
            for part in parts:
                tbl = pq.read_table(part, schema=schema)
                rows += tbl.num_rows
                writer.write_table(tbl)

    atomic_write(out, write)
    return rows


def _csv_from_parquet(parquet: Path, out: Path) -> None:
    atomic_write(out, lambda tmp: pacsv.write_csv(pq.read_table(parquet), tmp))


def _write_errors(out: Path, rows: list[dict[str, str]]) -> None:
    def write(tmp: Path) -> None:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=["file", "error", "stage"], extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)

    atomic_write(out, write)


def _up_to_date(store: Store, plan: Plan) -> bool:
    try:
        previous = json.loads((store.root / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(previous.get("plan") == plan.digest and previous.get("complete")
                and all((store.root / name).is_file() for name in OUTPUTS))


def run_batch(corpus: Path, out: Path, options: Options | None = None, progress: Progress | None = None) -> Summary:
    """Classify a corpus into ``out``; safe to kill and to rerun with the same arguments."""
    options = options or Options()
    progress = progress or Progress()
    started = time.time()
    info = describe(options.rules or None, options.model, options.rules_only)
    plan = make_plan(corpus, [info.version, info.model_hash, info.rules_hash], options.manifest, options.shard_size,
                     options.limit, ["names" if options.show_names else "pseudonyms"])
    store = Store(out)
    summary = Summary()
    with locked(out):
        if not options.resume:
            shutil.rmtree(store.parts, ignore_errors=True)
        elif _up_to_date(store, plan):
            summary.up_to_date = True
            progress.note(f"{out}: up to date ({plan.documents} files already classified); nothing to do")
            return summary
        spec = EngineSpec(tuple(str(r) for r in options.rules), str(options.model) if options.model else None,
                          options.rules_only)
        extra = tuple(plan.extra_columns)
        pending = work_order([s for s in plan.shards if store.done("shards", s.key) is None])
        progress.note(f"{plan.documents} files in {len(plan.shards)} shards, {len(plan.trusts)} trusts; "
                      f"{len(plan.shards) - len(pending)} shards already done")
        progress.start(sum(len(s.items) for s in pending))
        ran: dict[str, Any] = {"documents": 0, "segments": 0, "words": 0, "seconds": 0.0, "rss_mb": 0.0}
        t_work = time.perf_counter()
        with _Executor(options, summary.failed) as executor:
            for result in executor.map(run_shard, [ShardTask(s, str(out), spec, extra) for s in pending],
                                       lambda t: f"shard of {t.shard.trust} ({len(t.shard.items)} files)"):
                progress.advance(result["files"])
                if result.get("skipped"):
                    continue
                for k in ("documents", "segments", "words", "seconds"):
                    ran[k] += result[k]
                ran["rss_mb"] = max(ran["rss_mb"], result.get("rss_mb", 0.0))
            classify_seconds = time.perf_counter() - t_work
            done_shards = {s.key for s in plan.shards if store.done("shards", s.key) is not None}
            trusts = [t for t in plan.trusts if set(t.shards) <= done_shards and store.done("trusts", t.key) is None]
            for t in plan.trusts:
                if not set(t.shards) <= done_shards:
                    summary.failed.append({"file": t.name, "stage": "analyse", "error": "some of its shards failed"})
            progress.note(f"analysing {len(trusts)} trusts")
            for _ in executor.map(run_trust, [TrustTask(t, str(out), info, extra, options.show_names) for t in trusts],
                                  lambda t: t.trust.name):
                pass
        for kind, keep in (("shards", done_shards), ("segments", done_shards), ("documents", done_shards),
                           ("trusts", {t.key for t in plan.trusts}), ("practices", {t.key for t in plan.trusts}),
                           ("findings", {t.key for t in plan.trusts})):
            store.prune(kind, keep)
        summary.payload = _merge(store, plan, info, options, summary, ran, classify_seconds, started)
    return summary


def _merge(store: Store, plan: Plan, info: Any, options: Options, summary: Summary, ran: dict[str, Any],
           classify_seconds: float, started: float) -> dict[str, Any]:
    """Concatenate finished parts, in plan order, into the run's outputs and describe the run."""
    out = store.root
    extra = plan.extra_columns
    shards = [s for s in plan.shards if store.done("shards", s.key) is not None]
    trusts = [t for t in plan.trusts if store.done("trusts", t.key) is not None]
    segments = _merge_parquet(out / "segments.parquet", (store.part("segments", s.key) for s in shards),
                              segments_schema(extra))
    documents = _merge_parquet(out / "documents.parquet", (store.part("documents", s.key) for s in shards),
                               documents_schema(extra))
    practices = _merge_parquet(out / "practices.parquet", (store.part("practices", t.key) for t in trusts),
                               practices_schema())
    findings = _merge_parquet(out / "findings.parquet", (store.part("findings", t.key) for t in trusts),
                              findings_schema())
    _csv_from_parquet(out / "practices.parquet", out / "practices.csv")
    _csv_from_parquet(out / "findings.parquet", out / "findings.csv")
    errors = [{"file": rel, "stage": "plan", "error": why} for rel, why in plan.problems]
    for s in shards:
        errors.extend((store.done("shards", s.key) or {}).get("problems", []))
    errors.extend(summary.failed)
    _write_errors(out / "errors.csv", errors)
    elapsed = time.time() - started
    payload = {
        "engine": info.model_dump(),
        "plan": plan.digest,
        "complete": not summary.failed,
        "corpus": plan.corpus,
        "manifest": str(options.manifest) if options.manifest else None,
        "counts": {"files": plan.documents, "documents": documents, "segments": segments, "trusts": len(trusts),
                   "practices": practices, "findings": findings, "errors": len(errors),
                   "shards": len(plan.shards), "shards_done": len(shards),
                   "shards_failed": len(plan.shards) - len(shards)},
        "this_run": {"documents": ran["documents"], "segments": ran["segments"], "words": ran["words"],
                     "classify_seconds": round(classify_seconds, 3),
                     "documents_per_second": round(ran["documents"] / classify_seconds, 2) if classify_seconds else 0,
                     "peak_worker_rss_mb": ran["rss_mb"], "workers": options.workers,
                     "scheduler": str(options.scheduler) if options.scheduler else None},
        "seconds": round(elapsed, 3),
        "started": datetime.fromtimestamp(started, UTC).isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    write_json(out / "run.json", payload)
    return payload
