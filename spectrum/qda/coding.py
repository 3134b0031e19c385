"""The engine's classifications as the codings a human coder would have made in a QDA tool.

One engine segment becomes one selection. It carries the spectrum and approach labels unless
they are ``none``, every challenge flagged, every context other than ``current``, and the domain
whenever any of those is present. The domain names the practice a coded statement is about, and
coding it on every heading and greeting would bury the statements that matter. Each selection
has a memo with the probabilities, the decision steps and the rule ids behind each label, so a
reviewer can check a coding in the tool without running the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from spectrum.models import AxisDecision, Classification, Document, EngineInfo, FileProblem
from spectrum.qda.align import line_paragraphs
from spectrum.qda.records import QdaCoding, QdaProject, QdaSource
from spectrum.qda.turns import TURNS_VARIABLE, format_turns

if TYPE_CHECKING:
    from spectrum.engine import Engine

#: Every engine coder's name starts with this, so an engine coding is recognised in a project.
ENGINE_PREFIX = "spectrum "


def engine_coder(info: EngineInfo) -> str:
    """The coder name of this engine: version, model and rules, so two runs are told apart."""
    return f"{ENGINE_PREFIX}{info.version} (model {info.model} {info.model_hash[:8]}, rules {info.rules_hash[:8]})"


def classification_codes(c: Classification) -> list[str]:
    """Code paths for one classified segment, in codebook order; empty when it says nothing coded."""
    codes: list[str] = []
    if c.spectrum.label != "none":
        codes.append(f"spectrum/{c.spectrum.label}")
    if c.approach.label != "none":
        codes.append(f"approach/{c.approach.label}")
    rest = [f"challenge/{x}" for x in c.challenges] + [f"context/{x}" for x in c.context if x != "current"]
    if (codes or rest) and c.domain.label and c.domain.label != "none":
        codes.append(f"domain/{c.domain.label}")
    return codes + rest


def _axis_line(axis: str, d: AxisDecision, c: Classification) -> str:
    rules = sorted({h.rule_id if h.label == d.label else f"{h.rule_id} ({h.label})"
                    for h in c.evidence if h.axis == axis})
    steps = "; ".join(d.explanation)
    line = f"{axis}: {d.label} (p={d.confidence:.2f}{', abstained' if d.abstained else ''})"
    if steps:
        line += f"; {steps}"
    if rules:
        line += f"; rules: {', '.join(rules)}"
    return line


def decision_memo(c: Classification, coder: str) -> str:
    """Why the engine coded this segment as it did, for a reader inside a QDA tool."""
    lines = [_axis_line(axis, d, c) for axis, d in (("spectrum", c.spectrum), ("approach", c.approach),
                                                    ("domain", c.domain))]
    if c.challenges:
        flagged = []
        for ch in c.challenges:
            rules = sorted({h.rule_id for h in c.evidence if h.label == ch})
            flagged.append(f"{ch} ({', '.join(rules)})" if rules else ch)
        lines.append("challenges: " + "; ".join(flagged))
    triggers = sorted({h.rule_id for h in c.evidence if h.axis == "context"})
    lines.append("context: " + ", ".join(c.context) + (f" ({', '.join(triggers)})" if triggers else ""))
    lines.append(f"coder: {coder}")
    return "\n".join(lines)


def engine_codings(source: str, classifications: Iterable[Classification], coder: str) -> list[QdaCoding]:
    """One coding per code of each segment that carries any, all sharing the segment's memo."""
    out: list[QdaCoding] = []
    for c in classifications:
        codes = classification_codes(c)
        if not codes:
            continue
        seg = c.segment
        memo = decision_memo(c, coder)
        for code in codes:
            out.append(QdaCoding(
                source=source, start=seg.start, end=seg.end, code=code, coder=coder, memo=memo,
                page=seg.page, section=seg.section, speaker=seg.speaker, role=seg.role,
            ))
    return out


def document_attributes(doc: Document) -> dict[str, str]:
    """What a researcher filters sources by in a QDA tool (file name only: no local paths leak).

    A transcript also carries its speakers' turns, by role, so that reclassifying the project
    reads each answer with its question as the engine did (``qda.turns``).
    """
    attributes = {"title": doc.title, "kind": doc.kind, "format": doc.format, "file": Path(doc.source).name,
                  "document_id": doc.id}
    if doc.turns:
        attributes[TURNS_VARIABLE] = format_turns(doc.turns)
    return attributes


def source_name(doc: Document, taken: set[str]) -> str:
    """A unique, readable source name: the file name, numbered when a file gave several documents."""
    base = Path(doc.source).name or doc.id
    name, n = base, 2
    while name in taken:
        name, n = f"{base} ({n})", n + 1
    taken.add(name)
    return name


def classify_project(engine: Engine, documents: Sequence[Document], name: str) -> QdaProject:
    """Classify documents and return them with the engine's codings as a QDA project.

    Documents are segmented one paragraph per line (headings too), as a project read back from
    a QDA tool is, so the same text always gives the same segments on the way out and back.
    Pages, sections and speakers are kept for the quotes table.
    """
    coder = engine_coder(engine.info)
    taken: set[str] = set()
    sources: list[QdaSource] = []
    codings: list[QdaCoding] = []
    documents = [doc.model_copy(update={"paragraphs": line_paragraphs(doc.text)}) for doc in documents]
    for doc, (_, classified) in zip(documents, engine.classify_documents(documents), strict=True):
        src = source_name(doc, taken)
        sources.append(QdaSource(name=src, text=doc.text, attributes=document_attributes(doc)))
        codings += engine_codings(src, classified, coder)
    return QdaProject(name=name, sources=sources, codings=codings, coders=[coder], origin=coder)


def read_documents(paths: Sequence[Path], kinds: dict[str, str] | None = None,
                   speakers: dict[str, str] | None = None,
                   on_problem: Callable[[FileProblem], None] | None = None) -> list[Document]:
    """Read a trust's files as ``analyse`` does; bad files are reported and skipped."""
    from spectrum.engine import read_trust

    return read_trust(paths, kinds, speakers, on_problem)[0]


def project_name(paths: Sequence[Path]) -> str:
    """Default project name, as the report names a trust."""
    from spectrum.engine import trust_name

    return trust_name(paths)
