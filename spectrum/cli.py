"""Command line: each command parses options, makes one library call and renders the result.

Every ``SpectrumError`` becomes a one-line message on stderr and exit status 1; per-file problems
are printed as they happen and the run goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from functools import partial
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


_rules_opt = click.option("--rules", "rules_dirs", multiple=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
                          help="Extra rule folder; its rules extend or override the shipped ones by id.")
_model_opt = click.option("--model", type=click.Path(path_type=Path), default=None,
                          help="Model file (.skops); default: the shipped model.")


def _engine(rules_dirs: tuple[Path, ...], model: Path | None, rules_only: bool = False) -> Any:
    from spectrum.engine import Engine

    return Engine.load(list(rules_dirs), model, rules_only=rules_only)


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--trust", help="Trust name for the report (default: the folder name).")
@click.option("--format", "fmt", type=click.Choice(["md", "html", "json"]), default="md", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="Write here instead of stdout.")
@click.option("--kind", "kinds", multiple=True, metavar="FILE=KIND", help="Override a document's inferred kind.")
@click.option("--speakers", type=click.Path(exists=True, dir_okay=False, path_type=Path), help="YAML: speaker name → role.")
@click.option("--show-names", is_flag=True, help="Keep speaker names instead of role pseudonyms.")
@_rules_opt
@_model_opt
def analyse(paths: tuple[Path, ...], trust: str | None, fmt: str, output: Path | None, kinds: tuple[str, ...],
            speakers: Path | None, show_names: bool, rules_dirs: tuple[Path, ...], model: Path | None) -> None:
    """Report how each practice is run across one trust's documents.

    \b
    Example:
      spectrum analyse corpora/trusts/northfield --format html -o northfield.html
    """
    from spectrum.readahead import ReadAhead

    try:
        kind_map, speaker_map = _kinds(kinds), _speakers(speakers)
        # the files are read in a second process while this one imports and loads the engine
        with ReadAhead(list(paths), kind_map, speaker_map) as ahead:
            from spectrum.engine import analyse as run
            from spectrum.report import render

            engine = _engine(rules_dirs, model)
            count = 0
            # a counter redrawn in place suits a terminal; in a log file it would be one long line
            live = sys.stderr.isatty()

            def progress(doc: Any) -> None:
                nonlocal count
                count += 1
                if live:
                    click.echo(f"\r{count} document(s) classified", err=True, nl=False)

            report = run(engine, list(paths), trust, kind_map, speaker_map, show_names,
                         on_problem=_report_problem, on_document=progress, items=ahead.items())
        click.echo("" if live else f"{count} document(s) classified", err=True)
        text = render(report, fmt)
    except SpectrumError as exc:
        _fail(str(exc))
        return
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output} ({len(report.practices)} practices, {len(report.findings)} findings)", err=True)
    else:
        click.echo(text, nl=False)


@cli.command()
@click.argument("input_path", metavar="INPUT")
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv", "table"]), default="jsonl", show_default=True)
@click.option("--strict", is_flag=True, help="Stop at the first bad row instead of skipping it.")
@click.option("--batch-size", default=2000, show_default=True, help="Segments classified per batch.")
@_rules_opt
@_model_opt
def classify(input_path: str, fmt: str, strict: bool, batch_size: int, rules_dirs: tuple[Path, ...], model: Path | None) -> None:
    """Classify segments: .jsonl {"id","text"} rows, a .csv or .tsv with a text column, a .txt, or -.

    A .txt holds one segment per line; standard input (-) may be JSONL or lines.

    Rows may name their "document": consecutive rows of one document are read as neighbours,
    which lets an unsure passage take its domain from the passages around it. In a transcript,
    rows whose "role" or "speaker" names the interviewer lend their topic to the answers after them.

    \b
    Example:
      echo '{"id": "a", "text": "All academies will use one MIS."}' | spectrum classify -
    """
    import csv

    from spectrum.ingest.rows import MAX_DOCUMENT_ROWS, Row, read_rows, read_table_rows

    try:
        engine = _engine(rules_dirs, model)
        writer = csv.writer(sys.stdout) if fmt == "csv" else None
        if writer:
            writer.writerow(["id", "spectrum", "approach", "domain", "p_spectrum", "p_approach", "context", "text"])
        batch: list[Row] = []

        def flush() -> None:
            for c in engine.classify_texts([r.text for r in batch], [r.id for r in batch], [r.document for r in batch],
                                           [r.asked for r in batch]):
                row = {
                    "id": c.segment.id, "text": c.segment.text, "spectrum": c.spectrum.label,
                    "approach": c.approach.label, "domain": c.domain.label,
                    "scores": {"spectrum": c.spectrum.scores, "approach": c.approach.scores, "domain": c.domain.scores,
                               "challenges": c.challenge_scores},
                    "context": c.context, "challenges": c.challenges,
                    "evidence": [h.model_dump(mode="json") for h in c.evidence],
                    "explanation": {"spectrum": c.spectrum.explanation, "approach": c.approach.explanation},
                }
                if writer:
                    writer.writerow([row["id"], row["spectrum"], row["approach"], row["domain"],
                                     f"{c.spectrum.confidence:.3f}", f"{c.approach.confidence:.3f}",
                                     ";".join(c.context), c.segment.text])
                elif fmt == "table":
                    click.echo(f"{c.segment.id}\t{c.spectrum.label:<12}\t{c.approach.label:<9}\t{c.domain.label:<18}\t{c.segment.text[:80]}")
                else:
                    click.echo(json.dumps(row, ensure_ascii=False))
            batch.clear()

        def warn(message: str) -> None:
            click.echo(f"warning: {message}", err=True)

        stream = click.open_file(input_path, "rb")
        suffix = Path(input_path).suffix.lower()
        rows = (read_table_rows(stream, input_path, "\t" if suffix == ".tsv" else ",", strict=strict, warn=warn)
                if suffix in (".csv", ".tsv") else
                read_rows(stream, input_path, jsonl=suffix == ".jsonl" or input_path == "-", strict=strict, warn=warn))
        classified = 0
        for item in rows:
            # a document's rows stay in one batch (they are read as neighbours), up to a bound
            if len(batch) >= batch_size and (item.document is None or item.document != batch[-1].document
                                             or len(batch) >= MAX_DOCUMENT_ROWS):
                flush()
            batch.append(item)
            classified += 1
        flush()
        if not classified:
            _fail(f"{input_path}: no rows to classify (empty input, or no line could be read)")
    except SpectrumError as exc:
        _fail(str(exc))
    except FileNotFoundError as exc:
        _fail(f"{input_path}: no such file ({exc.strerror})")


@cli.command()
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path), help="Corpus folder (default: shipped).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Model file to write (default: the shipped model's place).")
@click.option("--quick", is_flag=True, help="One hyperparameter setting instead of the grid.")
def train(corpus: Path | None, out: Path | None, quick: bool) -> None:
    """Train the model on the corpus train split, choosing settings on dev.

    \b
    Example:
      spectrum train --out model.skops
    """
    from spectrum.identity import default_model_path
    from spectrum.model import Hyper, save_model
    from spectrum.training import GRID
    from spectrum.training import train as run

    try:
        model = run(corpus, log=lambda s: click.echo(s, err=True), grid=[Hyper()] if quick else GRID)
        path = out or default_model_path()
        save_model(model, path)
    except SpectrumError as exc:
        _fail(str(exc))
        return
    click.echo(f"wrote {path}", err=True)


@cli.command()
@click.option("--split", type=click.Choice(["dev", "test"]), default="test", show_default=True)
@click.option("--leave-one-batch-out", "lobo", is_flag=True, help="Train without each writing batch, test on it.")
@click.option("--leave-one-register-out", "loro", is_flag=True, help="Train without each register, test on it.")
@click.option("--cross-validate", "k", type=int, default=0, help="K-fold cross-validation over train+dev.")
@click.option("--corpus", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the full results as JSON.")
@click.option("--gold", type=click.Path(exists=True, dir_okay=False, path_type=Path), multiple=True,
              help='Your own labelled passages instead of the corpus: JSONL rows with "text" and any of '
                   '"spectrum", "approach", "domain", "challenges". Give it twice (two coders, rows with the '
                   'same "id") to see how far the coders agree with each other beside the engine.')
@click.option("--model-baseline", is_flag=True,
              help="With --gold: also train the model without rule features on the corpus (takes minutes) and "
                   "score it beside the engine, as the corpus split always does.")
@_model_opt
def evaluate(split: str, lobo: bool, loro: bool, k: int, corpus: Path | None, as_json: bool, gold: tuple[Path, ...],
             model_baseline: bool, model: Path | None) -> None:
    """Measure the engine against gold labels, with baselines side by side.

    \b
    Example:
      spectrum evaluate --split test
      spectrum evaluate --leave-one-batch-out
      spectrum evaluate --gold my-labelled-passages.jsonl
      spectrum evaluate --gold coder-a.jsonl --gold coder-b.jsonl
      spectrum evaluate --gold my-labelled-passages.jsonl --model-baseline
    """
    from spectrum.model import load_model
    from spectrum.report.accuracy import format_comparison, format_evaluation, format_held_out
    from spectrum.training import cross_validate, held_out
    from spectrum.training import evaluate as run

    if model_baseline and not gold:
        _fail("--model-baseline applies to --gold files; the corpus split always reports that baseline")
    try:
        if gold:
            from spectrum.gold import corpus_majority, evaluate_gold_files, load_gold
            from spectrum.training import model_without_rules

            files = [(str(path), load_gold(path)) for path in gold]  # every file checked before any work
            engine = _engine((), model)
            baseline = partial(model_without_rules, engine.model, corpus=corpus,
                               log=lambda s: click.echo(s, err=True)) if model_baseline else None
            results, pairs = evaluate_gold_files(engine, files, corpus_majority(corpus), baseline)
            if as_json:
                click.echo(json.dumps(results[0] if len(files) == 1 else {"files": results, "agreement": pairs},
                                      indent=2))
            else:
                click.echo("\n".join(format_evaluation(r) for r in results)
                           + ("\n" + format_comparison(pairs) if pairs else ""))
            return
        trained = load_model(model)
        log = (lambda s: click.echo(s, err=True))
        if lobo or loro:
            for by, on in (("batch", lobo), ("register", loro)):
                if on:
                    result = held_out(trained, by, corpus, log)
                    click.echo(json.dumps(result, indent=2) if as_json else format_held_out(result))
        elif k:
            result = cross_validate(trained, k, corpus, log)
            click.echo(json.dumps(result, indent=2))
        else:
            result = run(trained, split, corpus)
            click.echo(json.dumps(result, indent=2) if as_json else format_evaluation(result))
    except SpectrumError as exc:
        _fail(str(exc))


@cli.group()
def rules() -> None:
    """Check and explain rule files.

    \b
    Example:
      spectrum rules check
    """


@rules.command("check")
@click.argument("rule_dir", required=False, type=click.Path(exists=True, file_okay=False, path_type=Path))
def rules_check(rule_dir: Path | None) -> None:
    """Validate every rule file and run every rule's own examples.

    \b
    Example:
      spectrum rules check my-rules/
    """
    from spectrum.nlp import make_nlp
    from spectrum.rules import compile_rules
    from spectrum.rules.check import check_examples

    try:
        compiled = compile_rules(make_nlp(), [rule_dir] if rule_dir else None)
    except SpectrumError as exc:
        _fail(str(exc))
        return
    ran, failures = check_examples(compiled)
    for f in failures:
        click.echo(f"FAIL {f}")
    book = compiled.book
    click.echo(f"{len(book.rules)} rules, {len(book.cues)} cues, {len(book.modifiers)} modifiers; "
               f"{ran} examples, {len(failures)} failed")
    if failures:
        sys.exit(1)


@rules.command("explain")
@click.argument("text")
@_rules_opt
def rules_explain(text: str, rules_dirs: tuple[Path, ...]) -> None:
    """Show each rule hit in TEXT, its modifiers and the resulting votes.

    \b
    Example:
      spectrum rules explain "From 2027 all academies will use one MIS."
    """
    from spectrum.nlp import make_nlp
    from spectrum.rules import compile_rules
    from spectrum.rules.votes import votes

    try:
        compiled = compile_rules(make_nlp(), list(rules_dirs))
    except SpectrumError as exc:
        _fail(str(exc))
        return
    found = compiled.apply_one(compiled.nlp(text)[:])
    for t in found.triggers:
        click.echo(f"context  {t.label:<12} {t.rule_id:<36} {t.text!r}")
    for h in found.hits:
        mods = f" [{', '.join(h.modifiers)}]" if h.modifiers else ""
        click.echo(f"{h.axis:<9}{h.label:<13}{h.rule_id:<40} {h.text!r} w={h.weight}{mods}")
    for axis, v in votes(found.hits).items():
        nonzero = {k: round(x, 2) for k, x in v.items() if x}
        if nonzero:
            click.echo(f"votes {axis}: {nonzero}")
    click.echo(f"context: {', '.join(found.context) or 'current'}")


@rules.command("coverage")
@click.option("--split", type=click.Choice(["dev", "test"]), default="dev", show_default=True,
              help="Corpus split for the per-rule figures; rules alone are always scored on test.")
@click.option("--min-hits", type=click.IntRange(min=1), default=5, show_default=True,
              help="Votes a rule needs before a low precision is listed.")
@click.option("--corpus", type=click.Path(path_type=Path), default=None, help="Corpus folder; default: the shipped corpus.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
@_rules_opt
def rules_coverage(split: str, min_hits: int, corpus: Path | None, as_json: bool, rules_dirs: tuple[Path, ...]) -> None:
    """Each rule's hits and precision on the annotated corpus, and rules alone on the test split.

    \b
    Example:
      spectrum rules coverage --split dev
    """
    from spectrum.rules.coverage import format_report, measure

    try:
        rep = measure(split, corpus, list(rules_dirs), min_hits)
    except SpectrumError as exc:
        _fail(str(exc))
        return
    click.echo(json.dumps(rep.to_json(), indent=2) if as_json else format_report(rep))


@cli.group()
def schema() -> None:
    """Print JSON Schemas of the engine's outputs."""


@schema.command("report")
def schema_report() -> None:
    """JSON Schema of the report written by ``spectrum analyse --format json``.

    \b
    Example:
      spectrum schema report > report.schema.json
    """
    from spectrum.models import TrustReport

    click.echo(json.dumps(TrustReport.model_json_schema(), indent=2))


def main() -> None:
    """Console-script entry point."""
    cli(prog_name="spectrum")


from spectrum import cli_batch  # noqa: E402,F401  (registers ``batch`` on ``cli``)
from spectrum.cli_qda import agreement as _qda_agreement  # noqa: E402
from spectrum.cli_qda import export as _qda_export  # noqa: E402

cli.add_command(_qda_export)
cli.add_command(_qda_agreement)
