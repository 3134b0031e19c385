"""Reading files into Documents: one reader per format behind one dispatcher.

``read`` handles one file and raises ``IngestError`` for anything wrong with it; ``ingest`` walks
files and folders, keeps going past bad files and returns what it read with what it could not.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from spectrum.errors import IngestError
from spectrum.ingest.decode import check_size, decode_text, read_bytes
from spectrum.ingest.docx import read_docx
from spectrum.ingest.html import read_html
from spectrum.ingest.jsonl import read_jsonl
from spectrum.ingest.kinds import check_kind, infer_kind, load_speakers, named_as_interview
from spectrum.ingest.pdf import read_pdf
from spectrum.ingest.slides import read_pptx
from spectrum.ingest.text import read_text
from spectrum.ingest.transcript import looks_like_transcript, read_plain_transcript, read_srt, read_vtt
from spectrum.models import Document, FileProblem
from spectrum.vocab import DocumentKind, SpeakerRole

SUPPORTED = (".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx", ".pptx", ".vtt", ".srt", ".jsonl")
SPEAKER_FILES = ("speakers.yml", "speakers.yaml")
MAX_JSONL_BYTES = 4 * 1024 * 1024 * 1024

__all__ = ["SUPPORTED", "IngestResult", "discover", "ingest", "iter_documents", "read"]


def _jsonl_lines(path: Path) -> Iterator[str]:
    with path.open("rb") as fh:
        for raw in fh:
            yield raw.decode("utf-8", errors="replace")


#: Formats a trust also publishes its FAQ pages in, laid out as questions and answers like an interview.
_FAQ_FORMATS = (".md", ".markdown", ".html", ".htm")


def _may_be_transcript(path: Path) -> bool:
    """Whether a file may be read as an interview when it is laid out as one.

    In a format FAQ pages come in, only when its name says it holds an interview: a FAQ page is
    the trust's own account.
    """
    return path.suffix.lower() not in _FAQ_FORMATS or named_as_interview(path)


def read(
    path: Path,
    kind: DocumentKind | None = None,
    speakers: Mapping[str, SpeakerRole] | None = None,
) -> Iterator[Document]:
    """Read one file into one Document (or one per row for JSONL)."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED:
        raise IngestError(f"unsupported file type {suffix or '(none)'}; supported: {', '.join(SUPPORTED)}", path)
    if suffix == ".jsonl":
        check_size(path, MAX_JSONL_BYTES)
        yield from read_jsonl(path, _jsonl_lines(path))
        return
    title: str | None = None
    transcript = False
    if suffix == ".pdf":
        check_size(path)
        builder, title = read_pdf(path)
    elif suffix == ".docx":
        check_size(path)
        builder, title = read_docx(path)
    elif suffix == ".pptx":
        check_size(path)
        builder, title = read_pptx(path)
    else:
        text = decode_text(read_bytes(path), path)
        if suffix in (".html", ".htm"):
            builder, title = read_html(path, text)
        elif suffix == ".vtt":
            builder = read_vtt(path, text, speakers)
        elif suffix == ".srt":
            builder = read_srt(path, text, speakers)
        elif suffix in (".txt", ".md", ".markdown") and _may_be_transcript(path) and looks_like_transcript(text):
            builder, transcript = read_plain_transcript(path, text, speakers, suffix), True
        else:
            builder = read_text(path, text, markdown=suffix in (".md", ".markdown"))
    if builder.layout is not None and _may_be_transcript(path) and looks_like_transcript(builder.layout):
        # an interview saved as a PDF, Word file or web page: turns and speakers matter more than paragraphs
        builder, transcript = read_plain_transcript(path, builder.layout, speakers, suffix, suffix == ".pdf"), True
    if builder.empty:
        raise IngestError("no readable text", path)
    body = builder.preview()
    doc_kind = kind or infer_kind(path, body, suffix, is_transcript=transcript)
    yield builder.build(doc_kind, title=title)


def discover(paths: Iterable[Path]) -> Iterator[Path | FileProblem]:
    """Expand folders into supported files, in a stable order; report missing and empty inputs."""
    for path in paths:
        if not path.exists():
            yield FileProblem(path=str(path), stage="ingest", error="no such file or folder")
        elif path.is_dir():
            found = False
            for child in sorted(path.rglob("*")):
                rel = child.relative_to(path).parts
                if any(p.startswith(".") for p in rel) or not child.is_file():
                    continue
                if child.suffix.lower() in SUPPORTED:
                    found = True
                    yield child
            if not found:
                yield FileProblem(
                    path=str(path), stage="ingest",
                    error=f"folder has no supported files ({', '.join(SUPPORTED)})",
                )
        else:
            yield path


def speakers_for(path: Path, cache: dict[Path, dict[str, SpeakerRole]]) -> dict[str, SpeakerRole]:
    """Speaker roles from a ``speakers.yml`` beside the file, read once per folder."""
    folder = path.parent
    if folder not in cache:
        cache[folder] = {}
        for name in SPEAKER_FILES:
            if (folder / name).is_file():
                cache[folder] = load_speakers(folder / name)
                break
    return cache[folder]


def _kind_for(path: Path, kinds: Mapping[str, str]) -> DocumentKind | None:
    for key in (str(path), path.name, path.stem):
        if key in kinds:
            return check_kind(kinds[key], str(path))
    if "*" in kinds:
        return check_kind(kinds["*"], str(path))
    return None


def iter_documents(
    paths: Iterable[Path],
    kinds: Mapping[str, str] | None = None,
    speakers: Mapping[str, SpeakerRole] | None = None,
) -> Iterator[Document | FileProblem]:
    """Stream documents and problems; a bad file becomes a problem and the walk goes on."""
    folder_speakers: dict[Path, dict[str, SpeakerRole]] = {}
    for item in discover(paths):
        if isinstance(item, FileProblem):
            yield item
            continue
        try:
            merged = {**speakers_for(item, folder_speakers), **{k.casefold(): v for k, v in (speakers or {}).items()}}
            yield from read(item, _kind_for(item, kinds or {}), merged)
        except IngestError as exc:
            yield FileProblem(path=str(item), stage="ingest", error=exc.reason)


@dataclass
class IngestResult:
    """What a run read, and what it could not."""

    documents: list[Document] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)


def ingest(
    paths: Iterable[Path],
    kinds: Mapping[str, str] | None = None,
    speakers: Mapping[str, SpeakerRole] | None = None,
) -> IngestResult:
    """Read everything into memory; for one trust's documents, not for whole corpora."""
    result = IngestResult()
    for item in iter_documents(paths, kinds, speakers):
        if isinstance(item, FileProblem):
            result.problems.append(item)
        else:
            result.documents.append(item)
    return result

