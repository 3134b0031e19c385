"""Batch throughput and memory: 1 worker, 2 workers and a local Dask cluster, against the spaCy floor.

Builds a synthetic corpus of N documents from the annotated corpus's segments (fixed seed; 50
documents per trust folder, paragraphs of 2-6 sentences, 15-45 segments a document), runs
``spectrum batch`` on it in each mode, and prints documents/s, segments/s, words/s, peak RSS of a
worker and the ratio of end-to-end words/s per worker to the words/s of the engine's bare spaCy
pipeline (blank English + sentencizer + lookup lemmatizer: no rules, no model) on the same text
in the same run, the floor of what any spaCy-based engine can do. Every mode runs as its own
``spectrum batch`` process (start-up included, as users pay it); Dask's against a local cluster
started beforehand, whose start-up is not counted. Every mode's memory figure is a worker's own.

Usage: python bench/bench_batch.py [--docs 1000 --docs 10000] [--modes 1,2,dask] [--markdown FILE]
"""

from __future__ import annotations

import contextlib
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

from spectrum.corpus.load import load_segments
from spectrum.nlp import make_nlp

#: Paragraphs the spaCy floor is measured on.
FLOOR_SAMPLE = 20000


def make_corpus(root: Path, n: int, seed: int = 7) -> tuple[int, list[str]]:
    """Write n documents; return their word count and the first FLOOR_SAMPLE paragraphs (for the floor).

    Only the sample is kept: one worker runs inside this process, and its peak memory would
    otherwise include every paragraph of the corpus, growing with N for reasons that are not the
    engine's.
    """
    texts = [s.text for s in load_segments()]
    rng = random.Random(seed)
    words = 0
    paragraphs: list[str] = []
    for i in range(n):
        folder = root / f"trust-{i // 50:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        left = rng.randint(15, 45)
        paras = []
        while left > 0:
            k = min(left, rng.randint(2, 6))
            paras.append(" ".join(rng.choice(texts) for _ in range(k)))
            left -= k
        body = "\n\n".join(paras)
        (folder / f"doc-{i:05d}.md").write_text(f"# Document {i}\n\n{body}\n", encoding="utf-8")
        words += len(body.split())
        paragraphs.extend(paras[: max(0, FLOOR_SAMPLE - len(paragraphs))])
    return words, paragraphs


def spacy_floor(paragraphs: list[str]) -> float:
    """Words/s of the bare pipeline over the same paragraphs, in this process."""
    nlp = make_nlp()
    list(nlp.pipe(paragraphs[:200]))
    sample = paragraphs[:FLOOR_SAMPLE]
    words = sum(len(p.split()) for p in sample)
    t0 = time.perf_counter()
    for _ in nlp.pipe(sample, batch_size=256):
        pass
    return words / (time.perf_counter() - t0)


def run_mode(corpus: Path, out: Path, mode: str) -> dict[str, float]:
    """One batch run as the command line runs it, in a fresh process; figures from its run.json.

    Every mode is a `spectrum batch` command, so each pays the start-up a user pays (the parent's
    imports, spawning workers, each worker's engine load), and no worker's peak memory includes
    the benchmark's own. A Dask cluster is started first and its start-up is not counted: users
    point the command at a cluster that is already running.
    """
    shutil.rmtree(out, ignore_errors=True)
    command = [sys.executable, "-m", "spectrum", "batch", str(corpus), "--out", str(out)]
    with contextlib.ExitStack() as stack:
        if mode == "dask":
            from distributed import LocalCluster

            cluster = stack.enter_context(LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                                       dashboard_address=None))
            command += ["--scheduler", cluster.scheduler_address]
            workers = 2
        else:
            workers = int(mode)
            command += ["--workers", str(workers)]
        t0 = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.perf_counter() - t0
    this = json.loads((out / "run.json").read_text(encoding="utf-8"))["this_run"]
    return {"workers": workers, "seconds": seconds, "documents": this["documents"], "segments": this["segments"],
            "words": this["words"], "rss": this["peak_worker_rss_mb"]}


@click.command()
@click.option("--docs", "sizes", multiple=True, type=int, default=[1000], show_default=True)
@click.option("--modes", default="1,2,dask", show_default=True, help="Comma-separated: a worker count or 'dask'.")
@click.option("--markdown", type=click.Path(dir_okay=False, path_type=Path), help="Also write the table here.")
def main(sizes: tuple[int, ...], modes: str, markdown: Path | None) -> None:
    """Run the benchmark and print its figures."""
    lines = ["| documents | mode | seconds | docs/s | segments/s | words/s | words/s per worker "
             "| per-worker / spaCy floor | peak RSS per worker (MB) |", "|---|---|---|---|---|---|---|---|---|"]
    notes = []
    for n in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            corpus = Path(tmp) / "corpus"
            words, paragraphs = make_corpus(corpus, n)
            floor = spacy_floor(paragraphs)
            del paragraphs
            notes.append(f"{n} documents, {words:,} words; bare spaCy pipeline {floor:,.0f} words/s")
            click.echo(notes[-1])
            base = None
            for mode in modes.split(","):
                r = run_mode(corpus, Path(tmp) / "out", mode.strip())
                wps = r["words"] / r["seconds"]
                per = wps / r["workers"]
                base = base or r["seconds"]
                lines.append(f"| {n:,} | {mode} | {r['seconds']:.1f} | {r['documents'] / r['seconds']:.1f} "
                             f"| {r['segments'] / r['seconds']:,.0f} | {wps:,.0f} | {per:,.0f} | {per / floor:.2f} "
                             f"| {r['rss']:.0f} |")
                click.echo(lines[-1] + f"  (speed-up vs first mode: {base / r['seconds']:.2f}x)")
    table = "\n".join(lines)
    click.echo("\n" + table)
    if markdown:
        markdown.write_text("\n".join(f"- {x}" for x in notes) + "\n\n" + table + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
