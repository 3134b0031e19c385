"""Write a QDA project as a REFI-QDA ``.qdpx``: ``project.qde`` plus the plain texts under ``Sources/``.

Each source is a ``TextSource`` whose ``plainTextPath`` is ``internal://<guid>.txt``, the form
the standard gives for files inside the archive. Selections are ``PlainTextSelection`` ranges in
characters of that text, start inclusive and end exclusive. Codings sharing a range and a coder
become one selection, so a QDA tool shows one quotation with all its codes. The selection's memo
is a ``Note`` that the selection and each of its codings refer to. The whole codebook goes in
too, so a human coder can code the same sources with our codes in their own tool. GUIDs are
derived from content and no timestamps are written, so the same input always gives the same file.
The XML is checked against the REFI-QDA project schema before anything is written.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable
from pathlib import Path

from spectrum.errors import InputError
from spectrum.qda.codebook import add_codes
from spectrum.qda.codes import CodeTree, code_tree, guid
from spectrum.qda.records import QdaCoding, QdaProject, QdaSource
from spectrum.qda.xmlsafe import PROJECT_NS, parse, to_bytes, validate

SOURCES_DIR = "Sources"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


def source_guid(source: QdaSource) -> str:
    """GUID of a source, from its name and text."""
    return guid("source", source.name, source.text)


def user_guid(name: str) -> str:
    """GUID of a coder, from the name."""
    return guid("user", name)


def _selections(codings: Iterable[QdaCoding]) -> dict[str, dict[tuple[int, int, str], list[QdaCoding]]]:
    """Codings grouped by source, then by (start, end, coder): one group is one selection."""
    groups: dict[str, dict[tuple[int, int, str], list[QdaCoding]]] = {}
    for c in codings:
        groups.setdefault(c.source, {}).setdefault((c.start, c.end, c.coder), []).append(c)
    return groups


def _excerpt(text: str, limit: int = 80) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _check_ranges(project: QdaProject) -> None:
    lengths = {s.name: len(s.text) for s in project.sources}
    if len(lengths) != len(project.sources):
        raise InputError(f"project {project.name!r} has two sources with the same name")
    for c in project.codings:
        if c.source not in lengths:
            raise InputError(f"a coding refers to source {c.source!r}, which the project does not have")
        if not c.start <= c.end <= lengths[c.source]:
            raise InputError(f"coding {c.start}-{c.end} lies outside source {c.source!r} "
                             f"({lengths[c.source]} characters)")


def project_element(project: QdaProject, tree: CodeTree | None = None) -> tuple[ET.Element, dict[str, bytes]]:
    """The ``Project`` element and the source files it points to (archive path → UTF-8 bytes)."""
    _check_ranges(project)
    tree = (tree or code_tree()).with_extra([c.code for c in project.codings])
    coders = list(dict.fromkeys([*project.coders, *(c.coder for c in project.codings)]))
    root = ET.Element("Project", {"xmlns": PROJECT_NS, "name": project.name})
    if project.origin:
        root.set("origin", project.origin)
    if coders:
        root.set("creatingUserGUID", user_guid(coders[0]))
        users = ET.SubElement(root, "Users")
        for name in coders:
            ET.SubElement(users, "User", {"guid": user_guid(name), "name": name})
    add_codes(ET.SubElement(ET.SubElement(root, "CodeBook"), "Codes"), tree)

    variables = sorted({k for s in project.sources for k in s.attributes})
    if variables:
        var_el = ET.SubElement(root, "Variables")
        for v in variables:
            ET.SubElement(var_el, "Variable", {"guid": guid("variable", v), "name": v, "typeOfVariable": "Text"})

    files: dict[str, bytes] = {}
    notes: list[ET.Element] = []
    by_source = _selections(project.codings)
    sources_el = ET.SubElement(root, "Sources")
    for source in project.sources:
        sid = source_guid(source)
        path = f"{sid}.txt"
        files[f"{SOURCES_DIR}/{path}"] = source.text.encode("utf-8")
        src_el = ET.SubElement(sources_el, "TextSource",
                               {"guid": sid, "name": source.name, "plainTextPath": f"internal://{path}"})
        for (start, end, coder), group in by_source.get(source.name, {}).items():
            sel_id = guid("selection", sid, str(start), str(end), coder)
            sel = ET.SubElement(src_el, "PlainTextSelection", {
                "guid": sel_id, "name": _excerpt(source.text[start:end]), "startPosition": str(start),
                "endPosition": str(end), "creatingUser": user_guid(coder),
            })
            memos = list(dict.fromkeys(c.memo for c in group if c.memo))
            note_id = guid("note", sel_id) if memos else None
            for c in dict.fromkeys(c.code for c in group):
                coding = ET.SubElement(sel, "Coding", {"guid": guid("coding", sel_id, c),
                                                           "creatingUser": user_guid(coder)})
                ET.SubElement(coding, "CodeRef", {"targetGUID": tree.by_path[c].guid})
                if note_id:
                    ET.SubElement(coding, "NoteRef", {"targetGUID": note_id})
            if note_id:
                ET.SubElement(sel, "NoteRef", {"targetGUID": note_id})
                note = ET.Element("Note", {"guid": note_id, "name": f"{source.name} {start}-{end}",
                                               "creatingUser": user_guid(coder)})
                ET.SubElement(note, "PlainTextContent").text = "\n\n".join(memos)
                notes.append(note)
        for key in sorted(source.attributes):
            value = ET.SubElement(src_el, "VariableValue")
            ET.SubElement(value, "VariableRef", {"targetGUID": guid("variable", key)})
            ET.SubElement(value, "TextValue").text = source.attributes[key]
    if notes:
        ET.SubElement(root, "Notes").extend(notes)
    return root, files


def qde_bytes(project: QdaProject, tree: CodeTree | None = None) -> tuple[bytes, dict[str, bytes]]:
    """``project.qde`` as validated bytes, and the source files."""
    root, files = project_element(project, tree)
    data = to_bytes(root)
    validate(parse(data, "project.qde", "export"), "Project", "project.qde", "export")
    return data, files


def write_qdpx(project: QdaProject, path: Path, tree: CodeTree | None = None) -> None:
    """Write the ``.qdpx`` archive (after validation, so a failed export leaves no file behind)."""
    data, files = qde_bytes(project, tree)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, content in [("project.qde", data), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, content)
