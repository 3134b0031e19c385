"""Our codes as a QDA codebook tree: one parent code per axis, one child per label.

QDA tools know codes, not axes, so each axis becomes a non-codable parent ("spectrum") with its
labels as codable children ("spectrum/standardised"). The "nothing said" labels are not codes:
an uncoded passage already means spectrum ``none``, approach ``none`` and context ``current``,
and asking coders to tick "none" on every sentence would only add noise. Descriptions are the
codebook's own definitions, so a coder in NVivo reads what the corpus annotators read. GUIDs
are derived from the code path, so the codebook file and every exported project agree on them
and a tool that imports both merges the codes instead of duplicating them.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from spectrum.errors import InputError
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, CONTEXT_EFFECTS, DOMAINS, SPECTRUM_LABELS

#: Namespace of every GUID this package derives (codes, sources, selections, notes).
GUID_NAMESPACE = uuid.UUID("3f1c2a5e-8d4b-5e0f-9a61-7b2c4d8e6f10")


def guid(*parts: str) -> str:
    """A stable GUID for a thing, so exporting the same input twice gives the same file."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(parts)))


@dataclass(frozen=True)
class Group:
    """One axis (or label family) and how a passage can carry it."""

    id: str
    section: str
    labels: tuple[str, ...]
    single: bool
    absent: str | None
    color: str


GROUPS: tuple[Group, ...] = (
    Group("spectrum", "4", tuple(x for x in SPECTRUM_LABELS if x != "none"), True, "none", "#C0392B"),
    Group("approach", "5", tuple(x for x in APPROACH_LABELS if x != "none"), True, "none", "#2E86C1"),
    Group("domain", "6", DOMAINS, True, "none", "#7F8C8D"),
    Group("challenge", "7", CHALLENGES, False, None, "#D35400"),
    Group("context", "8", tuple(x for x in CONTEXT_EFFECTS if x != "current"), False, "current", "#8E44AD"),
)
GROUP_BY_ID = {g.id: g for g in GROUPS}

#: Paths that name the absence of a code; a mapping may point a foreign code at them.
ABSENT_PATHS = frozenset(f"{g.id}/{g.absent}" for g in GROUPS if g.absent)

_LABEL_COLORS = {
    "spectrum/standardised": "#C0392B",
    "spectrum/aligned": "#E67E22",
    "spectrum/autonomous": "#27AE60",
    "approach/roll-out": "#2E86C1",
    "approach/co-design": "#8E44AD",
    "approach/organic": "#16A085",
}

# The engine's context effects "intent" and "practice" mark the two sides of a contrast that the
# codebook describes as one corpus value (8.7 intent_vs_practice); these say which side is which.
_FALLBACK = {
    "context/intent": (
        "The passage states intent: what a policy, plan or leader says should happen (\"the policy "
        "states\", \"on paper\", \"in theory\", \"we expect\"). See codebook section 8.7, intent_vs_practice."
    ),
    "context/practice": (
        "The passage states observed practice as opposed to intent (\"in practice\", \"in reality\", "
        "\"actually\", \"day to day\"). See codebook section 8.7, intent_vs_practice."
    ),
}

_SECTION = re.compile(r"^## (\d+)\.\s+(.*)$")
_LABEL = re.compile(r"^### (\d+)\.\d+\s+`([^`]+)`\s*$")
_STOP = re.compile(r"^(#{1,3} |---\s*$)")


@dataclass(frozen=True)
class Code:
    """One code of the tree."""

    path: str
    name: str
    description: str
    codable: bool
    color: str | None = None

    @property
    def guid(self) -> str:
        """GUID derived from the path."""
        return guid("code", self.path)

    @property
    def group(self) -> str:
        """The axis this code belongs to (its own path for a parent code)."""
        return self.path.split("/", 1)[0]

    @property
    def parent(self) -> str | None:
        """Path of the parent code, or None at the top."""
        return self.path.rsplit("/", 1)[0] if "/" in self.path else None


class CodeTree:
    """Codes in codebook order, with lookups by path."""

    def __init__(self, codes: list[Code]) -> None:
        self.codes = codes
        self.by_path = {c.path: c for c in codes}
        self.order = {c.path: i for i, c in enumerate(codes)}

    @property
    def codable(self) -> list[str]:
        """Paths a passage can be coded with, in codebook order."""
        return [c.path for c in self.codes if c.codable]

    def children(self, parent: str | None) -> list[Code]:
        """Direct children of ``parent`` (top-level codes for None)."""
        return [c for c in self.codes if c.parent == parent]

    def sort_key(self, path: str) -> tuple[int, str]:
        """Codebook order for our codes, then foreign codes alphabetically."""
        return (self.order.get(path, len(self.order)), path)

    def with_extra(self, paths: list[str]) -> CodeTree:
        """The tree with foreign code paths (and their parents) added; they have no description."""
        codes = list(self.codes)
        seen = set(self.by_path)
        for path in sorted(set(paths)):
            parts = path.split("/")
            for i in range(1, len(parts) + 1):
                sub = "/".join(parts[:i])
                if sub not in seen:
                    seen.add(sub)
                    codes.append(Code(sub, parts[i - 1], "", codable=True))
        return CodeTree(codes)


def default_codebook_path() -> Path:
    """The codebook shipped with the corpus."""
    return Path(str(resources.files("spectrum") / "_data" / "corpora" / "CODEBOOK.md"))


def codebook_sections(markdown: str) -> dict[str, str]:
    """Description text by key: ``"4"`` for a section's introduction, ``"4/standardised"`` for a label."""
    out: dict[str, list[str]] = {}
    key: str | None = None
    for line in markdown.splitlines():
        section = _SECTION.match(line)
        label = _LABEL.match(line)
        if section:
            key = section.group(1)
            out[key] = []
        elif label:
            key = f"{label.group(1)}/{label.group(2)}"
            out[key] = []
        elif _STOP.match(line):
            key = None
        elif key is not None:
            out[key].append(line)
    return {k: re.sub(r"\n{3,}", "\n\n", "\n".join(v)).strip() for k, v in out.items()}


def code_tree(codebook: Path | None = None) -> CodeTree:
    """Build our code tree with descriptions from the codebook (the shipped one by default)."""
    path = codebook or default_codebook_path()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the codebook ({exc.__class__.__name__})", path) from None
    sections = codebook_sections(text)
    codes: list[Code] = []
    for group in GROUPS:
        codes.append(Code(group.id, group.id, sections.get(group.section, ""), codable=False, color=group.color))
        for label in group.labels:
            child = f"{group.id}/{label}"
            description = sections.get(f"{group.section}/{label}") or _FALLBACK.get(child, "")
            codes.append(Code(child, label, description, codable=True, color=_LABEL_COLORS.get(child, group.color)))
    return CodeTree(codes)
