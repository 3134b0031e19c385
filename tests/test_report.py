"""Reports: faithful to the analysis, escaped, deterministic; sample trusts match expected.yml."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from spectrum.corpus.load import default_corpus_dir
from spectrum.engine import Engine, analyse
from spectrum.models import TrustReport
from spectrum.report import render

TRUSTS = sorted(p for p in (default_corpus_dir() / "trusts").iterdir() if (p / "expected.yml").is_file())
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine.load()


@pytest.fixture(scope="module")
def reports(engine: Engine) -> dict[str, TrustReport]:
    return {t.name: analyse(engine, [t]) for t in TRUSTS}


def test_report_six_sample_trusts_exist_with_expectations() -> None:
    assert len(TRUSTS) >= 6
    assert sum(yaml.safe_load((t / "expected.yml").read_text())["demo"] is True for t in TRUSTS) == 1


def test_report_healthy_trust_has_no_medium_or_high_finding(reports: dict[str, TrustReport]) -> None:
    healthy = reports["lindenfield"]
    assert [(f.challenge, f.severity) for f in healthy.findings if f.severity != "low"] == []


def test_report_expected_findings_are_found(reports: dict[str, TrustReport]) -> None:
    """Every expected finding is reported (at least as 'possible'); recall is printed per trust."""
    missed = []
    for t in TRUSTS:
        expected = {f["challenge"] for f in yaml.safe_load((t / "expected.yml").read_text()).get("findings") or []}
        got = {f.challenge for f in reports[t.name].findings}
        print(f"{t.name}: expected {sorted(expected)}, reported {sorted(got)}")
        missed += [(t.name, c) for c in expected - got]
    # measured at the time of writing: 1 miss of 10 (riverbend's low-severity succession risk)
    assert len(missed) <= 1, missed


def test_report_practice_positions_match_expected(reports: dict[str, TrustReport]) -> None:
    """Spectrum position per expected practice; the share right is printed and must not regress."""
    right = total = 0
    for t in TRUSTS:
        expected = yaml.safe_load((t / "expected.yml").read_text())["practices"]
        got = {p.domain: p.spectrum for p in reports[t.name].practices}
        for p in expected:
            total += 1
            right += got.get(p["domain"]) == p["spectrum"]
    print(f"practice positions right: {right}/{total}")
    assert right / total >= 0.75, f"{right}/{total}"


def test_report_html_escapes_document_text(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "policy.md").write_text(
        "# Behaviour policy\n\nAll academies will use the trust behaviour policy <script>alert('x')</script>.\n\n"
        "Each school decides its own uniform <img src=x onerror=alert(1)>.\n", encoding="utf-8")
    html = render(analyse(engine, [tmp_path], trust="Test <Trust>"), "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html
    assert "Test &lt;Trust&gt;" in html


def test_report_json_round_trips_through_the_model(reports: dict[str, TrustReport]) -> None:
    text = render(reports["northfield"], "json")
    again = TrustReport.model_validate(json.loads(text))
    assert again == reports["northfield"]
    for key in ("trust", "engine", "documents", "practices", "findings"):
        assert key in json.loads(text)


def test_report_speakers_are_pseudonymised_by_default(engine: Engine, reports: dict[str, TrustReport]) -> None:
    text = render(reports["northfield"], "md")
    for doc in reports["northfield"].documents:
        for name in doc.speakers:
            assert name.split()[0] in {"CEO", "Executive", "Headteacher", "Teacher", "Trustee", "Central", "Interviewer", "Speaker"}
    assert "Headteacher A" in text


def test_report_markdown_golden(reports: dict[str, TrustReport]) -> None:
    """Set SPECTRUM_UPDATE_GOLDEN=1 to rewrite after an intended change, then review the diff."""
    text = render(reports["riverbend"], "md")
    path = GOLDEN / "riverbend.md"
    if os.environ.get("SPECTRUM_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_report_is_deterministic(engine: Engine) -> None:
    trust = TRUSTS[0]
    assert render(analyse(engine, [trust]), "md") == render(analyse(engine, [trust]), "md")
