"""Inference of document kind and speaker role, each overridable by the user.

Kind matters downstream: policies and strategies are a trust's *intent*, interviews and minutes
its *practice*. Inference uses the file name first (people name files well), then the opening
text, then the format; anything it gets wrong the user overrides with ``--kind`` or a manifest.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from spectrum.errors import IngestError
from spectrum.vocab import DOCUMENT_KINDS, SPEAKER_ROLES, DocumentKind, SpeakerRole

_INTERVIEW_NAME = re.compile(r"interview|transcript|focus[-_ ]?group|conversation", re.I)
_NAME_CUES: list[tuple[DocumentKind, re.Pattern[str]]] = [
    ("interview", _INTERVIEW_NAME),
    ("minutes", re.compile(r"minutes|board[-_ ]meeting|committee[-_ ]meeting", re.I)),
    (
        "annual_report",
        re.compile(r"annual[-_ ]?report|accounts|financial[-_ ]statements|trustees[-_ ]?report", re.I),
    ),
    ("inspection", re.compile(r"ofsted|inspection|peer[-_ ]?review|review[-_ ]report", re.I)),
    ("strategy", re.compile(r"strateg|vision|improvement[-_ ](model|plan|framework)|our[-_ ]approach", re.I)),
    ("policy", re.compile(r"polic|procedure|handbook|scheme[-_ ]of[-_ ]delegation|charter|code[-_ ]of", re.I)),
]

_TEXT_CUES: list[tuple[DocumentKind, re.Pattern[str]]] = [
    ("minutes", re.compile(r"\bminutes of\b|\bapologies\b|\bpresent:|\bin attendance\b", re.I)),
    (
        "annual_report",
        re.compile(r"trustees'? report|for the (period|year) ended|financial statements|governance statement", re.I),
    ),
    ("inspection", re.compile(r"\bofsted\b.*\binspect|inspection report|peer review report|reviewers found", re.I)),
    ("policy", re.compile(r"\bthis policy\b|\bpolicy (statement|applies)|\bpolicy\b.{0,40}\breview date", re.I)),
    ("strategy", re.compile(r"\bstrategic (plan|priorities)|\bour strategy\b|\bstrategy 20\d\d", re.I)),
]

_FORMAT_KIND: dict[str, DocumentKind] = {
    ".vtt": "interview",
    ".srt": "interview",
    ".html": "web_page",
    ".htm": "web_page",
}


def named_as_interview(path: Path) -> bool:
    """Whether a file's name says it holds an interview, a transcript or a focus group."""
    return bool(_INTERVIEW_NAME.search(path.stem))


def infer_kind(path: Path, text: str, fmt: str, is_transcript: bool = False) -> DocumentKind:
    """Best guess at what sort of document this is."""
    if is_transcript or fmt in (".vtt", ".srt"):
        return "interview"
    for kind, cue in _NAME_CUES:
        if cue.search(path.stem):
            return kind
    head = text[:3000]
    for kind, cue in _TEXT_CUES:
        if cue.search(head):
            return kind
    return _FORMAT_KIND.get(fmt, "other")


def check_kind(kind: str, where: str) -> DocumentKind:
    """Validate a user-supplied kind."""
    if kind not in DOCUMENT_KINDS:
        raise IngestError(f"unknown document kind {kind!r}; expected one of {', '.join(DOCUMENT_KINDS)}", where)
    return kind  # type: ignore[return-value]


_ROLE_CUES: list[tuple[SpeakerRole, re.Pattern[str]]] = [
    # research transcripts code the interviewer "I", "Int" or "IV" (and the respondent "R"): whole labels only
    ("interviewer", re.compile(r"\b(interviewer|reviewer|researcher|facilitator|moderator|q)\b|^\s*(i|int|iv)\s*\d*\s*$",
                               re.I)),
    ("ceo", re.compile(r"(?<!deputy )(?<!deputy-)\b(ceo|chief executive)\b", re.I)),
    (
        "central_staff",
        re.compile(
            r"\b(head of|director of|manager|officer|lead for)\s+(hr|human resources|finance|estates|it|data|"
            r"governance|operations|people|compliance)\b|\b(business manager|hr|finance|data manager|"
            r"clerk|governance professional|central team|estates|it manager|payroll)\b",
            re.I,
        ),
    ),
    (
        "executive",
        re.compile(
            r"\b(deputy ceo|cfo|coo|chief (financial|operating|education) officer|director|executive|"
            r"doe|trust lead|regional lead|school improvement (partner|lead))\b",
            re.I,
        ),
    ),
    ("trustee", re.compile(r"\b(trustee|chair|governor|member|lgb)\b", re.I)),
    (
        "teacher",
        re.compile(
            r"\b(teacher|ect|nqt|senco|head of (year|department|maths|english|science|"
            r"history|geography|art|music|pe|mfl|computing|key stage|faculty)|"
            r"(subject|curriculum|phase|year|pastoral|maths|english|reading|phonics|science|literacy|numeracy|"
            r"send|sen|safeguarding|assessment|cpd|eyfs) lead(er)?|dsl|designated safeguarding lead|"
            r"class teacher|teaching assistant|ta|hlta|lsa|cover supervisor|tutor)\b",
            re.I,
        ),
    ),
    (
        "headteacher",
        re.compile(r"\b(headteacher|head teacher|principal|head of school|head|deputy head|assistant head|"
                   r"(e|d|a)?ht\d*|hos)\b", re.I),
    ),
]


def infer_role(label: str) -> SpeakerRole:
    """Map a speaker label such as ``Head of Maths`` or ``Jo Bell (CEO)`` to a role."""
    for role, cue in _ROLE_CUES:
        if cue.search(label):
            return role
    return "unknown"


def roles_named(text: str) -> set[SpeakerRole]:
    """Every role a piece of text names ("CEO and head" names two).

    Cues are tried in ``infer_role``'s order and each one's words are taken out before the next
    is tried, so "chief executive" names the CEO only and "head of maths" a teacher only.
    """
    found: set[SpeakerRole] = set()
    for role, cue in _ROLE_CUES:
        text, n = cue.subn(" ", text)
        if n:
            found.add(role)
    return found


def load_speakers(path: Path) -> dict[str, SpeakerRole]:
    """Read a speakers file: a YAML mapping of speaker name to role."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise IngestError(f"cannot read speakers file ({str(exc).splitlines()[0]})", path) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise IngestError("speakers file must map speaker names to roles", path)
    out: dict[str, SpeakerRole] = {}
    for name, role in data.items():
        if isinstance(role, dict):
            role = role.get("role")
        if role not in SPEAKER_ROLES:
            raise IngestError(
                f"speaker {name!r} has unknown role {role!r}; expected one of {', '.join(SPEAKER_ROLES)}",
                path,
            )
        out[str(name).strip().casefold()] = role
    return out
