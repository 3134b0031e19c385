"""Load the annotated corpus and its fixed splits, and check the rules it must keep.

Splits are stored, not recomputed at training time, so a result can be reproduced; near-duplicate
segments (TF-IDF cosine above 0.8) are kept in the same split so the test split never rewards
memorising a sentence the model saw in training.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from spectrum.corpus.schema import CorpusSegment
from spectrum.errors import CorpusError
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, DOMAINS, SPECTRUM_LABELS

SPLITS = ("train", "dev", "test")
NEAR_DUPLICATE = 0.8


def default_corpus_dir() -> Path:
    """The shipped corpus, found through the installed package."""
    return Path(str(resources.files("spectrum") / "_data" / "corpora"))


def load_segments(corpus_dir: Path | None = None) -> list[CorpusSegment]:
    """Every segment of ``corpus_dir/segments/*.jsonl``, validated; errors name file and line."""
    folder = (corpus_dir or default_corpus_dir()) / "segments"
    files = sorted(folder.glob("*.jsonl"))
    if not files:
        raise CorpusError("no segment files (*.jsonl)", folder)
    out: list[CorpusSegment] = []
    seen: dict[str, str] = {}
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path.name}:{n}"
            try:
                seg = CorpusSegment.model_validate(json.loads(line))
            except json.JSONDecodeError as exc:
                raise CorpusError(f"invalid JSON ({exc.msg})", where) from exc
            except ValidationError as exc:
                err = exc.errors()[0]
                raise CorpusError(f"{'.'.join(map(str, err['loc']))}: {err['msg']}", where) from exc
            if seg.id in seen:
                raise CorpusError(f"duplicate id {seg.id} (first at {seen[seg.id]})", where)
            seen[seg.id] = where
            out.append(seg)
    return out


def corpus_hash(segments: Iterable[CorpusSegment]) -> str:
    """Hash of every labelled row, so a model can tell whether it was trained on this corpus."""
    h = hashlib.sha256()
    for seg in sorted(segments, key=lambda s: s.id):
        h.update(seg.model_dump_json(by_alias=True).encode())
    return h.hexdigest()[:16]


def _hash_split(seg_id: str) -> str:
    bucket = int(hashlib.sha256(seg_id.encode()).hexdigest()[:8], 16) % 100
    return "train" if bucket < 70 else "dev" if bucket < 85 else "test"


def near_duplicate_groups(texts: list[str], threshold: float = NEAR_DUPLICATE) -> list[list[int]]:
    """Groups of indices whose texts are near-duplicates (TF-IDF cosine above ``threshold``)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if not texts:
        return []
    matrix = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True).fit_transform(texts)
    sims = (matrix @ matrix.T).tocoo()
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, v in zip(sims.row, sims.col, sims.data, strict=True):
        if i < j and v > threshold:
            parent[find(int(i))] = find(int(j))
    groups: dict[int, list[int]] = {}
    for i in range(len(texts)):
        groups.setdefault(find(i), []).append(i)
    return [g for g in groups.values() if len(g) > 1]


def make_splits(segments: list[CorpusSegment]) -> dict[str, str]:
    """Hash-based 70/15/15 split, with each near-duplicate group moved into one split."""
    split = {s.id: _hash_split(s.id) for s in segments}
    for group in near_duplicate_groups([s.text for s in segments]):
        ids = sorted(segments[i].id for i in group)
        target = split[ids[0]]
        for seg_id in ids:
            split[seg_id] = target
    return split


def splits_path(corpus_dir: Path | None = None) -> Path:
    """Where the fixed splits are stored."""
    return (corpus_dir or default_corpus_dir()) / "splits.json"


def load_splits(corpus_dir: Path | None = None) -> dict[str, str]:
    """The stored split of every segment id."""
    path = splits_path(corpus_dir)
    if not path.is_file():
        raise CorpusError("no splits.json; run 'python -m spectrum.corpus.report --write-splits'", path)
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


@dataclass
class CorpusCheck:
    """What the corpus check found; ``problems`` empty means the corpus is fit to train on."""

    counts: dict[str, Counter[str]]
    split_sizes: Counter[str]
    leaks: list[tuple[str, str]]
    problems: list[str]


MINIMUMS = {"segments": 3000, "label": 400, "none_share": 0.25, "challenge": 120, "context": 400, "batches": 8}


def check_corpus(segments: list[CorpusSegment], splits: dict[str, str]) -> CorpusCheck:
    """Check schema-level minimum counts, coverage and the leakage rule."""
    counts: dict[str, Counter[str]] = {
        "spectrum": Counter(s.spectrum for s in segments),
        "approach": Counter(s.approach for s in segments),
        "domain": Counter(s.domain for s in segments),
        "context": Counter(s.context for s in segments),
        "register": Counter(s.register_ for s in segments),
        "batch": Counter(s.batch for s in segments),
        "challenge": Counter(c for s in segments for c in s.challenges),
    }
    problems: list[str] = []
    n = len(segments)
    if n < MINIMUMS["segments"]:
        problems.append(f"{n} segments, fewer than {MINIMUMS['segments']}")
    for axis, labels in (("spectrum", SPECTRUM_LABELS), ("approach", APPROACH_LABELS)):
        for label in labels:
            if label != "none" and counts[axis][label] < MINIMUMS["label"]:
                problems.append(f"{axis}={label}: {counts[axis][label]} examples, fewer than {MINIMUMS['label']}")
        share = counts[axis]["none"] / max(n, 1)
        if share < MINIMUMS["none_share"]:
            problems.append(f"{axis}=none is {share:.0%} of the corpus, under {MINIMUMS['none_share']:.0%}")
    cover: Counter[tuple[str, str]] = Counter((str(s.domain), str(s.spectrum)) for s in segments)
    for domain in DOMAINS:
        for label in ("standardised", "aligned", "autonomous"):
            if cover[(domain, label)] == 0:
                problems.append(f"domain {domain} has no {label} example")
    for challenge in CHALLENGES:
        if counts["challenge"][challenge] < MINIMUMS["challenge"]:
            problems.append(f"challenge {challenge}: {counts['challenge'][challenge]} positives, fewer than {MINIMUMS['challenge']}")
    misleading = n - counts["context"]["current"]
    if misleading < MINIMUMS["context"]:
        problems.append(f"{misleading} context cases, fewer than {MINIMUMS['context']}")
    if len(counts["batch"]) < MINIMUMS["batches"]:
        problems.append(f"{len(counts['batch'])} writing batches, fewer than {MINIMUMS['batches']}")
    missing = [s.id for s in segments if s.id not in splits]
    if missing:
        problems.append(f"{len(missing)} segments have no split (e.g. {missing[0]}); regenerate splits.json")
    stale = [k for k in splits if k not in {s.id for s in segments}]
    if stale:
        problems.append(f"splits.json names {len(stale)} unknown ids (e.g. {stale[0]})")
    leaks: list[tuple[str, str]] = []
    for group in near_duplicate_groups([s.text for s in segments]):
        names = {splits.get(segments[i].id) for i in group}
        if len(names) > 1:
            leaks.append((segments[group[0]].id, segments[group[1]].id))
    if leaks:
        problems.append(f"{len(leaks)} near-duplicate groups straddle splits (e.g. {leaks[0]})")
    split_sizes = Counter(splits.get(s.id, "?") for s in segments)
    return CorpusCheck(counts, split_sizes, leaks, problems)
