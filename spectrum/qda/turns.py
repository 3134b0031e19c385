"""Who spoke where in a transcript, kept as one source variable of a QDA project.

A QDA tool keeps a transcript's plain text, and our transcripts do not always say who speaks in
the text itself (a name on a line of its own, a caption file's voice tags). Without the turns,
reclassifying an exported project reads an answer without the interviewer's question before it
(``neighbours.QUESTION_WEIGHT``) and no longer matches the engine's own export. So the turns
travel as the source variable ``turns``: one ``start-end role`` entry per turn, in character
offsets of the source text, separated by ``;``. Roles only, never names: a variable is shown to
everyone who opens the project, and the reports pseudonymise speakers by default.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from spectrum.errors import InputError
from spectrum.models import Turn
from spectrum.vocab import SPEAKER_ROLES

#: Name of the source variable that carries the turns.
TURNS_VARIABLE = "turns"
_ENTRY = re.compile(r"^\s*(\d+)-(\d+)\s+([a-z_]+)\s*$")


def format_turns(turns: Sequence[Turn]) -> str:
    """The turns as the variable's value (empty when the source has none)."""
    return "; ".join(f"{t.start}-{t.end} {t.role}" for t in turns)


def parse_turns(value: str, text_length: int, source: str) -> list[Turn]:
    """Turns from the variable's value; a wrong entry is an error naming the source, never skipped.

    A project whose turns cannot be read would be reclassified with some answers cut off from
    their questions and nobody told, so the whole value is checked: every entry well formed, a
    known role, inside the text, and in order without overlaps.
    """
    turns: list[Turn] = []
    for n, entry in enumerate((e for e in value.split(";") if e.strip()), start=1):
        m = _ENTRY.match(entry)
        if m is None:
            raise InputError(f"source {source!r}: turn {n} of variable {TURNS_VARIABLE!r} is not "
                             f"'start-end role': {entry.strip()[:40]!r}")
        start, end, role = int(m.group(1)), int(m.group(2)), m.group(3)
        if role not in SPEAKER_ROLES:
            raise InputError(f"source {source!r}: turn {n} has unknown role {role!r} "
                             f"(known: {', '.join(SPEAKER_ROLES)})")
        if not start <= end <= text_length:
            raise InputError(f"source {source!r}: turn {n} ({start}-{end}) lies outside the text "
                             f"({text_length} characters)")
        if turns and start < turns[-1].end:
            raise InputError(f"source {source!r}: turn {n} ({start}-{end}) starts before turn {n - 1} ends")
        turns.append(Turn(speaker=role, role=role, start=start, end=end))  # type: ignore[arg-type]
    return turns
