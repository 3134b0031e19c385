"""REFI-QDA exchange: codebook and project files follow the published schemas, offsets survive a
round trip, agreement statistics match hand computation, and malformed projects fail clearly."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from fractions import Fraction
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from click.testing import CliRunner
from conftest import as_human

from spectrum.cli import cli
from spectrum.corpus.load import default_corpus_dir
from spectrum.engine import Engine
from spectrum.errors import InputError, SpectrumError
from spectrum.ingest import ingest
from spectrum.qda.agreement import agreement, alpha, kappa
from spectrum.qda.align import Unit, coverage, resolve
from spectrum.qda.codebook import codebook_bytes
from spectrum.qda.codes import ABSENT_PATHS, code_tree
from spectrum.qda.coding import ENGINE_PREFIX, classify_project, engine_coder
from spectrum.qda.mapping import CodeMap, load_mapping
from spectrum.qda.project_export import write_qdpx
from spectrum.qda.project_import import read_qdpx
from spectrum.qda.records import QdaCoding, QdaProject, QdaSource
from spectrum.qda.tables import quote_rows, write_matrix
from spectrum.qda.xmlsafe import schema
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, CONTEXT_EFFECTS, DOMAINS, SPECTRUM_LABELS

NS = {"q": "urn:QDA-XML:project:1.0"}
RIVERBEND = default_corpus_dir() / "trusts" / "riverbend"


@pytest.fixture(scope="module")
def riverbend(engine: Engine) -> QdaProject:
    return classify_project(engine, ingest([RIVERBEND]).documents, "Riverbend")


@pytest.fixture(scope="module")
def riverbend_qdpx(riverbend: QdaProject, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("qdpx") / "riverbend.qdpx"
    write_qdpx(riverbend, path)
    return path


def never_load() -> Engine:
    raise AssertionError("the engine must not be loaded when the project holds an engine coding")


# --- codebook ---------------------------------------------------------------------------------

def test_qda_codebook_validates_against_the_refi_codebook_schema() -> None:
    root = SafeET.fromstring(codebook_bytes())
    assert schema("Codebook").is_valid(root)


def test_qda_codebook_has_every_label_of_the_vocabulary_except_the_absence_labels() -> None:
    root = SafeET.fromstring(codebook_bytes())
    cb = "{urn:QDA-XML:codebook:1.0}"
    tops = {c.get("name"): c for c in root.findall(f"{cb}Codes/{cb}Code")}
    assert set(tops) == {"spectrum", "approach", "domain", "challenge", "context"}
    assert all(c.get("isCodable") == "false" for c in tops.values())

    def children(group: str) -> list[str]:
        return [c.get("name", "") for c in tops[group].findall(f"{cb}Code")]

    assert children("spectrum") == [x for x in SPECTRUM_LABELS if x != "none"]
    assert children("approach") == [x for x in APPROACH_LABELS if x != "none"]
    assert children("domain") == list(DOMAINS)
    assert children("challenge") == list(CHALLENGES)
    assert children("context") == [x for x in CONTEXT_EFFECTS if x != "current"]


def test_qda_codebook_descriptions_are_the_codebook_definitions() -> None:
    codebook = (default_corpus_dir() / "CODEBOOK.md").read_text(encoding="utf-8")
    tree = code_tree()
    for code in tree.codes:
        assert code.description, code.path
        if code.path not in ("context/intent", "context/practice"):  # engine-only effects, see 8.7
            assert code.description.splitlines()[0] in codebook, code.path
    assert tree.by_path["spectrum/aligned"].description.startswith("**Definition.** An agreed approach")


def test_qda_code_guids_are_stable_so_codebook_and_projects_merge_in_a_tool() -> None:
    first, second = code_tree(), code_tree()
    assert [c.guid for c in first.codes] == [c.guid for c in second.codes]
    assert len({c.guid for c in first.codes}) == len(first.codes)


# --- project export ---------------------------------------------------------------------------

def test_qda_export_validates_against_the_refi_project_schema(riverbend_qdpx: Path) -> None:
    with zipfile.ZipFile(riverbend_qdpx) as zf:
        root = SafeET.fromstring(zf.read("project.qde"))
        names = zf.namelist()
    assert schema("Project").is_valid(root)
    assert sum(n.startswith("Sources/") for n in names) == 9


def test_qda_export_selections_quote_the_engine_segments_exactly(riverbend_qdpx: Path, riverbend: QdaProject) -> None:
    with zipfile.ZipFile(riverbend_qdpx) as zf:
        root = SafeET.fromstring(zf.read("project.qde"))
        texts = {s.get("guid"): zf.read("Sources/" + s.get("plainTextPath", "").removeprefix("internal://")).decode()
                 for s in root.findall("q:Sources/q:TextSource", NS)}
    exported = set()
    for source in root.findall("q:Sources/q:TextSource", NS):
        text = texts[source.get("guid")]
        for sel in source.findall("q:PlainTextSelection", NS):
            start, end = int(sel.get("startPosition", "")), int(sel.get("endPosition", ""))
            exported.add((source.get("name"), text[start:end]))
    expected = {(c.source, riverbend.source(c.source).text[c.start:c.end]) for c in riverbend.codings}
    assert exported == expected and len(expected) > 100


def test_qda_export_codings_carry_a_memo_with_probability_and_rules(riverbend_qdpx: Path) -> None:
    with zipfile.ZipFile(riverbend_qdpx) as zf:
        root = SafeET.fromstring(zf.read("project.qde"))
    notes = {n.get("guid"): n.findtext("q:PlainTextContent", "", NS) for n in root.findall("q:Notes/q:Note", NS)}
    codings = root.findall(".//q:PlainTextSelection/q:Coding", NS)
    assert codings and all(c.find("q:NoteRef", NS) is not None for c in codings)
    memos = [notes[c.find("q:NoteRef", NS).get("targetGUID")] for c in codings]  # type: ignore[union-attr]
    assert all(re.search(r"spectrum: \w+ \(p=(0\.\d\d|1\.00)", m) for m in memos)
    assert any("rules: spectrum." in m for m in memos)
    user = root.find("q:Users/q:User", NS)
    assert user is not None and user.get("name", "").startswith(ENGINE_PREFIX + "0.")


def test_qda_export_is_deterministic(riverbend: QdaProject, tmp_path: Path) -> None:
    write_qdpx(riverbend, tmp_path / "a.qdpx")
    write_qdpx(riverbend, tmp_path / "b.qdpx")
    assert (tmp_path / "a.qdpx").read_bytes() == (tmp_path / "b.qdpx").read_bytes()


# --- round trip -------------------------------------------------------------------------------

def test_qda_round_trip_reads_back_every_source_and_coding(riverbend_qdpx: Path, riverbend: QdaProject) -> None:
    back = read_qdpx(riverbend_qdpx)
    assert [s.text for s in back.sources] == [s.text for s in riverbend.sources]
    assert back.sources[0].attributes["kind"] == riverbend.sources[0].attributes["kind"]
    strip = {"page", "section", "speaker", "role"}  # not part of the exchange format
    assert [c.model_dump(exclude=strip) for c in back.codings] == [c.model_dump(exclude=strip) for c in riverbend.codings]


def test_qda_round_trip_engine_reclassifies_to_perfect_agreement_with_its_own_export(
        riverbend_qdpx: Path, engine: Engine) -> None:
    human = as_human(read_qdpx(riverbend_qdpx))
    report = agreement(human, lambda: engine)
    assert report.mode == "reclassified"
    [coder] = report.coders
    assert coder.disagreements == []
    scores = [coder.overall, *coder.axes, *coder.codes]
    assert all(s.observed == 1.0 for s in scores)
    assert all(s.kappa == pytest.approx(1.0) and s.alpha == pytest.approx(1.0) for s in scores)
    assert len(coder.codes) >= 10


def test_qda_round_trip_against_the_stored_engine_coder_is_perfect(riverbend_qdpx: Path) -> None:
    project = read_qdpx(riverbend_qdpx)
    both = project.model_copy(update={"codings": [*project.codings, *as_human(project).codings],
                                      "coders": [*project.coders, "Reviewer A"]})
    report = agreement(both, never_load)
    assert report.mode == "stored" and report.engine_coder == project.coders[0]
    [coder] = report.coders
    assert coder.coder == "Reviewer A" and coder.overall.kappa == pytest.approx(1.0)
    assert coder.overall.alpha == pytest.approx(1.0) and coder.disagreements == []


# --- agreement statistics on a hand-built case -----------------------------------------------

LINES = [f"Line {w} says something about the schools." for w in
         ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")]
ENGINE_LABELS = ["standardised"] * 4 + ["aligned"] * 2 + [None] * 4
# The reviewer disagrees on 2 of 10 lines: line 2 aligned (not standardised), line 7 standardised (not none).
HUMAN_LABELS = ["standardised", "aligned", "standardised", "standardised", "aligned", "aligned",
                "standardised", None, None, None]


def hand_project() -> QdaProject:
    text = "\n".join(LINES)
    offsets, pos = [], 0
    for line in LINES:
        offsets.append((pos, pos + len(line)))
        pos += len(line) + 1
    bot = "spectrum 0.0.0 (hand-built)"
    codings = []
    for coder, labels in ((bot, ENGINE_LABELS), ("Reviewer A", HUMAN_LABELS)):
        for (start, end), label in zip(offsets, labels, strict=True):
            if label:
                # the reviewer highlights a phrase; the engine codes the whole line
                s = start if coder == bot else start + 5
                codings.append(QdaCoding(source="lines.txt", start=s, end=end if coder == bot else s + 12,
                                         code=f"spectrum/{label}", coder=coder))
    return QdaProject(name="hand", sources=[QdaSource(name="lines.txt", text=text)], codings=codings,
                      coders=[bot, "Reviewer A"])


def test_qda_perturbed_codings_give_the_hand_computed_kappa_and_alpha(tmp_path: Path) -> None:
    write_qdpx(hand_project(), tmp_path / "hand.qdpx")
    report = agreement(read_qdpx(tmp_path / "hand.qdpx"), never_load)
    [coder] = report.coders
    assert coder.units == 10
    spectrum = next(s for s in coder.axes if s.scope == "spectrum")
    # engine: 4 standardised, 2 aligned, 4 none; reviewer: 4, 3, 3; agree on 8 of 10
    p_o = Fraction(8, 10)
    p_e = Fraction(4 * 4 + 2 * 3 + 4 * 3, 100)
    assert spectrum.observed == pytest.approx(float(p_o))
    assert spectrum.kappa == pytest.approx(float((p_o - p_e) / (1 - p_e)))  # 23/33
    standardised = next(s for s in coder.codes if s.scope == "spectrum/standardised")
    # yes/no: both coders say yes on 4 of 10, they differ on 2 lines
    p_e_bin = Fraction(4 * 4 + 6 * 6, 100)
    assert standardised.kappa == pytest.approx(float((p_o - p_e_bin) / (1 - p_e_bin)))  # 7/12
    # Krippendorff (nominal, 2 coders): 20 values, 8 yes and 12 no; the 2 split units give 4 off-diagonal pairs
    assert standardised.alpha == pytest.approx(float(1 - Fraction(19 * 4, 2 * 12 * 8)))  # 29/48
    assert [(d.engine, d.human) for d in coder.disagreements] == [
        (["spectrum/standardised"], ["spectrum/aligned"]), ([], ["spectrum/standardised"])]
    assert coder.disagreements[0].text == LINES[1]


def test_qda_statistics_are_undefined_rather_than_perfect_without_variation() -> None:
    assert kappa([0, 0, 0], [0, 0, 0]) is None and alpha([0, 0, 0], [0, 0, 0]) is None
    assert kappa([1, 0, 1, 0], [1, 0, 1, 0]) == pytest.approx(1.0)
    assert kappa([1, 1, 1], [0, 0, 0]) == pytest.approx(0.0)


# --- alignment --------------------------------------------------------------------------------

UNITS = [Unit("s", 0, 0, 40, "a" * 40), Unit("s", 1, 41, 81, "b" * 40), Unit("s", 2, 82, 122, "c" * 40)]


@pytest.mark.parametrize(("start", "end", "coded"), [
    (0, 20, [0]),          # exactly half a segment codes it
    (0, 19, [0]),          # a short phrase codes the segment it sits in
    (10, 45, [0]),         # 30 of 35 characters in segment 0; the 4 in segment 1 do not code it
    (0, 122, [0, 1, 2]),   # a long selection codes every segment it covers
    (30, 100, [1]),        # covers all of segment 1, a quarter of segment 0, under half of segment 2
])
def test_qda_overlap_rule(start: int, end: int, coded: list[int]) -> None:
    covered = coverage([QdaCoding(source="s", start=start, end=end, code="spectrum/aligned", coder="x")], UNITS)
    assert [i for i, c in enumerate(covered) if c] == coded


def test_qda_two_labels_on_one_axis_keep_the_larger_overlap_and_all_contexts() -> None:
    tree = code_tree()
    codes = resolve({"spectrum/aligned": 10, "spectrum/standardised": 30, "context/planned": 5,
                     "context/negated": 3}, tree)
    assert codes == {"spectrum/standardised", "context/planned", "context/negated"}


# --- code mapping -----------------------------------------------------------------------------

@pytest.mark.parametrize(("theirs", "ours"), [
    ("spectrum/standardised", "spectrum/standardised"),
    ("Standardised", "spectrum/standardised"),
    ("Spectrum/Aligned", "spectrum/aligned"),
    ("My codes/Approach/Co design", "approach/co-design"),
    ("Roll out", "approach/roll-out"),
    ("school improvement", "domain/school_improvement"),
    ("Spectrum/None", None),
])
def test_qda_codes_match_ours_by_name(theirs: str, ours: str | None) -> None:
    assert CodeMap(code_tree()).resolve(theirs) == (True, ours)


def test_qda_unknown_codes_are_reported_not_guessed() -> None:
    codings = [QdaCoding(source="s", start=0, end=5, code=c, coder="x") for c in ("Themes/Trust", "none", "Aligned")]
    mapped, unmatched = CodeMap(code_tree()).apply(codings)
    assert [c.code for c in mapped] == ["spectrum/aligned"]
    assert dict(unmatched) == {"Themes/Trust": 1, "none": 1}  # "none" alone could be any axis


@pytest.mark.parametrize("suffix", [".yml", ".csv"])
def test_qda_mapping_file_maps_other_names(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"map{suffix}"
    if suffix == ".yml":
        path.write_text("Top-down: spectrum/standardised\nParking lot: ignore\n", encoding="utf-8")
    else:
        path.write_text("their code,our code\nTop-down,spectrum/standardised\nParking lot,\n", encoding="utf-8")
    code_map = CodeMap(code_tree(), load_mapping(path, code_tree()))
    assert code_map.resolve("Themes/Top-down") == (True, "spectrum/standardised")
    assert code_map.resolve("Parking lot") == (True, None)


def test_qda_mapping_to_a_code_we_do_not_have_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "map.yml"
    path.write_text("Top-down: spectrum/centralised\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"map\.yml: entry 'Top-down': 'spectrum/centralised' is not one of our codes"):
        load_mapping(path, code_tree())


def test_qda_absence_paths_are_the_none_labels() -> None:
    assert {"spectrum/none", "approach/none", "domain/none", "context/current"} == ABSENT_PATHS


# --- tables -----------------------------------------------------------------------------------

def test_qda_quotes_table_has_one_row_per_coded_segment_with_attributes(riverbend: QdaProject) -> None:
    rows = list(quote_rows(riverbend))
    assert len(rows) == len({(c.source, c.start, c.end) for c in riverbend.codings})
    row = next(r for r in rows if r["spectrum"] == "standardised")
    assert "spectrum/standardised" in str(row["codes"]).split("; ")
    assert row["kind"] and row["text"] == riverbend.source(str(row["source"])).text[int(row["start"]):int(row["end"])]  # type: ignore[call-overload]
    assert any(r["speaker"] for r in rows)  # transcripts keep their speakers


def test_qda_matrix_is_zero_one_per_document_and_code(riverbend: QdaProject) -> None:
    out = io.StringIO()
    assert write_matrix(riverbend, out) == len(riverbend.sources)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    codes = code_tree().codable
    for row in rows:
        used = {c.code for c in riverbend.codings if c.source == row["source"]}
        assert {k for k in codes if row[k] == "1"} == used
        assert {row[k] for k in codes} <= {"0", "1"}


# --- malformed projects -----------------------------------------------------------------------

BOMB = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>\n'
        b'<Project xmlns="urn:QDA-XML:project:1.0" name="&lol3;"/>')


def make_qdpx(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def malformed(kind: str, tmp_path: Path) -> Path:
    path = tmp_path / f"{kind}.qdpx"
    if kind == "not-a-zip":
        path.write_text("just some text", encoding="utf-8")
        return path
    if kind == "no-project-qde":
        return make_qdpx(path, {"Sources/a.txt": b"hello"})
    if kind == "schema":  # a Project must have a name, and has no <Coder> element
        return make_qdpx(path, {"project.qde": b'<Project xmlns="urn:QDA-XML:project:1.0"><Coder/></Project>'})
    if kind == "bomb":
        return make_qdpx(path, {"project.qde": BOMB})
    if kind == "not-xml":
        return make_qdpx(path, {"project.qde": b"<Project name='x'"})
    if kind == "outside-text":
        qde = (b'<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Sources>'
               b'<TextSource guid="00000000-0000-0000-0000-000000000001" name="a" plainTextPath="internal://a.txt">'
               b'<PlainTextSelection guid="00000000-0000-0000-0000-000000000002" startPosition="2" endPosition="90"/>'
               b'</TextSource></Sources></Project>')
        return make_qdpx(path, {"project.qde": qde, "Sources/a.txt": b"short text"})
    raise AssertionError(kind)


@pytest.mark.parametrize(("kind", "message"), [
    ("not-a-zip", "not a valid zip archive"),
    ("no-project-qde", "no project.qde inside"),
    ("schema", "does not follow the REFI-QDA project schema"),
    ("bomb", "contains a DTD or entity declarations"),
    ("not-xml", "is not well-formed XML"),
    ("outside-text", "runs 2-90, outside its text of 10 characters"),
])
def test_qda_malformed_project_is_a_clear_error(kind: str, message: str, tmp_path: Path) -> None:
    path = malformed(kind, tmp_path)
    with pytest.raises(SpectrumError, match=re.escape(message)) as info:
        read_qdpx(path)
    assert str(info.value).startswith(str(path))


@pytest.mark.parametrize("kind", ["not-a-zip", "no-project-qde", "schema", "bomb"])
def test_qda_cli_malformed_project_is_one_line_naming_the_file(kind: str, tmp_path: Path) -> None:
    path = malformed(kind, tmp_path)
    result = CliRunner().invoke(cli, ["agreement", str(path)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {path}:")


# --- command line -----------------------------------------------------------------------------

def test_qda_cli_export_codebook_writes_a_valid_qdc(tmp_path: Path) -> None:
    out = tmp_path / "spectrum.qdc"
    result = CliRunner().invoke(cli, ["export", "codebook", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert schema("Codebook").is_valid(SafeET.fromstring(out.read_bytes()))


def test_qda_cli_agreement_reports_json_and_disagreements_csv(tmp_path: Path) -> None:
    write_qdpx(hand_project(), tmp_path / "hand.qdpx")
    result = CliRunner().invoke(cli, ["agreement", str(tmp_path / "hand.qdpx"), "--format", "json",
                                      "--disagreements", str(tmp_path / "d.csv")])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["mode"] == "stored" and report["coders"][0]["coder"] == "Reviewer A"
    rows = list(csv.DictReader((tmp_path / "d.csv").open(encoding="utf-8")))
    assert [(r["engine"], r["human"]) for r in rows] == [("spectrum/standardised", "spectrum/aligned"),
                                                          ("", "spectrum/standardised")]


def test_qda_cli_unknown_coder_is_a_one_line_error(tmp_path: Path) -> None:
    write_qdpx(hand_project(), tmp_path / "hand.qdpx")
    result = CliRunner().invoke(cli, ["agreement", str(tmp_path / "hand.qdpx"), "--coder", "Nobody"])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: {tmp_path / 'hand.qdpx'}: no coder named 'Nobody' in the project; "
                                     "coders: spectrum 0.0.0 (hand-built), Reviewer A")


def test_qda_cli_quotes_from_a_qdpx_keep_every_coder(tmp_path: Path) -> None:
    write_qdpx(hand_project(), tmp_path / "hand.qdpx")
    result = CliRunner().invoke(cli, ["export", "quotes", str(tmp_path / "hand.qdpx")])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {r["coder"] for r in rows} == {"spectrum 0.0.0 (hand-built)", "Reviewer A"}
    assert len(rows) == sum(1 for x in ENGINE_LABELS if x) + sum(1 for x in HUMAN_LABELS if x)


def test_qda_engine_coder_name_identifies_model_and_rules(engine: Engine) -> None:
    name = engine_coder(engine.info)
    assert name.startswith(ENGINE_PREFIX) and engine.info.rules_hash[:8] in name and engine.info.model_hash[:8] in name


def test_qda_cli_export_qdpx_writes_a_project_that_reads_back(tmp_path: Path) -> None:
    folder = tmp_path / "oak-trust"
    folder.mkdir()
    (folder / "finance-policy.md").write_text(
        "# Finance policy\n\nAll academies must use the trust finance system.\n\n"
        "Each headteacher decides how the school's minor works budget is spent.\n", encoding="utf-8")
    out = tmp_path / "oak.qdpx"
    result = CliRunner().invoke(cli, ["export", "qdpx", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    project = read_qdpx(out)
    assert project.name == "Oak Trust" and [s.name for s in project.sources] == ["finance-policy.md"]
    coded = {project.sources[0].text[c.start:c.end] for c in project.codings if c.code.startswith("spectrum/")}
    assert "All academies must use the trust finance system." in coded


def test_qda_cli_export_qdpx_with_nothing_readable_is_one_line(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "qdpx", str(tmp_path / "missing"), "-o", str(tmp_path / "x.qdpx")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines()[-1].startswith("error: no readable documents")
    assert not (tmp_path / "x.qdpx").exists()
