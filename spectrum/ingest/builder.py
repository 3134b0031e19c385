"""Assemble a Document's text from paragraphs while recording where each one starts.

Every reader produces paragraphs with optional heading, page and speaker information; building the
text in one place keeps offsets consistent across formats.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from spectrum.ingest.clean import clean_inline
from spectrum.ingest.kinds import roles_named
from spectrum.models import Document, PageSpan, SectionSpan, Turn
from spectrum.vocab import DocumentKind, SpeakerRole

SEPARATOR = "\n\n"
#: Marks where a page starts in a reader's ``layout`` (a private-use character no document uses), so
#: a transcript saved as a PDF keeps its page numbers when it is re-read as turns.
PAGE_BREAK = "\ue000"
#: Share of an unknown speaker's turns that are questions for the speaker to be read as the interviewer.
QUESTION_SHARE = 0.6


def content_id(text: str) -> str:
    """A stable id from content, so the same document read twice gets the same id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


class DocumentBuilder:
    """Collects paragraphs, headings, pages and turns, then freezes them into a ``Document``."""

    def __init__(self, source: Path | str, fmt: str) -> None:
        self.source = str(source)
        self.format = fmt
        self._parts: list[str] = []
        self._length = 0
        self.paragraphs: list[tuple[int, int]] = []
        self.pages: list[PageSpan] = []
        self.sections: list[SectionSpan] = []
        self.turns: list[Turn] = []
        self.title: str | None = None
        #: The text as the file laid it out (PDF lines, DOCX paragraphs), where a reader keeps it, so
        #: a transcript saved as a PDF or Word file can be recognised and read as one. A PDF's
        #: layout opens each page with ``PAGE_BREAK``.
        self.layout: str | None = None
        #: whether text given to this builder carries ``PAGE_BREAK`` marks (a PDF's layout re-read)
        self.page_marks = False
        self._page = 0
        self._pending_pages = 0

    def _append(self, text: str) -> tuple[int, int]:
        if self._parts:
            self._parts.append(SEPARATOR)
            self._length += len(SEPARATOR)
        start = self._length
        self._parts.append(text)
        self._length += len(text)
        return start, self._length

    def page(self, number: int) -> None:
        """Mark that the next paragraph starts page ``number``."""
        start = self._length + (len(SEPARATOR) if self._parts else 0)
        self.pages.append(PageSpan(number=number, start=start))

    def _unmark(self, text: str) -> tuple[str, list[int]]:
        """``text`` without page marks, and where in it each mark's page starts."""
        if not self.page_marks or PAGE_BREAK not in text:
            return text, []
        out, breaks = "", []
        for k, piece in enumerate(text.split(PAGE_BREAK)):
            piece = piece.strip()
            if k:
                breaks.append(len(out) + (1 if out and piece else 0))
            if piece:
                out = f"{out} {piece}" if out else piece
        return out, breaks

    def _add(self, text: str) -> tuple[int, int] | None:
        """Append cleaned text, recording the pages its marks start; None when only marks were left."""
        text, breaks = self._unmark(text)
        if not text:
            self._pending_pages += len(breaks)
            return None
        span = self._append(text)
        for offset in [0] * self._pending_pages + [b for b in breaks if b < len(text)]:
            self._page += 1
            self.pages.append(PageSpan(number=self._page, start=span[0] + offset))
        self._pending_pages = sum(1 for b in breaks if b >= len(text))  # a page that starts with the next text
        return span

    def heading(self, title: str, level: int = 1) -> None:
        """Start a section; the heading text stays in the document but is not a paragraph."""
        span = self._add(clean_inline(title))
        if span is None:
            return
        title = self._parts[-1]  # as cleaned, without page marks
        self.sections.append(SectionSpan(title=title, start=span[0], level=max(1, min(level, 6))))
        if self.title is None:
            self.title = title

    def paragraph(self, text: str) -> None:
        """Add one paragraph of body text."""
        span = self._add(clean_inline(text))
        if span is not None:
            self.paragraphs.append(span)

    def turn(self, speaker: str, role: SpeakerRole, text: str, timestamp: str | None = None) -> None:
        """Add one speaker turn as its own paragraph."""
        span = self._add(clean_inline(text))
        if span is None:
            return
        self.paragraphs.append(span)
        self.turns.append(
            Turn(speaker=speaker, role=role, start=span[0], end=span[1], timestamp=timestamp)
        )

    def preview(self, parts: int = 40) -> str:
        """The opening text, for kind inference."""
        return "".join(self._parts[: parts * 2])

    @property
    def empty(self) -> bool:
        """True when no body text was collected."""
        return not self.paragraphs

    def build(
        self,
        kind: DocumentKind,
        title: str | None = None,
        doc_id: str | None = None,
        metadata: dict[str, str] | None = None,
    ) -> Document:
        """Freeze the collected text into a Document."""
        text = "".join(self._parts)
        self.turns = interviewers_by_questions(self.turns, text)
        if self.turns:
            hints = [Path(self.source).stem, title or self.title or "", *text[:self.turns[0].start].split("\n")[:3]]
            self.turns = sole_respondent_role(self.turns, hints)
        return Document(
            id=doc_id or content_id(text),
            source=self.source,
            title=title or self.title or Path(self.source).stem,
            kind=kind,
            text=text,
            format=self.format,
            paragraphs=self.paragraphs,
            pages=self.pages,
            sections=self.sections,
            turns=self.turns,
            metadata=metadata or {},
        )


#: Turns shorter than this ("Right.", "Mm-hmm.", "Yeah, sure."), unless a question, are listening.
BACKCHANNEL_WORDS = 3
_WORD = re.compile(r"[^\W\d_]+")
#: Interviewers prompt as often as they ask: "Tell me about ...", "Talk me through ...".
_PROMPT = re.compile(
    r"(?:^|[.!?]\s+)(?:(?:ok(?:ay)?|so|and|right|great|thanks|thank you|lovely|brilliant|now)[,.]?\s+)*"
    r"(?:tell me|talk me through|walk me through|take me through|talk about|talk a bit about|describe|"
    r"can you (?:tell|describe|explain|say|talk|give|walk|take)|could you|would you (?:say|describe|tell)|"
    r"i'?d like to (?:ask|move|turn|talk)|i wanted to ask|my next question|let'?s (?:talk|move|turn))\b",
    re.I,
)


def _asked(turn: str) -> bool:
    return turn.rstrip(" \"'”’)]").endswith("?")


def is_prompt(turn: str) -> bool:
    """A turn that asks: it ends with a question mark, or a sentence in it opens as a prompt."""
    return _asked(turn) or bool(_PROMPT.search(turn))


def sole_respondent_role(turns: list[Turn], hints: list[str]) -> list[Turn]:
    """The one person interviewed, given the role the file name, title or heading names.

    "interview-headteacher-oak.txt", or a transcript headed "Interview 4 - Headteacher", with turns
    "Q." and "A.", says who A is; the role matters to the findings (the spread of accounts across
    roles, decisions running through the CEO). Only when everyone else is the interviewer, the
    respondent's own label gives no role, and the hints name one role and no other.
    """
    others = {t.speaker for t in turns if t.role != "interviewer"}
    if len(others) != 1 or any(t.role != "unknown" for t in turns if t.role != "interviewer"):
        return turns
    named = {role for h in hints for role in roles_named(re.sub(r"[-_]+", " ", h))} - {"interviewer"}
    if len(named) != 1:
        return turns
    role = named.pop()
    return [t.model_copy(update={"role": role}) if t.role == "unknown" else t for t in turns]


def interviewers_by_questions(turns: list[Turn], text: str) -> list[Turn]:
    """Turns with each unknown speaker who mostly asks questions marked as the interviewer.

    Transcripts exported from recording tools label speakers "Speaker 1" or by name alone, so no
    role can be read from the label, and interviewer turns must never count as evidence (the
    words of "is the curriculum the same in every school?" would otherwise count as a head's
    account). A speaker with two or more turns of ``BACKCHANNEL_WORDS`` words or more, at least
    ``QUESTION_SHARE`` of them asking (a question mark, or a prompt such as "Tell me about ..."),
    is read as asking; "Right." and "Mm-hmm." between the answers count neither way. If every
    speaker would be asking, none is (a discussion, not an interview). A role given by the label
    or a speakers file is never changed.
    """
    by_speaker: dict[str, list[Turn]] = {}
    for t in turns:
        by_speaker.setdefault(t.speaker, []).append(t)

    def asks(group: list[Turn]) -> bool:
        said = [text[t.start:t.end] for t in group]
        substantive = [s for s in said if len(_WORD.findall(s)) >= BACKCHANNEL_WORDS or _asked(s)]
        questions = sum(is_prompt(s) for s in substantive)
        return len(substantive) >= 2 and questions >= QUESTION_SHARE * len(substantive)

    askers = {name for name, group in by_speaker.items() if asks(group)}
    if not askers or askers == set(by_speaker):
        return turns
    return [t.model_copy(update={"role": "interviewer"}) if t.role == "unknown" and t.speaker in askers else t
            for t in turns]
