"""CLI: every command has --help with an example; errors are one line with exit 1."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from spectrum.cli import cli
from spectrum.vocab import CHALLENGES


def commands(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    for name, cmd in group.commands.items():
        out.append((*prefix, name))
        if isinstance(cmd, click.Group):
            out += commands(cmd, (*prefix, name))
    return out


@pytest.mark.parametrize("path", commands(cli))
def test_cli_every_command_has_help_with_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(cli, [*path, "--help"])
    assert result.exit_code == 0
    cmd = cli
    for p in path:
        cmd = cmd.commands[p]  # type: ignore[attr-defined]
    if not isinstance(cmd, click.Group) or path in {("rules",)}:
        assert "Example" in result.output, path


def test_cli_version() -> None:
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0 and "spectrum" in result.output


def test_cli_ingest_nothing_usable_exits_1(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1
    assert "empty.txt: empty file" in result.output


def test_cli_ingest_keeps_good_files_when_one_is_bad(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("All academies will use one MIS.\n")
    (tmp_path / "b.pdf").write_bytes(b"%PDF-1.4 garbage")
    result = CliRunner().invoke(cli, ["ingest", str(tmp_path)])
    assert result.exit_code == 0
    assert "b.pdf" in result.output and "All academies will use one MIS." in result.output


def test_cli_classify_rows_in_order_and_bad_rows_reported(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "All academies will use one MIS."}\n'
                   '{oops\n'
                   '\n'
                   '{"id": "c", "text": "Each headteacher decides the homework policy."}\n'
                   '{"id": "d"}\n' + '{"id": "e", "text": "' + "x " * 60000 + '"}\n')
    result = CliRunner().invoke(cli, ["classify", str(src)])
    assert result.exit_code == 0
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [r["id"] for r in rows] == ["a", "c", "e"]
    for key in ("spectrum", "approach", "domain", "scores", "context", "challenges", "evidence"):
        assert key in rows[0]
    assert set(rows[0]["scores"]) == {"spectrum", "approach", "domain", "challenges"}
    assert set(rows[0]["scores"]["challenges"]) == set(CHALLENGES)
    assert "line 2: invalid JSON" in result.stderr and "line 5: missing or bad text key" in result.stderr


def test_cli_classify_reads_a_spreadsheet_table_by_its_text_column(tmp_path: Path) -> None:
    src = tmp_path / "passages.csv"
    # a spreadsheet's byte-order mark, columns in any order and case, a quoted comma and line break, a blank row
    src.write_bytes("\ufeffDocument,Text,ID\n"
                    'p1,"All academies will use one MIS, run centrally.",a\n'
                    ',,\n'
                    'p1,"Each headteacher decides\nthe homework policy.",b\n'
                    'p2,,c\n'.encode())
    result = CliRunner().invoke(cli, ["classify", str(src)])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(r["id"], r["text"]) for r in rows] == [
        ("a", "All academies will use one MIS, run centrally."), ("b", "Each headteacher decides\nthe homework policy.")]
    assert "row 5: no text" in result.stderr
    tsv = tmp_path / "passages.tsv"
    tsv.write_text("text\nAll academies will use one MIS.\n", encoding="utf-8")
    assert [json.loads(line)["id"] for line in CliRunner().invoke(cli, ["classify", str(tsv)]).stdout.splitlines()] == ["2"]


def test_cli_classify_table_without_a_text_column_names_the_file_and_its_columns(tmp_path: Path) -> None:
    src = tmp_path / "passages.csv"
    src.write_text("id,body\n1,All academies will use one MIS.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(src)])
    assert result.exit_code == 1
    assert "passages.csv" in result.stderr and "no 'text' column (columns: id, body)" in result.stderr


@pytest.mark.parametrize(("name", "content", "message"), [
    ("binary.csv", b"\xff\xfe\x00\x81garbage\n\x00\x9c more\n", "line 1: not UTF-8 (the header; a binary file?)"),
    ("empty.csv", b"", "no rows to classify"),
    ("header-only.tsv", b"id\ttext\n", "no rows to classify"),
])
def test_cli_classify_unreadable_tables_fail_in_one_line_naming_the_file(tmp_path: Path, name: str, content: bytes,
                                                                       message: str) -> None:
    (tmp_path / name).write_bytes(content)
    result = CliRunner().invoke(cli, ["classify", str(tmp_path / name)])
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [f"error: {tmp_path / name}: {message}" + (
        " (empty input, or no line could be read)" if "no rows" in message else "")]


def test_cli_classify_a_table_cell_over_the_field_limit_costs_only_its_row(tmp_path: Path) -> None:
    src = tmp_path / "passages.csv"
    src.write_text("id,text\na,All academies use one MIS.\nb," + "x " * 100_000 + "\nc,Each head decides.\n",
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(src)])
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "c"]
    assert "row 3: field larger than field limit" in result.stderr


@pytest.mark.parametrize("content", [b"", b"\n\n", b"{oops\n\xff\xfe\n"])
def test_cli_classify_with_no_readable_row_fails_naming_the_file(tmp_path: Path, content: bytes) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(content)
    result = CliRunner().invoke(cli, ["classify", str(src)])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"error: {src}: no rows to classify" in result.stderr


def test_cli_classify_ignores_a_document_key_it_cannot_read(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    rows = [{"id": "a", "text": "Each school sets its own uniform.", "document": {"name": "x"}},
            {"id": "b", "text": "Pupils read every day.", "document": [1, 2]},
            {"id": "c", "text": "Finance is run centrally.", "document": "p" * 200_000}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(cli, ["classify", str(src)])
    assert result.exit_code == 0
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["a", "b", "c"]


def test_cli_classify_strict_stops_with_line_number(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text('{"id": "a", "text": "x"}\n{oops\n')
    result = CliRunner().invoke(cli, ["classify", "--strict", str(src)])
    assert result.exit_code == 1 and "line 2: invalid JSON" in result.output


def test_cli_classify_bad_model_is_one_line_error(tmp_path: Path) -> None:
    bad = tmp_path / "m.skops"
    bad.write_text("not a model")
    result = CliRunner().invoke(cli, ["classify", "-", "--model", str(bad)], input="hello\n")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "not a skops model file" in result.output


def test_cli_analyse_missing_path(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["analyse", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "no readable documents" in result.output


def test_cli_analyse_writes_a_plain_count_to_a_log_not_a_redrawn_counter(tmp_path: Path) -> None:
    docs = tmp_path / "trust"
    docs.mkdir()
    (docs / "policy.md").write_text("# Behaviour\n\nAll academies will use the trust behaviour policy.\n", encoding="utf-8")
    (docs / "page.md").write_text("# Uniform\n\nEach school decides its own uniform.\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["analyse", str(docs), "--format", "json", "-o", str(tmp_path / "r.json")])
    assert result.exit_code == 0, result.output
    assert "\r" not in result.stderr
    assert "2 document(s) classified\n" in result.stderr
