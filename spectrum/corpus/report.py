"""Corpus report: split sizes, label counts, duplicates and leakage; optionally rewrite splits.

``python -m spectrum.corpus.report [--write-splits] [--corpus DIR]``; exits 1 if the corpus breaks
its schema, minimum counts or the leakage rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from spectrum.corpus.load import (
    check_corpus,
    corpus_hash,
    default_corpus_dir,
    load_segments,
    load_splits,
    make_splits,
    near_duplicate_groups,
    splits_path,
)
from spectrum.errors import CorpusError


def main(argv: list[str] | None = None) -> int:
    """Print the report; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=None)
    parser.add_argument("--write-splits", action="store_true")
    args = parser.parse_args(argv)
    corpus = args.corpus or default_corpus_dir()
    try:
        segments = load_segments(corpus)
        if args.write_splits:
            splits = make_splits(segments)
            splits_path(corpus).write_text(json.dumps(dict(sorted(splits.items())), indent=0) + "\n", encoding="utf-8")
        splits = load_splits(corpus)
    except CorpusError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    check = check_corpus(segments, splits)
    exact = sum(c - 1 for c in Counter(s.text.strip().lower() for s in segments).values() if c > 1)
    groups = near_duplicate_groups([s.text for s in segments])
    print(f"corpus: {len(segments)} segments, hash {corpus_hash(segments)}")
    print("splits:", dict(sorted(check.split_sizes.items())))
    for name, counter in check.counts.items():
        print(f"{name}:", dict(counter.most_common()))
    by_split: dict[str, Counter[str]] = {}
    for s in segments:
        by_split.setdefault(splits.get(s.id, "?"), Counter())[s.spectrum] += 1
    print("spectrum by split:", {k: dict(v) for k, v in sorted(by_split.items())})
    print(f"exact duplicate texts: {exact}; near-duplicate groups (cosine > 0.8): {len(groups)}; "
          f"groups straddling splits: {len(check.leaks)}")
    for problem in check.problems:
        print(f"PROBLEM: {problem}")
    print("corpus check:", "ok" if not check.problems else f"{len(check.problems)} problem(s)")
    return 1 if check.problems else 0


if __name__ == "__main__":
    sys.exit(main())
