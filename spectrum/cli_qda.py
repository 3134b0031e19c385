"""Commands for qualitative-analysis tools: ``spectrum export …`` and ``spectrum agreement``.

Kept apart from ``spectrum/cli.py`` (which registers them) so the QDA commands can grow without
touching the core commands. As there, every ``SpectrumError`` is one line on stderr and exit 1.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click

from spectrum.errors import InputError, SpectrumError
from spectrum.models import FileProblem

F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)


def _warn(problem: FileProblem) -> None:
    click.echo(f"warning: {problem.path}: {problem.error}", err=True)


def _engine_options(f: F) -> F:
    f = click.option("--model", type=click.Path(path_type=Path), default=None,
                     help="Model file (.skops); default: the shipped model.")(f)
    f = click.option("--rules", "rules_dirs", multiple=True,
                     type=click.Path(exists=True, file_okay=False, path_type=Path),
                     help="Extra rule folder; its rules extend or override the shipped ones by id.")(f)
    return f


def _input_options(f: F) -> F:
    f = click.option("--speakers", type=click.Path(exists=True, dir_okay=False, path_type=Path),
                     help="YAML: speaker name → role.")(f)
    f = click.option("--kind", "kinds", multiple=True, metavar="FILE=KIND",
                     help="Override a document's inferred kind.")(f)
    return f


def _output_option(required: bool) -> Callable[[F], F]:
    return click.option("-o", "--output", required=required, type=click.Path(dir_okay=False, path_type=Path),
                        help="File to write" + ("." if required else " (default: stdout)."))


def _mapping_option(f: F) -> F:
    return click.option("--mapping", type=click.Path(path_type=Path),
                        help="YAML or CSV: their code name → our code path (e.g. spectrum/standardised).")(f)


def _load_engine(rules_dirs: Sequence[Path], model: Path | None) -> Any:
    from spectrum.engine import Engine

    return Engine.load(list(rules_dirs), model)


def _kinds(values: Sequence[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        name, _, kind = value.rpartition("=")
        out[name or "*"] = kind
    return out


def _speakers(path: Path | None) -> dict[str, Any] | None:
    if path is None:
        return None
    from spectrum.ingest.kinds import load_speakers

    return dict(load_speakers(path))


def _classified(paths: Sequence[Path], trust: str | None, kinds: Sequence[str], speakers: Path | None,
                rules_dirs: Sequence[Path], model: Path | None) -> Any:
    from spectrum.qda.coding import classify_project, project_name, read_documents

    documents = read_documents(list(paths), _kinds(kinds), _speakers(speakers), on_problem=_warn)
    return classify_project(_load_engine(rules_dirs, model), documents, trust or project_name(list(paths)))


def _project(inputs: Sequence[Path], trust: str | None, kinds: Sequence[str], speakers: Path | None,
             rules_dirs: Sequence[Path], model: Path | None) -> Any:
    """A .qdpx is read as it is; documents and folders are classified by the engine first."""
    from spectrum.qda.project_import import read_qdpx

    qdpx = [p for p in inputs if p.suffix.lower() == ".qdpx"]
    if qdpx and len(inputs) > 1:
        raise InputError("give one .qdpx on its own, or documents and folders without a .qdpx", qdpx[0])
    if qdpx:
        project = read_qdpx(qdpx[0])
        for w in project.warnings:
            click.echo(f"warning: {qdpx[0]}: {w}", err=True)
        return project
    return _classified(inputs, trust, kinds, speakers, rules_dirs, model)


def _mapping(path: Path | None) -> dict[str, str | None] | None:
    if path is None:
        return None
    from spectrum.qda.codes import code_tree
    from spectrum.qda.mapping import load_mapping

    return load_mapping(path, code_tree())


@click.group("export")
def export() -> None:
    """Export codes, codings and tables for qualitative-analysis tools (REFI-QDA and CSV).

    \b
    Example:
      spectrum export codebook -o spectrum.qdc
      spectrum export qdpx corpora/trusts/riverbend -o riverbend.qdpx
    """


@export.command("codebook")
@_output_option(required=True)
@click.option("--codebook", "codebook_md", type=click.Path(dir_okay=False, path_type=Path),
              help="Codebook (Markdown) to take code descriptions from; default: the corpus codebook.")
def export_codebook(output: Path, codebook_md: Path | None) -> None:
    """Write our codes as a REFI-QDA codebook (.qdc) to import into NVivo, ATLAS.ti, MAXQDA or QualCoder.

    \b
    Example:
      spectrum export codebook -o spectrum.qdc
    """
    from spectrum.qda.codebook import codebook_bytes
    from spectrum.qda.codes import code_tree

    try:
        tree = code_tree(codebook_md)
        output.write_bytes(codebook_bytes(tree))
    except SpectrumError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror})")
    click.echo(f"wrote {output} ({len(tree.codable)} codes)", err=True)


@export.command("qdpx")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_output_option(required=True)
@click.option("--trust", help="Project name (default: the folder name).")
@_input_options
@_engine_options
def export_qdpx(paths: tuple[Path, ...], output: Path, trust: str | None, kinds: tuple[str, ...],
                speakers: Path | None, rules_dirs: tuple[Path, ...], model: Path | None) -> None:
    """Classify a trust's documents and write them with the engine's codings as a REFI-QDA project (.qdpx).

    The engine is one coder, named by engine version, model and rules; each coded segment is a
    text selection with its codes and a memo giving the probabilities and rule ids behind them.

    \b
    Example:
      spectrum export qdpx corpora/trusts/riverbend -o riverbend.qdpx
    """
    from spectrum.qda.project_export import write_qdpx

    try:
        project = _classified(paths, trust, kinds, speakers, rules_dirs, model)
        write_qdpx(project, output)
    except SpectrumError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror})")
    selections = len({(c.source, c.start, c.end) for c in project.codings})
    click.echo(f"wrote {output} ({len(project.sources)} sources, {selections} coded segments, "
               f"coder: {project.coders[0]})", err=True)


def _write_table(kind: str, inputs: Sequence[Path], output: Path | None, mapping: Path | None, trust: str | None,
                 kinds: Sequence[str], speakers: Path | None, rules_dirs: Sequence[Path], model: Path | None) -> None:
    from spectrum.qda.tables import write_matrix, write_quotes

    write = write_quotes if kind == "quotes" else write_matrix
    try:
        project = _project(inputs, trust, kinds, speakers, rules_dirs, model)
        codes = _mapping(mapping)
        if output is None:
            rows = write(project, sys.stdout, mapping=codes)
        else:
            with output.open("w", encoding="utf-8", newline="") as fh:
                rows = write(project, fh, mapping=codes)
    except SpectrumError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"{output}: cannot write ({exc.strerror})")
    click.echo(f"{rows} row(s)" + (f" written to {output}" if output else ""), err=True)


def _table_options(f: F) -> F:
    f = _engine_options(f)
    f = _input_options(f)
    f = click.option("--trust", help="Project name when classifying documents (default: the folder name).")(f)
    f = _mapping_option(f)
    f = _output_option(required=False)(f)
    return click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))(f)


@export.command("quotes")
@_table_options
def export_quotes(inputs: tuple[Path, ...], output: Path | None, mapping: Path | None, trust: str | None,
                  kinds: tuple[str, ...], speakers: Path | None, rules_dirs: tuple[Path, ...], model: Path | None) -> None:
    """Write a CSV of coded segments: one row per segment and coder, with document attributes and code paths.

    INPUTS is one .qdpx (its codings as they are, every coder) or documents and folders
    (classified by the engine first).

    \b
    Example:
      spectrum export quotes corpora/trusts/riverbend -o quotes.csv
      spectrum export quotes coded-by-reviewers.qdpx -o quotes.csv
    """
    _write_table("quotes", inputs, output, mapping, trust, kinds, speakers, rules_dirs, model)


@export.command("matrix")
@_table_options
def export_matrix(inputs: tuple[Path, ...], output: Path | None, mapping: Path | None, trust: str | None,
                  kinds: tuple[str, ...], speakers: Path | None, rules_dirs: tuple[Path, ...], model: Path | None) -> None:
    """Write a CSV with a 0/1 column per code: one row per document and coder.

    INPUTS is one .qdpx (its codings as they are, every coder) or documents and folders
    (classified by the engine first).

    \b
    Example:
      spectrum export matrix corpora/trusts/riverbend -o matrix.csv
    """
    _write_table("matrix", inputs, output, mapping, trust, kinds, speakers, rules_dirs, model)


@click.command("agreement")
@click.argument("human", type=click.Path(path_type=Path))
@click.option("--engine-coder", help="Coder in the project holding the engine's codings "
              "(default: the one coder named 'spectrum …', if any). Without one, the sources are classified afresh.")
@click.option("--reclassify", is_flag=True, help="Classify the sources with the current engine even if the project "
              "holds an engine coding.")
@click.option("--coder", "coders", multiple=True, help="Human coder to compare (repeatable; default: every other coder).")
@_mapping_option
@click.option("--min-overlap", type=float, default=0.5, show_default=True,
              help="Share of a segment (or of a selection) that a selection must cover to code the segment.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show", type=int, default=20, show_default=True, help="Disagreements listed per coder in text output.")
@click.option("--disagreements", "disagreements_csv", type=click.Path(dir_okay=False, path_type=Path),
              help="Write every disagreement, both codings side by side, to this CSV.")
@_output_option(required=False)
@_engine_options
def agreement(human: Path, engine_coder: str | None, reclassify: bool, coders: tuple[str, ...], mapping: Path | None,
              min_overlap: float, fmt: str, show: int, disagreements_csv: Path | None, output: Path | None,
              rules_dirs: tuple[Path, ...], model: Path | None) -> None:
    """Measure agreement between human coders in a .qdpx and the engine: kappa, alpha, disagreements.

    Codings are compared on the engine's segments: a selection codes a segment when it covers at
    least half of the segment, or when at least half of the selection lies inside it.

    \b
    Example:
      spectrum agreement coded-by-reviewers.qdpx --mapping codes.yml
      spectrum agreement coded.qdpx --reclassify --format json -o agreement.json
    """
    from spectrum.qda.agreement import agreement as run
    from spectrum.qda.agreement import format_agreement
    from spectrum.qda.project_import import read_qdpx
    from spectrum.qda.tables import write_disagreements

    try:
        project = read_qdpx(human)
        report = run(project, lambda: _load_engine(rules_dirs, model), engine_coder_name=engine_coder,
                     reclassify=reclassify, coders=list(coders) or None, mapping=_mapping(mapping),
                     min_overlap=min_overlap)
        text = report.model_dump_json(indent=2) + "\n" if fmt == "json" else format_agreement(report, show)
        if disagreements_csv:
            with disagreements_csv.open("w", encoding="utf-8", newline="") as fh:
                write_disagreements(report, fh)
        if output:
            output.write_text(text, encoding="utf-8")
        else:
            click.echo(text, nl=False)
    except SpectrumError as exc:
        _fail(f"{exc}" if exc.where else f"{human}: {exc}")
    except OSError as exc:
        _fail(f"{exc.filename}: cannot write ({exc.strerror})")
    if output:
        click.echo(f"wrote {output}", err=True)
