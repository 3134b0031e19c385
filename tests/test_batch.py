"""Batch runs: tables researchers can load, bad files kept aside, resumable after any kill."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from spectrum.batch import OUTPUTS, Options, run_batch
from spectrum.batch.plan import make_plan, work_order
from spectrum.batch.store import locked
from spectrum.errors import InputError

TRUSTS = Path(__file__).resolve().parents[1] / "corpora" / "trusts"
TABLES = ("segments", "documents", "practices", "findings")


def _tables(out: Path) -> dict[str, object]:
    return {name: pq.read_table(out / f"{name}.parquet") for name in TABLES}


def _same_tables(a: Path, b: Path) -> None:
    ta, tb = _tables(a), _tables(b)
    for name in TABLES:
        assert ta[name].num_rows == tb[name].num_rows, name  # type: ignore[attr-defined]
        assert ta[name].equals(tb[name]), f"{name}.parquet differs"  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two sample trusts, one with a corrupt PDF and a binary file among its documents."""
    root = tmp_path_factory.mktemp("corpus")
    for name in ("riverbend", "greystone"):
        shutil.copytree(TRUSTS / name, root / name, ignore=shutil.ignore_patterns("expected.yml"))
    (root / "greystone" / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\ngarbage")
    (root / "riverbend" / "image.txt").write_bytes(bytes(range(256)) * 64)
    return root


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An uninterrupted single-process run, the yardstick for every other way of running."""
    out = tmp_path_factory.mktemp("reference")
    summary = run_batch(corpus, out, Options(shard_size=3))
    assert summary.failed == []
    return out


def test_writes_every_output_with_one_row_per_segment(reference: Path) -> None:
    for name in OUTPUTS:
        assert (reference / name).is_file(), name
    seg = pq.read_table(reference / "segments.parquet").to_pandas()
    assert not seg.duplicated(["source", "segment_id"]).any()
    assert set(seg["trust"]) == {"riverbend", "greystone"}
    probs = seg[[c for c in seg.columns if c.startswith("p_spectrum_")]]
    assert ((probs.sum(axis=1) - 1).abs() < 0.01).all(), "spectrum probabilities sum to one per segment"
    docs = pq.read_table(reference / "documents.parquet").to_pandas()
    assert docs["segments"].sum() == len(seg)
    run = json.loads((reference / "run.json").read_text())
    assert run["complete"] and run["counts"]["segments"] == len(seg)
    assert len(run["engine"]["model_hash"]) == 16


def test_bad_files_go_to_errors_csv_and_the_rest_is_classified(reference: Path) -> None:
    errors = (reference / "errors.csv").read_text().splitlines()
    assert errors[0] == "file,error,stage"
    bad = {line.split(",")[0] for line in errors[1:]}
    assert bad == {"greystone/broken.pdf", "riverbend/image.txt"}
    docs = pq.read_table(reference / "documents.parquet").column("source").to_pylist()
    assert "greystone/interview-ceo.vtt" in docs and "riverbend/curriculum-framework.md" in docs


def test_practices_and_findings_are_those_of_analyse(reference: Path, corpus: Path) -> None:
    from spectrum.engine import Engine, analyse

    report = analyse(Engine.load(), [corpus / "riverbend"], trust="riverbend")
    practices = [r for r in pq.read_table(reference / "practices.parquet").to_pylist() if r["trust"] == "riverbend"]
    assert [(r["domain"], r["spectrum"], r["approach"]) for r in practices] == [
        (p.domain, p.spectrum, p.approach) for p in report.practices]
    assert [r["score"] for r in practices] == [p.score for p in report.practices]
    findings = [r for r in pq.read_table(reference / "findings.parquet").to_pylist() if r["trust"] == "riverbend"]
    assert [(f["challenge"], f["domain"], f["severity"]) for f in findings] == [
        (f.challenge, f.domain, f.severity) for f in report.findings]


def test_shards_are_worked_largest_first_and_ties_keep_plan_order(corpus: Path) -> None:
    plan = make_plan(corpus, ["engine"], shard_size=3)
    size = {s.key: sum(it.size for it in s.items) for s in plan.shards}
    order = work_order(plan.shards)
    assert sorted(s.key for s in order) == sorted(size)
    assert [size[s.key] for s in order] == sorted(size.values(), reverse=True)
    position = {s.key: i for i, s in enumerate(plan.shards)}
    for a, b in pairwise(order):
        if size[a.key] == size[b.key]:
            assert position[a.key] < position[b.key]


def test_a_second_run_on_an_unchanged_corpus_does_nothing(reference: Path, corpus: Path) -> None:
    stamps = {name: (reference / name).stat().st_mtime_ns for name in OUTPUTS}
    summary = run_batch(corpus, reference, Options(shard_size=3))
    assert summary.up_to_date
    assert stamps == {name: (reference / name).stat().st_mtime_ns for name in OUTPUTS}


def test_a_changed_file_redoes_only_its_shard(reference: Path, corpus: Path, tmp_path: Path) -> None:
    work = tmp_path / "corpus"
    shutil.copytree(corpus, work)
    out = tmp_path / "out"
    run_batch(work, out, Options(shard_size=3))
    minutes = work / "riverbend" / "board-minutes-2024-06.md"
    minutes.write_text(minutes.read_text() + "\n\nAll schools now use the trust's assessment calendar.\n")
    summary = run_batch(work, out, Options(shard_size=3))
    assert summary.payload["this_run"]["documents"] == 3
    assert (out / "run.json").is_file() and summary.payload["complete"]


def test_two_workers_give_the_same_tables(reference: Path, corpus: Path, tmp_path: Path) -> None:
    run_batch(corpus, tmp_path, Options(shard_size=3, workers=2))
    _same_tables(reference, tmp_path)


def test_a_dask_cluster_gives_the_same_tables(reference: Path, corpus: Path, tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as c, \
            distributed.Client(c) as client:
        summary = run_batch(corpus, tmp_path, Options(shard_size=3, scheduler=client))
    assert summary.failed == []
    _same_tables(reference, tmp_path)


def test_a_run_killed_mid_way_resumes_to_the_same_tables(reference: Path, corpus: Path, tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "spectrum", "batch", str(corpus), "--out", str(tmp_path), "--shard-size", "3"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    markers = tmp_path / "parts" / "shards"
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if markers.is_dir() and len(list(markers.glob("*.done.json"))) >= 2:
                break
            time.sleep(0.02)
        assert proc.poll() is None, "the run ended before it could be killed"
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait()
    assert not (tmp_path / "run.json").exists()
    finished = len(list(markers.glob("*.done.json")))
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    run = json.loads((tmp_path / "run.json").read_text())
    assert run["this_run"]["documents"] < run["counts"]["documents"], f"{finished} shards were kept"
    _same_tables(reference, tmp_path)
    seg = pq.read_table(tmp_path / "segments.parquet").to_pandas()
    assert not seg.duplicated(["source", "segment_id"]).any()


def test_manifest_columns_flow_into_the_tables(corpus: Path, tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text("path,trust,kind,date,region\n"
                        "riverbend/curriculum-framework.md,Riverbend Trust,policy,2024-09-01,South West\n"
                        "greystone/interview-ceo.vtt,Greystone Trust,,2024-06-12,North\n")
    out = tmp_path / "out"
    run_batch(corpus, out, Options(manifest=manifest))
    seg = pq.read_table(out / "segments.parquet").to_pandas()
    assert set(seg["trust"]) == {"Riverbend Trust", "Greystone Trust"}
    assert set(seg.loc[seg["trust"] == "Riverbend Trust", "kind"]) == {"policy"}
    assert set(seg.loc[seg["trust"] == "Greystone Trust", "region"]) == {"North"}
    assert set(seg["date"]) == {"2024-09-01", "2024-06-12"}


@pytest.mark.parametrize(("row", "message"), [
    ("../../etc/passwd,X", "outside the corpus"),
    ("riverbend/not-there.md,X", "does not exist"),
    ("riverbend/curriculum-framework.md,X,novel", "unknown document kind"),
])
def test_a_bad_manifest_row_stops_the_run_before_it_starts(corpus: Path, tmp_path: Path, row: str,
                                                           message: str) -> None:
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f"path,trust,kind\n{row}\n")
    with pytest.raises(InputError, match=message) as info:
        run_batch(corpus, tmp_path / "out", Options(manifest=manifest))
    assert "manifest.csv" in str(info.value) and "line 2" in str(info.value)
    assert not (tmp_path / "out" / "segments.parquet").exists()


def test_a_live_lock_stops_a_second_writer_and_a_dead_ones_lock_is_taken_over(tmp_path: Path) -> None:
    with locked(tmp_path), pytest.raises(InputError, match="another run"), locked(tmp_path):
        pass
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    import socket

    (tmp_path / ".lock").write_text(json.dumps({"host": socket.gethostname(), "pid": int(dead.stdout)}))
    with locked(tmp_path):
        assert json.loads((tmp_path / ".lock").read_text())["pid"] == os.getpid()
    assert not (tmp_path / ".lock").exists()


def test_the_cli_refuses_a_corpus_without_documents(tmp_path: Path) -> None:
    (tmp_path / "notes.yml").write_text("a: 1\n")
    result = subprocess.run([sys.executable, "-m", "spectrum", "batch", str(tmp_path), "--out",
                             str(tmp_path / "out")], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1].startswith(f"error: {tmp_path}: no supported files")


def _worker_peak(_: int) -> float:
    from spectrum.batch.work import _peak_rss_mb

    return _peak_rss_mb()


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the parent's peak leaks into ru_maxrss only on Linux")
def test_a_spawned_workers_peak_memory_is_its_own_not_its_parents() -> None:
    """A worker's reported peak must not include what the process that spawned it held (run.json's
    peak_worker_rss_mb, and the benchmark's memory column, read it)."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    from spectrum.batch.work import _peak_rss_mb

    held = bytearray(600 * 1024 * 1024)
    held[:: 4096] = b"\1" * len(held[:: 4096])  # touch every page so it is resident
    parent = _peak_rss_mb()
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        child = pool.submit(_worker_peak, 0).result()
    del held
    assert parent > 600
    assert child < parent - 400, (child, parent)


def test_a_worker_keeps_the_corpus_words_across_memory_zones() -> None:
    """Words of the annotated corpus are in the vocabulary before the first shard's memory zone, so
    no shard makes them again; a word the corpus never uses lives only in its zone."""
    import json

    from spectrum.batch.work import warm_vocabulary
    from spectrum.corpus.load import default_corpus_dir
    from spectrum.nlp import make_nlp

    first = next((default_corpus_dir() / "segments").glob("b01.jsonl")).open(encoding="utf-8").readline()
    text = json.loads(first)["text"]

    def kept_after_a_zone(warm: bool) -> tuple[bool, bool]:
        nlp = make_nlp.__wrapped__()  # a pipeline of its own: the shared one may be warm already
        nlp("Ready.")  # the engine's own first call, made outside any zone
        if warm:
            warm_vocabulary(nlp)
        with nlp.memory_zone():
            words = [t.text for t in nlp(text)]
            nlp("Zqxwvy blorptastic")
        return all(w in nlp.vocab for w in words), "Zqxwvy" in nlp.vocab

    assert kept_after_a_zone(warm=True) == (True, False)
    assert kept_after_a_zone(warm=False) == (False, False)  # without it, the zone takes the words away


def test_warming_by_distinct_chunks_leaves_the_vocabulary_of_every_passage() -> None:
    """The tokenizer works chunk by chunk, so each distinct chunk once is as good as every passage."""
    from spectrum.batch.work import warm_vocabulary
    from spectrum.corpus.load import load_segments
    from spectrum.nlp import make_nlp

    warmed = make_nlp.__wrapped__()
    warm_vocabulary(warmed)
    every = make_nlp.__wrapped__()
    for _ in every.tokenizer.pipe([s.text for s in load_segments()]):
        pass

    def words(nlp: Any) -> set[str]:  # runs of spaces inside a passage are the only other entries
        return {lex.orth_ for lex in nlp.vocab if lex.orth_.strip()}

    assert words(warmed) == words(every)
    assert len(warmed.vocab) > 5000


def test_the_parent_of_a_batch_run_plans_without_importing_spacy_or_scikit_learn() -> None:
    """Workers load the engine themselves; a parent that imported it too would delay their start."""
    code = ("import sys; from spectrum.batch import run_batch; from spectrum.identity import describe; "
            "describe(); print(sorted(m for m in ('spacy', 'sklearn', 'scipy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout + out.stderr
