"""Interview transcripts: plain ``Name (Role): text`` turns, WebVTT and SubRip.

Speaker names come from voice tags or turn prefixes; roles are inferred from the label and can be
overridden by a speakers file, because a transcript often names "Sam" without saying Sam is a head.
"""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import srt
import webvtt

from spectrum.errors import IngestError
from spectrum.ingest.builder import DocumentBuilder
from spectrum.ingest.kinds import infer_role
from spectrum.vocab import SpeakerRole

#: A speaker label: a capitalised name of up to six words, then an optional role in brackets.
_NAME = r"(?P<name>[A-Z][\w.'’\-]*(?:[ \t]+[\w.'’\-&]+){0,5}?)"
_ROLE = r"(?:[ \t]*[(\[](?P<role>[^)\]\n]{1,80})[)\]])?"
#: The colon may sit inside or outside bold markup: "**Interviewer:** text", "**Interviewer**: text".
#: Speech-recognition exports bracket the label: "[SPEAKER_00]: text".
_TURN = re.compile(r"^\s*(?:\*\*)?\[?" + _NAME + _ROLE + r"\]?(?:\*\*)?[ \t]*:[ \t]*(?:\*\*[ \t]*)?(?P<text>.*)$")
#: "Ann Lowe, Peer Reviewer: text": a capitalised role after a comma, taken only when it names a role
#: (so "So, the CEO: she decides" inside a turn does not start one).
_COMMA_TURN = re.compile(r"^\s*(?:\*\*)?" + _NAME + r",[ \t]*(?P<role>[A-Z][^:,\n]{1,58}?)(?:\*\*)?[ \t]*:[ \t]*"
                         r"(?:\*\*[ \t]*)?(?P<text>.*)$")
#: Question-and-answer write-ups: "Q. How is ...?" / "A. We ...".
_QA_TURN = re.compile(r"^\s*(?P<name>Q|A)(?P<role>(?!))?[.)][ \t]+(?P<text>\S.*)$")
#: "Headteacher – text": a dash separates a speaker only when the label is a role or a speaker code,
#: because a dash in speech ("Well – we tried") must not start a turn.
_DASH_TURN = re.compile(r"^\s*" + _NAME + _ROLE + r"[ \t]+[–—-][ \t]+(?P<text>\S.*)$")
_SPEAKER_CODE = re.compile(r"^(?:r|p|participant|respondent|interviewee|speaker)\s*\d*$", re.I)
#: A turn header alone on its line, its text on the lines below, as recording tools export
#: transcripts: "Speaker 1  0:03", "Jane Smith (Headteacher)  00:01:05".
#: Video-call exports bracket the name, "[Jane Smith] 10:02:11"; editors the time, "Jane Smith [00:01:05]".
_HEADER = re.compile(r"^\s*\[?" + _NAME + _ROLE + r"\]?[ \t]+[\[(]?(?P<ts>\d{1,2}:\d{2}(?::\d{2})?)[\])]?[ \t]*$")
_CLOCK = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d+)?"
_TIME = re.compile(_CLOCK)
_TIMESTAMP_PREFIX = re.compile(r"^\s*\[?\(?(?P<ts>" + _CLOCK + r")\)?\]?\s*")
_CUE_TIME = re.compile(r"^\s*(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}\s+-->\s+(\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}")
#: Labels that open lines of minutes, policies and reports in ``Label: text`` form, never speakers.
_NOT_NAMES = {"note", "notes", "date", "time", "location", "present", "apologies", "subject", "re", "http", "https",
              "action", "actions", "decision", "decisions", "resolved", "agreed", "item", "agenda", "minutes", "purpose",
              "scope", "owner", "status", "version", "approved", "approved by", "review", "review date",
              "next review", "next review date", "author", "title", "summary", "outcome", "outcomes", "deadline",
              "venue", "attendees", "in attendance", "key", "example", "examples", "source", "sources", "contact",
              "email", "tel", "telephone", "phone", "website", "address", "web", "policy", "audience"}


class SpeakerResolver:
    """Keeps each speaker's role consistent across a transcript, with user overrides first."""

    def __init__(self, overrides: Mapping[str, SpeakerRole] | None = None) -> None:
        self.overrides = {k.casefold(): v for k, v in (overrides or {}).items()}
        self.known: dict[str, SpeakerRole] = {}

    def resolve(self, name: str, label: str | None = None) -> SpeakerRole:
        """Role for a speaker, remembering roles given once in ``Name (Role):`` form."""
        key = name.strip().casefold()
        if key in self.overrides:
            return self.overrides[key]
        if label:
            role = infer_role(label)
            if role != "unknown" or key not in self.known:
                self.known[key] = role
            return self.known[key]
        if key not in self.known:
            self.known[key] = infer_role(name)
        return self.known[key]


#: A label that opens with one of these is a duty in a list ("The Headteacher: ensures ..."), not a speaker.
_DETERMINERS = {"the", "each", "every", "all", "a", "an", "our", "their", "any", "this", "these", "those"}


def _speaker(m: re.Match[str] | None) -> re.Match[str] | None:
    """The match, if what it took for a speaker's name can be one."""
    if not m:
        return None
    name = m.group("name")
    if name.casefold() in _NOT_NAMES or len(name) > 60 or (" " in name and name.split()[0].casefold() in _DETERMINERS):
        return None
    return m


def _label_or_time(bracketed: str | None) -> tuple[str | None, str | None]:
    """What a speaker's brackets hold: a role label, or the turn's time ("Speaker 1 (00:01:05):")."""
    if bracketed and _TIME.fullmatch(bracketed.strip()):
        return None, bracketed.strip()
    return bracketed, None


def _turn_match(line: str) -> re.Match[str] | None:
    m = _speaker(_TURN.match(line) or _QA_TURN.match(line))
    if m:
        return m
    comma = _speaker(_COMMA_TURN.match(line))
    if comma and infer_role(comma.group("role")) != "unknown":
        return comma
    dash = _speaker(_DASH_TURN.match(line))
    if dash and _role_or_code(dash.group("name")):
        return dash
    return None


def _role_or_code(name: str, role: str | None = None) -> bool:
    """Whether a label names a role ("Head of School") or is a speaker code ("R2"), not just anyone."""
    return infer_role(role or name) != "unknown" or bool(_SPEAKER_CODE.match(name))


def _header_match(line: str) -> re.Match[str] | None:
    return _speaker(_HEADER.match(line))


_CUE_LINE = re.compile(r"^\s*(\d{1,2}):(\d{1,2}):(\d{1,2})(?:[.,]\d+)?\s*-->\s*\d{1,2}:\d{1,2}:\d{1,2}(?:[.,]\d+)?\s*$")
_LAST_FIRST = re.compile(r"^\s*([A-Z][\w.'’\-]*(?:[ \t][\w.'’\-]+)?),[ \t]*([A-Z][\w.'’\-]*(?:[ \t][\w.'’\-]+)?)\s*$")


def cue_blocks_to_headers(text: str) -> str:
    """Rewrite a meeting tool's cue layout as header lines, so one turn reader serves both.

    The layout is a cue line ("0:0:3.450 --> 0:0:8.120"), the speaker, then the words; it becomes
    "Jane Smith  0:00:03" and the words. "Smith, Jane" becomes "Jane Smith"; a cue whose next line
    does not look like a name is left as it is.
    """
    lines = text.split("\n")
    if sum(bool(_CUE_LINE.match(ln)) for ln in lines[:400]) < 2:
        return text
    out: list[str] = []
    i = 0
    while i < len(lines):
        cue = _CUE_LINE.match(lines[i])
        nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if cue and nxt and len(nxt) <= 60 and len(nxt.split()) <= 6 and not nxt.endswith((".", "?", "!")):
            flipped = _LAST_FIRST.match(nxt)
            name = f"{flipped.group(2)} {flipped.group(1)}" if flipped else nxt
            out.append(f"{name}  {int(cue.group(1))}:{int(cue.group(2)):02d}:{int(cue.group(3)):02d}")
            i += 2
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


_LABEL_LINE = re.compile(r"^\s*(?:\*\*)?" + _NAME + _ROLE + r"(?:\*\*)?[ \t]*$")


def _role_label(line: str) -> str | None:
    """A line that is only a role or a speaker code ("Interviewer", "Headteacher", "Respondent 2")."""
    m = _speaker(_LABEL_LINE.match(line))
    if not m or len(m.group("name").split()) > 4 or not _role_or_code(m.group("name"), m.group("role")):
        return None
    return m.group(0).strip().strip("*")


def labels_to_turns(text: str) -> str:
    """Join a role label standing alone on its line to the words below it ("Interviewer", then the question).

    Typed transcripts often put the speaker on a line of their own. Only roles and speaker codes
    are taken, never bare names or other short lines, which is what headings look like; and only
    when at least two such labels each open two or more turns.
    """
    lines = text.split("\n")
    labels = [_role_label(ln) for ln in lines]
    counts = Counter(label.casefold() for label in labels[:2000] if label)
    if sum(n >= 2 for n in counts.values()) < 2:
        return text
    out: list[str] = []
    i = 0
    while i < len(lines):
        label = labels[i]
        j = i + 1
        while j < len(lines) and not lines[j].strip():
            j += 1
        if label and j < len(lines) and lines[j].strip() and not labels[j]:
            out.append(f"{label}: {lines[j].strip()}")
            i = j + 1
            continue
        out.append(lines[i])
        i += 1
    return "\n".join(out)


def _normalised(text: str) -> str:
    """Layouts that put the speaker on a line of their own, rewritten as one turn reader expects."""
    return labels_to_turns(cue_blocks_to_headers(text))


_SPEAKER_CELL = re.compile(r"^" + _NAME + _ROLE + r"\s*:?$")
_TIME_CELL = re.compile(r"^\[?\(?" + _CLOCK + r"\)?\]?$")


def _row_turn(cells: list[str]) -> tuple[str, str] | None:
    time = [c for c in cells if _TIME_CELL.match(c)]
    rest = [c for c in cells if not _TIME_CELL.match(c)]
    if len(rest) != 2 or len(time) > 1 or len(rest[0]) > 60 or not _speaker(_SPEAKER_CELL.match(rest[0])):
        return None
    name = rest[0].rstrip(":").strip()
    prefix = f"[{time[0].strip('[]()')}] " if time else ""
    return name, f"{prefix}{name}: {rest[1]}"


def table_turns(rows: list[list[str]]) -> list[str] | None:
    """A transcript laid out as a table ("Speaker | Words", "Time | Speaker | Words") as turn lines.

    Returns one ``[time] Name: words`` line per row, so the caller can test the whole layout as it
    tests any other transcript, or None when the table is not a conversation: a header row aside,
    every row must have that shape, and two speakers must each take two turns, taking turns about.
    A table of duties by role ("Headteacher | approves the budget") has the shape, but names each
    role once.
    """
    turns = [_row_turn(cells) for cells in rows]
    if turns and turns[0] is None:
        turns = turns[1:]
    if len(turns) < 3 or any(t is None for t in turns):
        return None
    names = [t[0].casefold() for t in turns if t]
    changes = sum(a != b for a, b in zip(names, names[1:], strict=False))
    if sum(n >= 2 for n in Counter(names).values()) < 2 or changes < 0.5 * (len(names) - 1):
        return None
    return [t[1] for t in turns if t]


def _said(m: re.Match[str]) -> str:
    """The words on a turn's first line (a header line has none)."""
    return (m.groupdict().get("text") or "").strip()


def looks_like_transcript(text: str) -> bool:
    """A plain text file is a transcript when several paragraphs open with a speaker prefix."""
    lines = [ln for ln in _normalised(text).split("\n")[:400] if ln.strip()]
    if not lines:
        return False
    turns = [m for ln in lines if (m := _header_match(ln) or _turn_match(_TIMESTAMP_PREFIX.sub("", ln, count=1)))]
    names = Counter(m.group("name").casefold() for m in turns)
    # a conversation: two or more people who each speak more than once, or who are introduced with
    # a role (a focus group where everyone speaks once); the labels of a document control block or
    # a list of definitions each open one line and name no role
    roled = {m.group("name").casefold() for m in turns if m.group("role") or infer_role(m.group("name")) != "unknown"}
    # ... but a list of duties by role ("Headteacher: ensures ...") names roles too: a conversation
    # has someone speaking twice, a question, or an interviewer
    talk = (any(n >= 2 for n in names.values()) or any(_said(m).endswith("?") for m in turns)
            or any(infer_role(m.group("role") or m.group("name")) == "interviewer" for m in turns))
    speakers = sum(n >= 2 for n in names.values()) >= 2 or (len(roled) >= 2 and talk)
    # speech is written in sentences; duties after a label usually run on in lower case
    said = [t for m in turns if (t := _said(m))]
    lower = sum(t[0].islower() for t in said)
    return len(turns) >= 3 and speakers and len(turns) >= 0.2 * len(lines) and lower <= 0.5 * len(said)


def read_plain_transcript(
    path: Path, text: str, speakers: Mapping[str, SpeakerRole] | None = None, fmt: str = ".txt",
    page_marks: bool = False,
) -> DocumentBuilder:
    """Turns start at a ``Name:`` prefix, or at a ``Name  0:03`` header line, and run until the next one.

    ``text`` may also be the layout of a PDF or DOCX transcript (``DocumentBuilder.layout``); a
    PDF's layout carries page marks, which become the document's pages.
    """
    builder = DocumentBuilder(path, fmt)
    builder.page_marks = page_marks
    resolver = SpeakerResolver(speakers)
    current: tuple[str, SpeakerRole, str | None] | None = None
    buf: list[str] = []

    def flush() -> None:
        if current and buf:
            for para in "\n".join(buf).split("\n\n"):
                builder.turn(current[0], current[1], para, current[2])
        buf.clear()

    for line in _normalised(text).split("\n"):
        header = _header_match(line)
        if header:
            flush()
            name = header.group("name").strip()
            current = (name, resolver.resolve(name, header.group("role")), header.group("ts"))
            continue
        ts_match = _TIMESTAMP_PREFIX.match(line)
        body = line[ts_match.end():] if ts_match else line
        m = _turn_match(body)
        if m:
            flush()
            name = m.group("name").strip()
            label, stamp = _label_or_time(m.group("role"))
            current = (name, resolver.resolve(name, label), ts_match.group("ts") if ts_match else stamp)
            buf.append(m.group("text"))
        elif current is None:
            if line.strip() and not builder.sections:
                builder.heading(line.strip().lstrip("#").strip() or line.strip())
            elif line.strip():
                builder.paragraph(line)
        else:
            buf.append(line if line.strip() else "")
    flush()
    return builder


_VOICE_PREFIX = re.compile(r"^\s*\[?(?P<name>[A-Z][\w.'’\-]*(?:\s+[\w.'’\-]+){0,4})\]?(?:\s*\((?P<role>[^)]{1,60})\))?:\s+")


def _cue_turns(
    path: Path, cues: Sequence[tuple[str, str, str | None]], speakers: Mapping[str, SpeakerRole] | None, fmt: str
) -> DocumentBuilder:
    """Merge consecutive cues of the same speaker into turns."""
    builder = DocumentBuilder(path, fmt)
    resolver = SpeakerResolver(speakers)
    last: str | None = None
    parts: list[str] = []
    start_ts: str | None = None
    role_label: str | None = None

    def flush() -> None:
        if parts:
            name = last or "Unknown"
            builder.turn(name, resolver.resolve(name, role_label), " ".join(parts), start_ts)
        parts.clear()

    for start, raw, voice in cues:
        text = raw.strip()
        speaker = voice
        label = None
        if speaker is None:
            m = _VOICE_PREFIX.match(text)
            if m:
                speaker, label = m.group("name"), m.group("role")
                text = text[m.end():]
        if speaker is None:
            speaker = last
        if speaker != last:
            flush()
            last, start_ts, role_label = speaker, start, label
        elif label:
            role_label = label
        if text:
            parts.append(text)
    flush()
    return builder


def read_vtt(path: Path, text: str, speakers: Mapping[str, SpeakerRole] | None = None) -> DocumentBuilder:
    """WebVTT via webvtt-py; timestamps must be well formed so quotes can be found in the recording."""
    if not text.lstrip("\ufeff").startswith("WEBVTT"):
        raise IngestError("not a WebVTT file: first line must be 'WEBVTT'", path)
    for n, line in enumerate(text.split("\n"), 1):
        if "-->" in line and not _CUE_TIME.match(line):
            raise IngestError(f"malformed cue timestamp on line {n}: {line.strip()[:60]!r}", path)
    try:
        captions = webvtt.from_buffer(io.StringIO(text))
    except Exception as exc:  # webvtt-py raises several unrelated types on bad input
        raise IngestError(f"malformed WebVTT ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})", path) from exc
    cues = [(c.start, c.text.replace("\n", " "), getattr(c, "voice", None)) for c in captions]  # type: ignore[attr-defined]
    if not cues:
        raise IngestError("WebVTT file has no cues", path)
    return _cue_turns(path, cues, speakers, ".vtt")


def read_srt(path: Path, text: str, speakers: Mapping[str, SpeakerRole] | None = None) -> DocumentBuilder:
    """SubRip via the srt library."""
    try:
        subs = list(srt.parse(text))
    except (srt.SRTParseError, ValueError) as exc:
        raise IngestError(f"malformed SRT ({str(exc).splitlines()[0]})", path) from exc
    if not subs:
        raise IngestError("SRT file has no subtitles", path)
    cues = [(str(s.start), s.content.replace("\n", " "), None) for s in subs]
    return _cue_turns(path, cues, speakers, ".srt")
