"""Read a REFI-QDA ``.qdpx`` written by a QDA tool into plain records.

The archive is checked before anything is inflated (not a zip, zip bomb), ``project.qde`` is
parsed with defusedxml and validated against the project schema, and only then read. Text sources
are read from ``PlainTextContent`` or from ``internal://`` files under ``Sources/``. A PDF source
that carries a text ``Representation`` counts as a text source too, since that is where tools
put selections made on a PDF's text. Sources stored outside the archive and picture, audio and
video sources cannot be compared by text; they are skipped and listed as warnings. References that
point nowhere (a coding to a missing code, a selection outside its text) are errors, because
guessing would silently change what a coder said.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

from spectrum.errors import InputError
from spectrum.ingest.office import check_zip
from spectrum.qda.records import QdaCoding, QdaProject, QdaSource
from spectrum.qda.xmlsafe import PROJECT_NS, parse, validate

UNKNOWN_CODER = "unknown coder"
_NS = {"q": PROJECT_NS}
_VALUE_TAGS = ("TextValue", "BooleanValue", "IntegerValue", "FloatValue", "DateValue", "DateTimeValue")


def _norm(guid: str | None) -> str:
    return (guid or "").strip().strip("{}").lower()


def _tag(el: ET.Element) -> str:
    return el.tag.rsplit("}", 1)[-1]


class _Reader:
    """One archive being read; keeps the lookups that references resolve against."""

    def __init__(self, zf: zipfile.ZipFile, where: Path) -> None:
        self.zf = zf
        self.where = where
        self.members = {i.filename.replace("\\", "/").casefold(): i.filename for i in zf.infolist() if not i.is_dir()}
        self.users: dict[str, str] = {}
        self.codes: dict[str, str] = {}
        self.variables: dict[str, str] = {}
        self.notes: dict[str, str] = {}
        self.warnings: list[str] = []

    def fail(self, message: str) -> InputError:
        return InputError(message, self.where)

    def internal_text(self, plain_path: str, owner: str) -> str | None:
        """Text of an ``internal://`` file, or None (with a warning) for a file outside the archive."""
        if not plain_path.startswith("internal://"):
            self.warnings.append(f"{owner}: text is stored outside the archive ({plain_path}); skipped")
            return None
        name = plain_path.removeprefix("internal://").lstrip("/")
        member = self.members.get(f"sources/{name}".casefold()) or self.members.get(name.casefold())
        if member is None:
            raise self.fail(f"{owner} points to {plain_path} but the archive has no Sources/{name}")
        try:
            return self.zf.read(member).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise self.fail(f"Sources/{name} ({owner}) is not UTF-8 text") from None

    def text_of(self, el: ET.Element, owner: str) -> str | None:
        content = el.find("q:PlainTextContent", _NS)
        if content is not None:
            return content.text or ""
        path = el.get("plainTextPath")
        if path:
            return self.internal_text(path, owner)
        self.warnings.append(f"{owner}: no plain text (only rich text or none); skipped")
        return None

    def codes_under(self, el: ET.Element, prefix: str) -> None:
        for code in el.findall("q:Code", _NS):
            name = (code.get("name") or "").replace("/", "-").strip() or _norm(code.get("guid"))
            path = f"{prefix}/{name}" if prefix else name
            self.codes[_norm(code.get("guid"))] = path
            self.codes_under(code, path)

    def memo(self, *owners: ET.Element) -> str | None:
        texts: list[str] = []
        for owner in owners:
            desc = owner.find("q:Description", _NS)
            if desc is not None and (desc.text or "").strip():
                texts.append(desc.text.strip())  # type: ignore[union-attr]
            for ref in owner.findall("q:NoteRef", _NS):
                note = self.notes.get(_norm(ref.get("targetGUID")))
                if note and note.strip():
                    texts.append(note.strip())
        unique = list(dict.fromkeys(texts))
        return "\n\n".join(unique) if unique else None

    def coder(self, *owners: ET.Element) -> str:
        for owner in owners:
            user = _norm(owner.get("creatingUser"))
            if user:
                return self.users.get(user, user)
        return UNKNOWN_CODER

    def source(self, el: ET.Element, name: str) -> tuple[QdaSource, list[QdaCoding]] | None:
        owner = f"source {name!r}"
        text = self.text_of(el, owner)
        if text is None:
            return None
        attributes: dict[str, str] = {}
        for value in el.findall("q:VariableValue", _NS):
            ref = value.find("q:VariableRef", _NS)
            key = self.variables.get(_norm(ref.get("targetGUID") if ref is not None else None))
            found = next((value.find(f"q:{t}", _NS) for t in _VALUE_TAGS if value.find(f"q:{t}", _NS) is not None), None)
            if key and found is not None:
                attributes[key] = found.text or ""
        if el.findall("q:Coding", _NS):
            self.warnings.append(f"{owner}: codings of the whole source are not compared; ignored")
        codings: list[QdaCoding] = []
        for sel in el.findall("q:PlainTextSelection", _NS):
            start, end = int(sel.get("startPosition", "0")), int(sel.get("endPosition", "0"))
            if not 0 <= start <= end <= len(text):
                raise self.fail(f"selection {sel.get('guid')} in {owner} runs {start}-{end}, "
                                f"outside its text of {len(text)} characters")
            for coding in sel.findall("q:Coding", _NS):
                ref = coding.find("q:CodeRef", _NS)
                target = _norm(ref.get("targetGUID") if ref is not None else None)
                if target not in self.codes:
                    raise self.fail(f"coding {coding.get('guid')} in {owner} refers to code {target}, "
                                    "which the project's codebook does not have")
                codings.append(QdaCoding(source=name, start=start, end=end, code=self.codes[target],
                                         coder=self.coder(coding, sel), memo=self.memo(coding, sel)))
        return QdaSource(name=name, text=text, attributes=attributes), codings

    def project(self, root: ET.Element) -> QdaProject:
        for user in root.findall("q:Users/q:User", _NS):
            self.users[_norm(user.get("guid"))] = user.get("name") or user.get("id") or _norm(user.get("guid"))
        codes = root.find("q:CodeBook/q:Codes", _NS)
        if codes is not None:
            self.codes_under(codes, "")
        for var in root.findall("q:Variables/q:Variable", _NS):
            self.variables[_norm(var.get("guid"))] = var.get("name") or ""
        for note in root.findall("q:Notes/q:Note", _NS):
            content = note.find("q:PlainTextContent", _NS)
            path = note.get("plainTextPath", "")
            if content is not None:
                self.notes[_norm(note.get("guid"))] = content.text or ""
            elif path.startswith("internal://"):
                self.notes[_norm(note.get("guid"))] = self.internal_text(path, f"note {note.get('name')!r}") or ""
        sources: list[QdaSource] = []
        codings: list[QdaCoding] = []
        taken: set[str] = set()
        skipped: dict[str, int] = {}
        for el in root.findall("q:Sources/*", _NS):
            kind = _tag(el)
            text_el = el if kind == "TextSource" else el.find("q:Representation", _NS) if kind == "PDFSource" else None
            if text_el is None:
                skipped[kind] = skipped.get(kind, 0) + 1
                continue
            base = el.get("name") or _norm(el.get("guid"))
            name, n = base, 2
            while name in taken:
                name, n = f"{base} ({n})", n + 1
            taken.add(name)
            read = self.source(text_el, name)
            if read:
                sources.append(read[0])
                codings += read[1]
        for kind, n in sorted(skipped.items()):
            self.warnings.append(f"{n} {kind} source(s) have no text to compare; skipped")
        coders = list(dict.fromkeys([*self.users.values(), *(c.coder for c in codings)]))
        return QdaProject(name=root.get("name", ""), sources=sources, codings=codings, coders=coders,
                          origin=root.get("origin"), warnings=self.warnings)


def read_qdpx(path: Path) -> QdaProject:
    """Read a ``.qdpx``; anything malformed is an ``InputError`` naming the file."""
    if not path.is_file():
        raise InputError("no such file", path)
    check_zip(path, "QDPX project")
    try:
        with zipfile.ZipFile(path) as zf:
            reader = _Reader(zf, path)
            qde = reader.members.get("project.qde")
            if qde is None:
                raise InputError("no project.qde inside; not a REFI-QDA project archive", path)
            root = parse(zf.read(qde), "project.qde", path)
            validate(root, "Project", "project.qde", path)
            return reader.project(root)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise InputError(f"cannot read the archive ({exc})", path) from None
