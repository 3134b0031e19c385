"""Shared fixtures: small documents in every supported format, made on the fly."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from spectrum.engine import Engine
from spectrum.qda.records import QdaProject


def make_pdf(path: Path, pages: list[str]) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    pdf.output(str(path))
    return path


def make_docx(path: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("Trustees' report", level=1)
    d.add_paragraph("The trust runs eleven academies across two counties.")
    d.add_heading("Central services", level=2)
    d.add_paragraph("Payroll and HR are provided centrally for every academy.")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Service"
    table.cell(0, 1).text = "Funding"
    table.cell(1, 0).text = "Finance"
    table.cell(1, 1).text = "Top-slice of 5%"
    d.save(str(path))
    return path


@pytest.fixture
def sample_folder(tmp_path: Path) -> Path:
    """One file of each format, with headings, pages and speakers to find again."""
    (tmp_path / "curriculum-policy.md").write_text(
        "# Curriculum policy\n\n## Scope\n\nThis policy applies to all academies in the Trust.\n"
        "All academies will follow the trust curriculum.\n\n## Foundation subjects\n\n"
        "Headteachers decide how foundation subjects are taught.\n",
        encoding="utf-8",
    )
    (tmp_path / "about.html").write_text(
        "<html><head><title>Our approach</title><style>p{}</style><script>var x=1;</script></head>"
        "<body><nav><a>Home</a> <a>About us</a></nav><main><h1>Our approach</h1>"
        "<p>Each school decides its own behaviour policy.</p><ul><li>We share what works.</li></ul>"
        "</main><footer>Registered in England</footer></body></html>",
        encoding="utf-8",
    )
    make_pdf(tmp_path / "review-report.pdf", [
        "Reviewers found that assessment is common across all academies.",
        "Heads told reviewers they had adapted the behaviour policy.",
    ])
    make_docx(tmp_path / "annual-report.docx")
    (tmp_path / "head-interview.txt").write_text(
        "Peer review interview, March\n\n"
        "Interviewer: How is assessment decided here?\n\n"
        "Jo Bell (Headteacher): Honestly, we do our own thing. The trust sets the dates though.\n\n"
        "Interviewer: And behaviour?\n\n"
        "Jo Bell: The behaviour policy is the trust one, word for word.\n",
        encoding="utf-8",
    )
    (tmp_path / "ceo.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Interviewer>Who designed the curriculum?</v>\n\n"
        "00:00:05.000 --> 00:00:09.000\n<v Sam Lee>The heads designed it together with our subject leads.</v>\n\n"
        "00:00:09.500 --> 00:00:12.000\n<v Sam Lee>Then every school adopted it.</v>\n",
        encoding="utf-8",
    )
    (tmp_path / "trustee.srt").write_text(
        "1\n00:00:01,000 --> 00:00:03,000\nAva Price (Chair of Trustees): The board approves the budget.\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nAva Price: Schools set their own priorities within it.\n",
        encoding="utf-8",
    )
    (tmp_path / "rows.jsonl").write_text(
        '{"id": "r1", "text": "All academies use one MIS.", "kind": "policy", "year": 2024}\n'
        '{"id": "r2", "text": "Heads choose their own reading scheme."}\n',
        encoding="utf-8",
    )
    return tmp_path


def make_zip_bomb(path: Path, declared_mb: int = 300) -> Path:
    """A .docx-named zip whose one member inflates to ``declared_mb`` megabytes of zeros."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("word/document.xml", "w") as fh:
            chunk = b"\0" * (1 << 20)
            for _ in range(declared_mb):
                fh.write(chunk)
    return path


@pytest.fixture(scope="session")
def engine() -> Engine:
    """The shipped engine, loaded once: loading the model is most of a test's time."""
    return Engine.load()


#: A short interview whose last answer names no topic of its own: read alone it is not about
#: safeguarding, read with the question before it it is (``neighbours.QUESTION_WEIGHT``).
INTERVIEW_TURNS = [
    ("Interviewer", "Tell me how the school budget is set each year."),
    ("Head", "We draft it with the business manager and the local committee signs it off."),
    ("Interviewer", "And child protection, the safeguarding procedures, is that the same in every school?"),
    ("Head", "Yes, we all follow the one procedure now, it came from the centre."),
]


def write_interview(path: Path) -> Path:
    """``INTERVIEW_TURNS`` as a plain-text transcript, one ``Speaker: words`` paragraph per turn."""
    path.write_text("".join(f"{who}: {words}\n\n" for who, words in INTERVIEW_TURNS), encoding="utf-8")
    return path


def as_human(project: QdaProject, name: str = "Reviewer A") -> QdaProject:
    """The same codings, attributed to a human coder (what a reviewer who agrees fully would export)."""
    codings = [c.model_copy(update={"coder": name}) for c in project.codings]
    return project.model_copy(update={"codings": codings, "coders": [name]})
