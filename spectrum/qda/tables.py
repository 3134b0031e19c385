"""The two tables researchers export from QDA tools, as CSV: quotes, and code presence per document.

Quotes: one row per coded segment and coder (one selection), with the source's attributes,
where the segment is, every code path ("spectrum/standardised") and one column per axis for
filtering in a spreadsheet. Matrix: one row per source and coder, a 0/1 column per code, the
usual input for cross-case comparison. Codes that match ours by name (or through a mapping file)
are shown with our paths; any other code keeps its own path, so nothing a coder did disappears.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, TextIO

from spectrum.qda.codes import GROUPS, CodeTree, code_tree
from spectrum.qda.mapping import CodeMap
from spectrum.qda.records import QdaCoding, QdaProject

if TYPE_CHECKING:
    from spectrum.qda.agreement import AgreementReport

_FIRST_ATTRIBUTES = ("title", "kind", "format", "file", "document_id")


def _attribute_columns(project: QdaProject) -> list[str]:
    keys = {k for s in project.sources for k in s.attributes}
    return [k for k in _FIRST_ATTRIBUTES if k in keys] + sorted(keys - set(_FIRST_ATTRIBUTES))


def translate(project: QdaProject, tree: CodeTree, mapping: Mapping[str, str | None] | None = None) -> list[QdaCoding]:
    """Codings with our code paths where a name matches ours; others unchanged, deliberate "no code" dropped."""
    code_map = CodeMap(tree, mapping)
    out: list[QdaCoding] = []
    for c in project.codings:
        matched, ours = code_map.resolve(c.code)
        if not matched:
            out.append(c)
        elif ours is not None:
            out.append(c if ours == c.code else c.model_copy(update={"code": ours}))
    return out


def quote_rows(project: QdaProject, tree: CodeTree | None = None,
               mapping: Mapping[str, str | None] | None = None) -> Iterator[dict[str, object]]:
    """One row per selection (source, range, coder), in source and text order."""
    tree = tree or code_tree()
    groups: dict[tuple[str, int, int, str], list[QdaCoding]] = {}
    for c in translate(project, tree, mapping):
        groups.setdefault((c.source, c.start, c.end, c.coder), []).append(c)
    order = {s.name: i for i, s in enumerate(project.sources)}
    attributes = _attribute_columns(project)
    for (source, start, end, coder), codings in sorted(groups.items(), key=lambda kv: (order[kv[0][0]], kv[0][1], kv[0][2], kv[0][3])):
        src = project.source(source)
        codes = sorted(dict.fromkeys(c.code for c in codings), key=tree.sort_key)
        first = codings[0]
        row: dict[str, object] = {"source": source}
        row.update({a: src.attributes.get(a, "") for a in attributes})
        row.update({"coder": coder, "start": start, "end": end, "page": first.page or "", "section": first.section or "",
                    "speaker": first.speaker or "", "role": first.role or "", "codes": "; ".join(codes)})
        for g in GROUPS:
            row[g.id] = "; ".join(c.split("/", 1)[1] for c in codes if c.startswith(g.id + "/"))
        row["memo"] = "\n\n".join(dict.fromkeys(c.memo for c in codings if c.memo))
        row["text"] = src.text[start:end]
        yield row


def quote_columns(project: QdaProject) -> list[str]:
    """Column order of the quotes table."""
    return ["source", *_attribute_columns(project), "coder", "start", "end", "page", "section", "speaker", "role",
            "codes", *(g.id for g in GROUPS), "memo", "text"]


def write_quotes(project: QdaProject, out: TextIO, tree: CodeTree | None = None,
                 mapping: Mapping[str, str | None] | None = None) -> int:
    """Write the quotes table; returns the number of rows."""
    writer = csv.DictWriter(out, fieldnames=quote_columns(project))
    writer.writeheader()
    n = 0
    for row in quote_rows(project, tree, mapping):
        writer.writerow(row)
        n += 1
    return n


def write_matrix(project: QdaProject, out: TextIO, tree: CodeTree | None = None,
                 mapping: Mapping[str, str | None] | None = None) -> int:
    """Write the 0/1 code-presence matrix; returns the number of rows.

    With one coder every source has a row, so a source with nothing coded shows as zeros. With
    several, a source a coder never coded has no row for that coder: zeros would claim they read it.
    """
    tree = tree or code_tree()
    codings = translate(project, tree, mapping)
    present: dict[tuple[str, str], set[str]] = {}
    for c in codings:
        present.setdefault((c.source, c.coder), set()).add(c.code)
    columns = tree.codable + sorted({c.code for c in codings} - set(tree.codable))
    coders = list(dict.fromkeys([*project.coders, *(c.coder for c in codings)]))
    attributes = _attribute_columns(project)
    writer = csv.writer(out)
    writer.writerow(["source", *attributes, "coder", *columns])
    n = 0
    for source in project.sources:
        for coder in coders:
            codes = present.get((source.name, coder))
            if codes is None and len(coders) > 1:
                continue
            codes = codes or set()
            writer.writerow([source.name, *(source.attributes.get(a, "") for a in attributes), coder,
                             *(int(code in codes) for code in columns)])
            n += 1
    return n


def write_disagreements(report: AgreementReport, out: TextIO) -> int:
    """Every disagreement of every coder, both codings side by side; returns the number of rows."""
    writer = csv.writer(out)
    writer.writerow(["coder", "source", "start", "end", "engine", "human", "text"])
    n = 0
    for coder in report.coders:
        for d in coder.disagreements:
            writer.writerow([coder.coder, d.source, d.start, d.end, "; ".join(d.engine), "; ".join(d.human), d.text])
            n += 1
    return n
