"""End-to-end time of ``spectrum analyse`` on a trust-sized input, with the time split by stage.

Builds a 15-document trust (about 100 pages, 50,000 words) in a temporary folder from the sample
trusts' own files, keeping their formats (PDF, DOCX, HTML, Markdown, plain-text, WebVTT and SRT
transcripts): each document joins several sample files of one format until it holds its share of
the words. Then it times

* the command a reviewer runs (``spectrum analyse DIR --format html -o FILE``) in a fresh process,
  start-up and imports included — the figure the target (under 10 s) is about;
* the same work in process, stage by stage: pipeline build, rule compilation and model load,
  reading, tokenisation and segmentation, rules, model (features, probabilities, decide),
  analysis (profiles and findings) and rendering (HTML, Markdown and JSON).

Usage: python bench/bench_analyse.py [--words N] [--runs K] [--markdown]
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import srt
import yaml
from bs4 import BeautifulSoup
from docx import Document as DocxDocument
from pypdf import PdfWriter

from spectrum.analysis import build_report
from spectrum.corpus.load import default_corpus_dir
from spectrum.engine import Engine
from spectrum.ingest import iter_documents
from spectrum.model import default_model_path, load_model
from spectrum.models import Document
from spectrum.nlp import make_nlp
from spectrum.report import render
from spectrum.rules import compile_rules
from spectrum.segment import parse_documents

#: Documents of the built trust by format, and the stem that makes kind inference see them right.
PLAN = [("pdf", "policy-handbook"), ("pdf", "central-services-manual"), ("docx", "trustees-annual-report"),
        ("docx", "trustees-report-archive"), ("html", "about-the-trust"), ("html", "our-schools"),
        ("md", "policies"), ("md", "curriculum-policy"), ("md", "scheme-of-delegation"), ("md", "board-minutes"),
        ("txt", "interview-headteachers"), ("txt", "interview-executive-team"), ("vtt", "interview-ceo"),
        ("vtt", "interview-teachers"), ("srt", "interview-trustees")]
_VTT_TIME = re.compile(r"(\d{2}):(\d{2}):(\d{2})\.(\d{3})")


def _samples() -> dict[str, list[tuple[Path, int]]]:
    """Sample files by format, with their word counts as the engine reads them."""
    out: dict[str, list[tuple[Path, int]]] = {}
    for path in sorted((default_corpus_dir() / "trusts").glob("*/*")):
        fmt = path.suffix.lstrip(".")
        if fmt in {"yml", "yaml"}:
            continue
        words = sum(len(d.text.split()) for d in iter_documents([path]) if isinstance(d, Document))
        out.setdefault(fmt, []).append((path, words))
    return out


def _pick(pool: list[tuple[Path, int]], start: int, words: int) -> list[Path]:
    """Sample files from ``start`` round the pool (repeating if it is small) until ``words`` are reached."""
    chosen: list[Path] = []
    total, k = 0, start
    while not chosen or total + pool[k % len(pool)][1] / 2 < words:
        path, n = pool[k % len(pool)]
        chosen.append(path)
        total += max(n, 1)
        k += 1
    return chosen


def _shift_vtt(text: str, seconds: float) -> str:
    def shift(m: re.Match[str]) -> str:
        t = int(m[1]) * 3600 + int(m[2]) * 60 + int(m[3]) + int(m[4]) / 1000 + seconds
        return f"{int(t // 3600):02d}:{int(t % 3600 // 60):02d}:{int(t % 60):02d}.{round(t % 1 * 1000):03d}"
    return _VTT_TIME.sub(shift, text)


def _join(fmt: str, parts: list[Path], out: Path) -> None:
    """One document of format ``fmt`` holding the content of ``parts`` in order."""
    if fmt == "pdf":
        writer = PdfWriter()
        for p in parts:
            writer.append(str(p))
        with out.open("wb") as fh:
            writer.write(fh)
    elif fmt == "docx":
        first = DocxDocument(str(parts[0]))
        body = first.element.body
        for p in parts[1:]:
            for el in DocxDocument(str(p)).element.body:
                if not el.tag.endswith("sectPr"):
                    body.append(copy.deepcopy(el))
        first.save(str(out))
    elif fmt == "html":
        soup = BeautifulSoup("<!DOCTYPE html><html><head><title>Trust</title></head><body><main></main></body></html>", "lxml")
        main = soup.find("main")
        for p in parts:
            part = BeautifulSoup(p.read_text(encoding="utf-8"), "lxml")
            src = part.find("main") or part.find("body")
            for child in list(src.children) if src else []:
                main.append(copy.copy(child))  # type: ignore[union-attr]
        out.write_text(str(soup), encoding="utf-8")
    elif fmt == "vtt":
        chunks, offset = ["WEBVTT\n"], 0.0
        for p in parts:
            body = p.read_text(encoding="utf-8").split("\n", 1)[1]
            chunks.append(_shift_vtt(body, offset))
            offset += 3600.0
        out.write_text("\n".join(chunks), encoding="utf-8")
    elif fmt == "srt":
        subs, later = [], dt.timedelta()
        for p in parts:
            for s in srt.parse(p.read_text(encoding="utf-8")):
                subs.append(srt.Subtitle(0, s.start + later, s.end + later, s.content))
            later += dt.timedelta(hours=1)
        out.write_text(srt.compose(subs, reindex=True), encoding="utf-8")
    else:
        out.write_text("\n\n".join(p.read_text(encoding="utf-8") for p in parts), encoding="utf-8")


def build_trust(folder: Path, words: int) -> tuple[int, int]:
    """Write the benchmark trust into ``folder``; returns (documents, words) as the engine reads them."""
    samples = _samples()
    share = words // len(PLAN)
    for n, (fmt, stem) in enumerate(PLAN):
        _join(fmt, _pick(samples[fmt], 3 * n, share), folder / f"{stem}.{fmt}")
    speakers: dict[str, str] = {}
    for f in sorted((default_corpus_dir() / "trusts").glob("*/speakers.yml")):
        speakers.update(yaml.safe_load(f.read_text(encoding="utf-8")) or {})
    (folder / "speakers.yml").write_text(yaml.safe_dump(speakers, allow_unicode=True), encoding="utf-8")
    docs = [d for d in iter_documents([folder]) if isinstance(d, Document)]
    return len(docs), sum(len(d.text.split()) for d in docs)


@contextmanager
def _timed(stages: dict[str, float], name: str) -> Iterator[None]:
    t0 = time.perf_counter()
    yield
    stages[name] = stages.get(name, 0.0) + time.perf_counter() - t0


def stage_times(folder: Path) -> tuple[dict[str, float], int]:
    """Seconds per stage for one in-process analysis of ``folder``, and the number of segments."""
    stages: dict[str, float] = {}
    with _timed(stages, "pipeline build"):
        nlp = make_nlp()
    with _timed(stages, "rule compilation"):
        rules = compile_rules(nlp)
    with _timed(stages, "model load"):
        path = default_model_path()
        engine = Engine(nlp, rules, load_model(path), path)
    with _timed(stages, "reading"):
        docs = [d for d in iter_documents([folder]) if isinstance(d, Document)]
    with _timed(stages, "tokenisation"):
        parsed = list(parse_documents(docs, nlp))
    classified = []
    for doc, ps in zip(docs, parsed, strict=True):
        spans, segments = [p.span for p in ps], [p.segment for p in ps]
        with _timed(stages, "rules"):
            found = rules.apply(spans)
        with _timed(stages, "model"):
            classified.append((doc, engine._classify(spans, segments, found)))
    with _timed(stages, "analysis"):
        report = build_report("Benchmark Trust", classified, engine.info)
    for fmt in ("html", "md", "json"):
        with _timed(stages, "rendering"):
            render(report, fmt)
    return stages, sum(len(ps) for ps in parsed)


def _child(cmd: list[str]) -> tuple[float, float, str]:
    """Wall-clock and CPU seconds of a fresh process, and its stdout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(cmd, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime, done.stdout


def cli_time(folder: Path, out: Path) -> tuple[float, float]:
    """Wall-clock and CPU seconds of the reviewer's command in a fresh process."""
    exe = Path(sys.executable).with_name("spectrum")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-c", "from spectrum.cli import main; main()"]
    wall, cpu, _ = _child([*cmd, "analyse", str(folder), "--format", "html", "-o", str(out)])
    return wall, cpu


def import_time() -> float:
    """Seconds a fresh process spends importing what analyse needs (spaCy, scikit-learn, readers)."""
    code = ("import time; t = time.perf_counter(); "
            "import spectrum.cli, spectrum.engine, spectrum.analysis, spectrum.report, spectrum.ingest; "
            "print(time.perf_counter() - t)")
    return float(_child([sys.executable, "-c", code])[2])


def main(words: int, runs: int, markdown: bool, emit: Callable[[str], None] = print) -> None:
    """Build the trust, time it, print the figures (as a Markdown section with ``--markdown``)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-trust-"))
    try:
        n_docs, n_words = build_trust(folder, words)
        load = os.getloadavg()[0]
        timed = [cli_time(folder, folder.parent / f"{folder.name}.html") for _ in range(runs)]
        walls, cpus = [w for w, _ in timed], [c for _, c in timed]
        stages = {"imports (fresh process)": import_time()}
        more, n_segments = stage_times(folder)
        stages.update(more)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        Path(folder.parent / f"{folder.name}.html").unlink(missing_ok=True)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    total = sum(stages.values())
    median = statistics.median(walls)
    verdict = "under" if median < 10 else "OVER"
    if markdown:
        emit("## Trust analysis\n")
        emit("Generated by `python bench/bench_analyse.py --markdown`: a 15-document trust built from the sample "
             "trusts' files in their own formats (PDF, DOCX, HTML, Markdown, text, WebVTT and SRT transcripts).\n")
        emit(f"- input: {n_docs} documents, {n_words:,} words (about {n_words // 500} pages), {n_segments:,} segments")
        emit(f"- `spectrum analyse DIR --format html -o FILE` in a fresh process, start-up included: "
             f"median {median:.1f} s wall-clock over {runs} runs (min {min(walls):.1f} s, max {max(walls):.1f} s), "
             f"{statistics.median(cpus):.1f} s of CPU; target under 10 s: {verdict}")
        emit(f"- machine: {os.cpu_count()} cores, load average {load:.1f} when the runs started (shared machine)")
        emit(f"- in process, by stage (one run, {total:.1f} s in all; peak RSS {rss:,.0f} MB):\n")
        emit("| stage | seconds | share |")
        emit("|---|---:|---:|")
        for name, secs in stages.items():
            emit(f"| {name} | {secs:.2f} | {secs / total:.0%} |")
        emit("")
        return
    emit(f"input: {n_docs} documents, {n_words:,} words, {n_segments:,} segments")
    emit(f"spectrum analyse (fresh process): median {median:.2f} s of {runs} runs "
         f"[{', '.join(f'{w:.2f}' for w in walls)}], CPU {statistics.median(cpus):.2f} s -> {verdict} the 10 s target")
    emit(f"machine: {os.cpu_count()} cores, load average {load:.1f} at the start")
    emit(f"in process, by stage ({total:.2f} s in all):")
    for name, secs in stages.items():
        emit(f"  {name:<18} {secs:6.2f} s  {secs / total:5.1%}")
    emit(f"peak RSS: {rss:,.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=50_000, help="words in the built trust (default 50,000)")
    parser.add_argument("--runs", type=int, default=3, help="fresh-process runs of the command (default 3)")
    parser.add_argument("--markdown", action="store_true", help="print the docs/performance.md section")
    args = parser.parse_args()
    main(args.words, args.runs, args.markdown)
