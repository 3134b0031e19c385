"""Map a QDA project's code names onto our codes.

Coders who started from our exported codebook already use our names ("spectrum/standardised", or
"Standardised" under a parent "spectrum"). Those are matched without any configuration: case,
spaces, hyphens and underscores are ignored, a path matches on its last two parts, and a bare
name matches when exactly one of our codes has it. Anything else needs a mapping file, YAML
(``their name: our path``) or CSV (two columns, optional header). A mapping value of ``ignore``
(or empty) drops a code on purpose. ``spectrum/none``, ``approach/none``, ``domain/none`` and
``context/current`` name the absence of a code, which is how an uncoded passage is read anyway.
Codes that match nothing are left out of the comparison and reported, never guessed.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path

import yaml

from spectrum.errors import InputError
from spectrum.qda.codes import ABSENT_PATHS, CodeTree
from spectrum.qda.records import QdaCoding

_IGNORE = {"", "ignore", "-"}


def normalise(name: str) -> str:
    """Compare names without case, spaces, hyphens or underscores ("Co design" is "co-design")."""
    return re.sub(r"[\s_\-]+", "", name.casefold())


def _target(value: object, tree: CodeTree, where: Path, entry: str) -> str | None:
    text = "" if value is None else str(value).strip()
    if text.casefold() in _IGNORE:
        return None
    if text in ABSENT_PATHS:
        return None
    if text not in tree.by_path or not tree.by_path[text].codable:
        examples = ", ".join(tree.codable[:3])
        raise InputError(f"{entry}: {text!r} is not one of our codes (e.g. {examples}, or ignore)", where)
    return text


def load_mapping(path: Path, tree: CodeTree) -> dict[str, str | None]:
    """Read a YAML or CSV mapping file of their code name or path to our code path."""
    try:
        raw = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read mapping file ({exc.__class__.__name__})", path) from None
    out: dict[str, str | None] = {}
    if path.suffix.lower() == ".csv":
        rows = [r for r in csv.reader(raw.splitlines()) if any(cell.strip() for cell in r)]
        for n, row in enumerate(rows, 1):
            if len(row) != 2:
                raise InputError(f"line {n}: expected two columns (their code, our code), found {len(row)}", path)
            theirs, ours = row[0].strip(), row[1].strip()
            if n == 1 and ours not in tree.by_path and ours not in ABSENT_PATHS and ours.casefold() not in _IGNORE:
                continue  # header row
            out[theirs] = _target(ours, tree, path, f"line {n}")
    elif path.suffix.lower() in (".yml", ".yaml"):
        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as exc:
            raise InputError(f"invalid YAML ({str(exc).splitlines()[0]})", path) from None
        if not isinstance(data, dict):
            raise InputError("expected a mapping of their code name to our code path", path)
        for theirs, ours in data.items():
            out[str(theirs)] = _target(ours, tree, path, f"entry {theirs!r}")
    else:
        raise InputError("mapping file must be .yml, .yaml or .csv", path)
    return out


class CodeMap:
    """Resolves their code paths to ours, remembering what could not be resolved."""

    def __init__(self, tree: CodeTree, explicit: Mapping[str, str | None] | None = None) -> None:
        self.tree = tree
        self.explicit = {normalise(k): v for k, v in (explicit or {}).items()}
        self.ours = {normalise(p): p for p in tree.codable}
        self.absent = {normalise(p) for p in ABSENT_PATHS}
        leaves = Counter(normalise(p.rsplit("/", 1)[-1]) for p in tree.codable)
        self.leaves = {normalise(p.rsplit("/", 1)[-1]): p for p in tree.codable if leaves[normalise(p.rsplit("/", 1)[-1])] == 1}

    def resolve(self, theirs: str) -> tuple[bool, str | None]:
        """(matched, our path); a match to None means "no code" on purpose."""
        parts = theirs.split("/")
        for key in (theirs, parts[-1]):
            if normalise(key) in self.explicit:
                return True, self.explicit[normalise(key)]
        for key in (theirs, "/".join(parts[-2:])):
            k = normalise(key)
            if k in self.ours:
                return True, self.ours[k]
            if k in self.absent:
                return True, None
        leaf = normalise(parts[-1])
        if leaf in self.leaves:
            return True, self.leaves[leaf]
        return False, None

    def apply(self, codings: Iterable[QdaCoding]) -> tuple[list[QdaCoding], Counter[str]]:
        """Codings with our code paths, and how many codings each unmatched code had."""
        out: list[QdaCoding] = []
        unmatched: Counter[str] = Counter()
        cache: dict[str, tuple[bool, str | None]] = {}
        for c in codings:
            matched, ours = cache.setdefault(c.code, self.resolve(c.code))
            if not matched:
                unmatched[c.code] += 1
            elif ours is not None:
                out.append(c if ours == c.code else c.model_copy(update={"code": ours}))
        return out, unmatched
