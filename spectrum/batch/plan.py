"""What a batch run will do: the corpus's files, their trust and metadata, cut into shards.

The plan is a pure function of the corpus listing (paths, sizes, modification times), the
manifest, the engine's identity and the shard size. Each shard and each trust gets a key derived
from exactly those inputs, so a rerun recognises finished work by name and a changed file only
redoes the shard it sits in.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spectrum.errors import IngestError, InputError
from spectrum.ingest import SUPPORTED
from spectrum.ingest.kinds import check_kind

#: Manifest columns with a meaning of their own; every other column is carried through as metadata.
RESERVED = ("path", "trust", "kind", "date")
#: Column names the outputs already use; a manifest may not shadow them.
TAKEN = frozenset({
    "document_id", "source", "title", "format", "segment_id", "index", "start", "end", "page", "section",
    "speaker", "role", "timestamp", "text", "spectrum", "approach", "domain", "context", "challenges", "rules",
})


@dataclass(frozen=True)
class Item:
    """One input file with what the manifest (or the folder layout) says about it."""

    path: str  # absolute, as workers must open it
    relpath: str  # relative to the corpus, as outputs show it
    trust: str
    kind: str | None
    date: str
    extra: tuple[tuple[str, str], ...]
    size: int
    mtime_ns: int

    def fingerprint(self) -> list[object]:
        """Everything about the file that changes its results; size and mtime stand in for content."""
        return [self.relpath, self.trust, self.kind, self.date, list(self.extra), self.size, self.mtime_ns]


@dataclass(frozen=True)
class Shard:
    """A few tens of one trust's files: the unit of work, of parallelism and of resumption."""

    key: str
    trust: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class TrustPlan:
    """One trust's shards; its practices and findings are recomputed when any of them changes."""

    key: str
    name: str
    shards: tuple[str, ...]


@dataclass
class Plan:
    """Everything a run needs to know before any file is opened."""

    corpus: str
    shards: list[Shard]
    trusts: list[TrustPlan]
    extra_columns: list[str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (relpath, error) found while planning
    digest: str = ""

    @property
    def documents(self) -> int:
        """Files planned (a JSONL file may hold many documents)."""
        return sum(len(s.items) for s in self.shards)


def work_order(shards: Sequence[Shard]) -> list[Shard]:
    """Shards in the order to hand them to workers: the most bytes first.

    A shard of long annual reports can take many times longer than one of short web pages; started
    last, it would leave the other workers idle at the end of the run (longest-first is the classic
    remedy for that tail). Ties keep plan order. Outputs are merged in plan order whatever the
    order of work, so this changes when parts finish, never what the tables hold.
    """
    return sorted(shards, key=lambda s: -sum(it.size for it in s.items))


def _digest(payload: object) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def _discover(corpus: Path) -> Iterator[Path]:
    for child in sorted(corpus.rglob("*")):
        rel = child.relative_to(corpus).parts
        if any(p.startswith(".") for p in rel) or not child.is_file():
            continue
        if child.suffix.lower() in SUPPORTED:
            yield child


def _default_trust(corpus: Path, path: Path) -> str:
    rel = path.relative_to(corpus).parts
    return rel[0] if len(rel) > 1 else corpus.name


def _stat_item(corpus: Path, path: Path, trust: str, kind: str | None, date: str,
               extra: tuple[tuple[str, str], ...]) -> Item:
    st = path.stat()
    return Item(path=str(path), relpath=path.relative_to(corpus).as_posix(), trust=trust, kind=kind, date=date,
                extra=extra, size=st.st_size, mtime_ns=st.st_mtime_ns)


def read_manifest(manifest: Path, corpus: Path) -> tuple[list[Item], list[str]]:
    """Manifest rows as items; any row that names a file outside the corpus or a missing file fails the run.

    A manifest is the researcher's statement of what the corpus is, so a wrong row is an error to fix
    before spending hours, not a file to skip.
    """
    root = corpus.resolve()
    try:
        with manifest.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            columns = [c.strip() for c in (reader.fieldnames or [])]
            if "path" not in columns:
                raise InputError(f"the manifest needs a 'path' column (found: {', '.join(columns) or 'none'})",
                                 manifest)
            clash = sorted(set(columns) & TAKEN)
            if clash:
                raise InputError(f"manifest columns {', '.join(clash)} clash with output columns; rename them",
                                 manifest)
            extra_cols = [c for c in columns if c not in RESERVED and c]
            items: list[Item] = []
            seen: set[str] = set()
            for line, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k is not None}
                rel = row.get("path", "")
                if not rel:
                    raise InputError(f"line {line}: empty path", manifest)
                target = (root / rel).resolve()
                if not target.is_relative_to(root):
                    raise InputError(f"line {line}: {rel!r} is outside the corpus folder", manifest)
                if not target.is_file():
                    raise InputError(f"line {line}: {rel!r} does not exist in the corpus", manifest)
                relpath = target.relative_to(root).as_posix()
                if relpath in seen:
                    raise InputError(f"line {line}: {rel!r} is listed twice", manifest)
                seen.add(relpath)
                kind = row.get("kind") or None
                if kind:
                    try:
                        check_kind(kind, str(manifest))
                    except IngestError as exc:
                        raise InputError(f"line {line}: {exc.reason}", manifest) from None
                trust = row.get("trust") or _default_trust(root, target)
                extra = tuple((c, row.get(c, "")) for c in extra_cols)
                items.append(_stat_item(root, target, trust, kind, row.get("date", ""), extra))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", manifest) from None
    except csv.Error as exc:
        raise InputError(f"not a readable CSV file ({exc})", manifest) from None
    if not items:
        raise InputError("the manifest lists no files", manifest)
    return items, extra_cols


def make_plan(corpus: Path, engine_id: Sequence[str], manifest: Path | None = None, shard_size: int = 40,
              limit: int | None = None, options: Sequence[str] = ()) -> Plan:
    """Plan a run over a corpus folder (or a manifest's files within it)."""
    if not corpus.is_dir():
        raise InputError("not a folder", corpus)
    root = corpus.resolve()
    if manifest is not None:
        items, extra_cols = read_manifest(manifest, root)
    else:
        items = [_stat_item(root, p, _default_trust(root, p), None, "", ()) for p in _discover(root)]
        extra_cols = []
        if not items:
            raise InputError(f"no supported files ({', '.join(SUPPORTED)})", corpus)
    items.sort(key=lambda i: (i.trust, i.relpath))
    if limit is not None:
        items = items[:limit]
    by_trust: dict[str, list[Item]] = {}
    for item in items:
        by_trust.setdefault(item.trust, []).append(item)
    salt = [*engine_id, *options, str(shard_size)]
    shards: list[Shard] = []
    trusts: list[TrustPlan] = []
    for trust, group in by_trust.items():
        keys = []
        for i in range(0, len(group), shard_size):
            part = tuple(group[i : i + shard_size])
            key = _digest(["shard", salt, [it.fingerprint() for it in part]])
            shards.append(Shard(key=key, trust=trust, items=part))
            keys.append(key)
        trusts.append(TrustPlan(key=_digest(["trust", salt, trust, keys]), name=trust, shards=tuple(keys)))
    plan = Plan(corpus=str(root), shards=shards, trusts=trusts, extra_columns=extra_cols)
    plan.digest = _digest([s.key for s in shards] + [t.key for t in trusts] + extra_cols)
    return plan
