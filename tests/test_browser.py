"""The HTML report as a real browser shows it: headless Chromium draws the chart and the findings.

Parsing the template's output proves little about what a reviewer sees, so these tests let
Chromium load the file and read back its DOM, and (with a measuring script added to a copy of the
report, never to the report itself) the laid-out size and place of each chart mark.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from spectrum.corpus.load import default_corpus_dir
from spectrum.engine import Engine, analyse
from spectrum.models import TrustReport
from spectrum.report import render

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (Debian: apt-get install chromium); .ci/run installs it")

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

#: Added to a copy of the report only: writes each mark's laid-out box into the DOM for --dump-dom.
MEASURE = """<script>
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; };
const svg = document.getElementById('spectrum-chart');
const out = {svg: box(svg), rows: [...svg.querySelectorAll('g.row')].map(g => ({
  domain: g.dataset.domain, row: box(g),
  marks: [...g.querySelectorAll('rect.intent, circle.practice, line.gap')].map(m => [m.getAttribute('class'), box(m)]),
  label: g.querySelector('text').getComputedTextLength()})),
  findings: [...document.querySelectorAll('#findings section.finding')].map(box)};
const pre = document.createElement('pre'); pre.id = 'layout'; pre.textContent = JSON.stringify(out);
document.body.appendChild(pre);
</script>"""


def dump_dom(page: Path, profile: Path, *extra: str) -> str:
    """The DOM Chromium builds from ``page``, serialised after load."""
    assert CHROMIUM is not None
    done = subprocess.run(
        [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.fixture(scope="module")
def report(engine: Engine) -> TrustReport:
    return analyse(engine, [default_corpus_dir() / "trusts" / "riverbend"])


def _page(report: TrustReport, folder: Path) -> Path:
    path = folder / "report.html"
    path.write_text(render(report, "html"), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def page(report: TrustReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _page(report, tmp_path_factory.mktemp("browser"))


def test_browser_dom_has_the_chart_with_a_row_and_marks_per_practice(report: TrustReport, page: Path,
                                                                     tmp_path: Path) -> None:
    dom = BeautifulSoup(dump_dom(page, tmp_path / "profile"), "lxml")
    chart = dom.find("svg", id="spectrum-chart")
    assert chart is not None
    rows = chart.find_all("g", class_="row")
    assert [r["data-domain"] for r in rows] == [p.domain for p in report.practices]
    for row, p in zip(rows, report.practices, strict=True):
        assert (row.find("rect", class_="intent") is not None) == (p.intent is not None), p.domain
        assert (row.find("circle", class_="practice") is not None) == (p.practice is not None), p.domain
    assert len(chart.select("rect.intent")) + len(chart.select("circle.practice")) >= len(report.practices)


def test_browser_dom_has_every_finding_with_its_quotes(report: TrustReport, page: Path, tmp_path: Path) -> None:
    dom = BeautifulSoup(dump_dom(page, tmp_path / "profile"), "lxml")
    findings = dom.find(id="findings")
    assert findings is not None
    sections = findings.find_all("section", class_="finding")
    assert [s["data-challenge"] for s in sections] == [f.challenge for f in report.findings]
    assert report.findings, "the sample trust should have at least one finding to show"
    for section, f in zip(sections, report.findings, strict=True):
        assert f.rationale in section.get_text(" ")
        assert len(section.find_all("blockquote")) == len(f.evidence)
    assert dom.find("script") is None


def test_browser_lays_out_every_chart_mark_inside_the_chart(report: TrustReport, page: Path,
                                                            tmp_path: Path) -> None:
    measured = tmp_path / "measured.html"
    measured.write_text(page.read_text(encoding="utf-8").replace("</body>", MEASURE + "</body>"), encoding="utf-8")
    dom = BeautifulSoup(dump_dom(measured, tmp_path / "profile", "--window-size=1280,2000"), "lxml")
    layout = json.loads(dom.find("pre", id="layout").get_text())
    sx, sy, sw, sh = layout["svg"]
    assert sw > 400 and sh > 30 * len(report.practices)
    for row, p in zip(layout["rows"], report.practices, strict=True):
        assert row["label"] > 0, row["domain"]
        assert len([k for k, _ in row["marks"] if k != "gap"]) == (p.intent is not None) + (p.practice is not None)
        for kind, (x, y, w, h) in row["marks"]:
            assert w > 0 and h >= 0, (row["domain"], kind)
            assert sx - 1 <= x and x + w <= sx + sw + 1 and sy <= y and y + h <= sy + sh, (row["domain"], kind)
    assert len(layout["findings"]) == len(report.findings)
    assert all(h > 40 for _, _, _, h in layout["findings"])


def test_browser_draws_a_gap_arrow_exactly_where_a_gap_is_reported(engine: Engine, tmp_path: Path) -> None:
    report = analyse(engine, [default_corpus_dir() / "trusts" / "oakmere"])
    gaps = {f.domain for f in report.findings if f.challenge == "intent_practice_gap" and f.domain}
    assert gaps, "the sample trust with intent-practice gaps should report at least one by domain"
    dom = BeautifulSoup(dump_dom(_page(report, tmp_path), tmp_path / "profile"), "lxml")
    arrows = {g["data-domain"] for g in dom.select("#spectrum-chart g.row") if g.select_one("line.gap")}
    assert arrows == gaps
