"""Command line: each command parses options, makes one library call and renders the result.

Every ``SpectrumError`` becomes a one-line message on stderr and exit status 1; per-file problems
are printed as they happen and the run goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from spectrum import __version__
from spectrum.errors import SpectrumError
from spectrum.models import FileProblem

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _report_problem(problem: FileProblem) -> None:
    click.echo(f"warning: {problem.path}: {problem.error}", err=True)


def _kinds(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        if "=" in value:
            name, kind = value.rsplit("=", 1)
            out[name] = kind
        else:
            out["*"] = value
    return out


def _speakers(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    from spectrum.ingest.kinds import load_speakers

    return dict(load_speakers(path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="spectrum")
def cli() -> None:
    """Describe how each practice is run across a multi-academy trust's schools, with evidence.

    \b
    Example:
      spectrum analyse corpora/trusts/northfield --format md -o report.md
    """


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["jsonl", "table"]), default="jsonl", show_default=True)
@click.option("--kind", "kinds", multiple=True, metavar="FILE=KIND", help="Override the inferred document kind.")
@click.option("--speakers", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML: speaker name → role.")
def ingest(paths: tuple[Path, ...], fmt: str, kinds: tuple[str, ...], speakers: Path | None) -> None:
    """Read files or folders and print their segments.

    \b
    Example:
      spectrum ingest corpora/trusts/northfield --format jsonl > segments.jsonl
    """
    from spectrum.ingest import iter_documents
    from spectrum.nlp import make_nlp
    from spectrum.segment import parse_documents

    try:
        nlp = make_nlp()
        docs_read = 0
        failed = 0

        def documents() -> Any:
            nonlocal docs_read, failed
            for item in iter_documents(paths, _kinds(kinds), _speakers(speakers)):
                if isinstance(item, FileProblem):
                    failed += 1
                    _report_problem(item)
                else:
                    docs_read += 1
                    yield item

        for parsed in parse_documents(documents(), nlp):
            for p in parsed:
                seg = p.segment
                if fmt == "jsonl":
                    click.echo(json.dumps(seg.model_dump(mode="json"), ensure_ascii=False))
                else:
                    where = f"p{seg.page}" if seg.page else (seg.speaker or seg.section or "")
                    click.echo(f"{seg.id}\t{seg.kind}\t{where[:24]}\t{seg.text[:100]}")
    except SpectrumError as exc:
        _fail(str(exc))
    click.echo(f"{docs_read} document(s) read, {failed} problem(s)", err=True)
    if docs_read == 0:
        sys.exit(1)


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="spectrum")
