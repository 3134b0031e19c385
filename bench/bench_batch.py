"""Batch throughput and memory: 1 worker, 2 workers and a local Dask cluster, against the spaCy floor.

Builds a synthetic corpus of N documents from the annotated corpus's segments (fixed seed; 50
documents per trust folder, paragraphs of 2-6 sentences, 15-45 segments a document), runs
``spectrum batch`` on it in each mode, and prints documents/s, segments/s, words/s, peak RSS of a
worker and the ratio of end-to-end words/s per worker to the words/s of the engine's bare spaCy
pipeline (blank English + sentencizer + lookup lemmatizer: no rules, no model) on the same text
in the same run, the floor of what any spaCy-based engine can do. One worker runs as its own
``spectrum batch --workers 1`` process; two workers and Dask run from this process, their workers
spawned fresh, so every mode's memory figure is a worker's own.

Usage: python bench/bench_batch.py [--docs 1000 --docs 10000] [--modes 1,2,dask] [--markdown FILE]
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import click

from spectrum.batch import Options, run_batch
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
    """One batch run; figures from its run.json."""
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    if mode == "dask":
        from distributed import Client, LocalCluster

        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            t0 = time.perf_counter()  # cluster start-up is not the engine's cost
            run_batch(corpus, out, Options(scheduler=client))
        workers = 2
    elif mode == "1":
        # one worker in a fresh process, as the command line runs it: run in this process, its
        # peak memory would include the benchmark's own (the floor's sample, earlier runs)
        subprocess.run([sys.executable, "-m", "spectrum", "batch", str(corpus), "--out", str(out), "--workers", "1"],
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        workers = 1
    else:
        workers = int(mode)
        run_batch(corpus, out, Options(workers=workers))
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
