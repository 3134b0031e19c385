"""``spectrum batch``: parse options, run the library's batch, show progress and a summary."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

import click

from spectrum.cli import _fail, _model_opt, _rules_opt, cli
from spectrum.errors import SpectrumError


class _Bar:
    """A click progress bar on stderr, with documents per second beside the ETA."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0
        self.t0 = time.perf_counter()

    def start(self, total: int) -> None:
        if total:
            self.bar = click.progressbar(length=total, label="classifying", file=sys.stderr, show_eta=True,
                                         show_pos=True, item_show_func=lambda s: s)
            self.bar.__enter__()
            self.t0 = time.perf_counter()

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.done += n
            rate = self.done / max(time.perf_counter() - self.t0, 1e-9)
            self.bar.update(n, f"{rate:.1f} docs/s")

    def note(self, message: str) -> None:
        self.close()
        click.echo(message, err=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


@cli.command()
@click.argument("corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(file_okay=False, path_type=Path), help="Output folder.")
@click.option("--manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="CSV: path (relative to CORPUS), trust, kind, date and any extra columns.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 256), help="Local processes.")
@click.option("--scheduler", metavar="ADDRESS", help="Run on a Dask cluster, e.g. tcp://host:8786.")
@click.option("--resume/--no-resume", default=True, show_default=True,
              help="Keep finished parts from an earlier run with the same arguments.")
@click.option("--limit", type=click.IntRange(1), help="Only the first N files (in trust, path order).")
@click.option("--shard-size", default=40, show_default=True, type=click.IntRange(1, 10_000),
              help="Files per unit of work (and of resumption).")
@click.option("--show-names", is_flag=True, help="Keep speaker names in practices and findings quotes.")
@_rules_opt
@_model_opt
def batch(corpus: Path, out: Path, manifest: Path | None, workers: int, scheduler: str | None, resume: bool,
          limit: int | None, shard_size: int, show_names: bool, rules_dirs: tuple[Path, ...],
          model: Path | None) -> None:
    """Classify a whole corpus into Parquet and CSV tables, resumably.

    Without a manifest, each top-level folder of CORPUS is one trust. Outputs in --out:
    segments.parquet, documents.parquet, practices.parquet/.csv, findings.parquet/.csv,
    errors.csv and run.json. Kill it at any point and run the same command again: finished
    work is kept. Exit status 1 if the run could not start or some work failed (see errors.csv).

    \b
    Examples:
      spectrum batch corpus/ --out results/ --workers 2
      spectrum batch corpus/ --out results/ --manifest manifest.csv
      spectrum batch /shared/corpus --out /shared/results --scheduler tcp://scheduler:8786
    """
    from spectrum.batch import Options, Progress, run_batch

    bar = _Bar()
    options = Options(manifest=manifest, workers=workers, scheduler=scheduler, resume=resume, limit=limit,
                      shard_size=shard_size, rules=rules_dirs, model=model, show_names=show_names)
    try:
        summary = run_batch(corpus, out, options, Progress(start=bar.start, advance=bar.advance, note=bar.note))
    except SpectrumError as exc:
        bar.close()
        _fail(str(exc))
        return
    finally:
        bar.close()
    if summary.up_to_date:
        return
    counts = summary.payload["counts"]
    this = summary.payload["this_run"]
    click.echo(
        f"{counts['documents']} documents, {counts['segments']} segments, {counts['trusts']} trusts, "
        f"{counts['findings']} findings, {counts['errors']} errors → {out} "
        f"({this['documents']} documents classified in this run, {this['documents_per_second']} docs/s)",
        err=True,
    )
    for failure in summary.failed:
        click.echo(f"failed: {failure['file']}: {failure['error']}", err=True)
    if summary.failed:
        sys.exit(1)
