"""Scoring the engine on passages someone else labelled.

The corpus test split measures the engine on text written by the same kind of writer who wrote
its training rows, and so overstates what happens on real trust documents. A researcher or
reviewer with their own labelled passages (any subset of spectrum, approach, domain and
challenges) gets the same tables as ``spectrum evaluate`` on them: the engine, rules alone and the
majority class of the corpus, side by side, and on request the model without rule features
(trained on the corpus for the purpose, which takes minutes), to see whether the rules earn their
place on the user's own text.

A gold file is all-or-nothing: a bad line stops the evaluation with its line number, because
figures computed on the rows that happened to parse would not be the figures of the file.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from spectrum.decide import detected_challenges, rule_label
from spectrum.errors import InputError
from spectrum.ingest.decode import MAX_FILE_BYTES, check_size
from spectrum.rules.votes import votes
from spectrum.vocab import APPROACH_LABELS, CHALLENGES, DOMAINS, SPECTRUM_LABELS

GOLD_AXES: dict[str, tuple[str, ...]] = {"spectrum": SPECTRUM_LABELS, "approach": APPROACH_LABELS, "domain": DOMAINS}


def load_gold(path: Path, limit: int = MAX_FILE_BYTES) -> list[dict[str, Any]]:
    """A gold file's rows; an empty or oversized file is refused before reading (every row is held)."""
    check_size(path, limit)
    with path.open("rb") as stream:
        return read_gold(stream, str(path))


def read_gold(lines: Iterable[bytes], name: str) -> list[dict[str, Any]]:
    """Rows with ``text`` and the labels they carry, checked against the vocabulary."""
    rows: list[dict[str, Any]] = []
    for n, raw in enumerate(lines, 1):
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(f"line {n}: not UTF-8", name) from None
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"line {n}: invalid JSON ({exc.msg})", name) from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str) or not row["text"].strip():
            raise InputError(f"line {n}: missing or empty text key", name)
        for axis, labels in GOLD_AXES.items():
            if axis in row and row[axis] not in labels:
                raise InputError(f"line {n}: unknown {axis} label {row[axis]!r} (one of: {', '.join(labels)})", name)
        flags = row.get("challenges")
        if flags is not None and (not isinstance(flags, list) or any(c not in CHALLENGES for c in flags)):
            raise InputError(f"line {n}: challenges must be a list of: {', '.join(CHALLENGES)}", name)
        rows.append(row)
    if not rows:
        raise InputError("no labelled rows", name)
    if not any(axis in row for row in rows for axis in (*GOLD_AXES, "challenges")):
        raise InputError(f"no row carries a label ({', '.join((*GOLD_AXES, 'challenges'))})", name)
    return rows


#: Labels and threshold per axis of the model-without-rules baseline for passages, their documents
#: and which of them the interviewer asked (``training.model_without_rules``).
Baseline = Callable[[Sequence[str], Sequence[str | None], Sequence[bool]], dict[str, tuple[list[str], float]]]


def evaluate_gold_files(engine: Any, files: list[tuple[str, list[dict[str, Any]]]], majority: dict[str, str],
                        model_only: Baseline | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Each gold file's evaluation and, given two or more, their comparison (``compare_gold``).

    Coders' files label the same passages, so each distinct passage (its text and the document it
    names, if any) is classified once for all files, in the order the files first give it: rows
    that name their document are read with their neighbours, and an interviewer's rows (``role``
    or ``speaker``) with the answers after them, as ``spectrum classify`` reads them. ``model_only``
    (``training.model_without_rules``) adds that baseline, run once on the same passages.
    """
    from spectrum.ingest.rows import row_asked, row_document

    keys = list(dict.fromkeys((row_document(r), r["text"]) for _, rows in files for r in rows))
    asked = {(row_document(r), r["text"]) for _, rows in files for r in rows if row_asked(r)}
    classified = engine.classify_texts([t for _, t in keys], None, [d for d, _ in keys], [k in asked for k in keys])
    found = dict(zip(keys, classified, strict=True))
    base = model_only([t for _, t in keys], [d for d, _ in keys], [k in asked for k in keys]) if model_only else {}
    base_by_key = {axis: (dict(zip(keys, labels, strict=True)), t) for axis, (labels, t) in base.items()}
    results = [evaluate_gold(engine, rows, Path(name).name, majority, [found[row_document(r), r["text"]] for r in rows],
                             {axis: ([labels[row_document(r), r["text"]] for r in rows], t)
                              for axis, (labels, t) in base_by_key.items()} or None)
               for name, rows in files]
    pairs = compare_gold(files, [r["predicted"] for r in results]) if len(files) > 1 else []
    return results, pairs


def evaluate_gold(engine: Any, rows: list[dict[str, Any]], name: str, majority: dict[str, str],
                  found: list[Any], model_only: dict[str, tuple[list[str], float]] | None = None) -> dict[str, Any]:
    """``spectrum evaluate``'s result shape for a gold file, from its rows' classifications ``found``.

    The model-without-rules baseline is there only when ``model_only`` gives its labels for the
    rows (it means training a model). Rules alone are read from the engine's own rule hits, so the
    text is tokenised and matched once.
    """
    import numpy as np

    from spectrum.training import challenge_scores, expected_calibration_error, paired_bootstrap, scores

    texts = [r["text"] for r in rows]
    ruled = [votes(c.evidence) for c in found]
    out: dict[str, Any] = {"split": "gold", "title": f"the gold file {name}", "n": len(rows), "axes": {}, "examples": [],
                           "predicted": [{axis: getattr(c, axis).label for axis in GOLD_AXES} for c in found]}
    for axis, labels in GOLD_AXES.items():
        idx = [i for i, r in enumerate(rows) if axis in r]
        if not idx:
            continue
        gold = [rows[i][axis] for i in idx]
        # macro-F1 over the labels the file uses: a label no row has (a gold file of policies
        # with no safeguarding passage) would add an F1 of 0 to every system's average
        used = [lab for lab in labels if lab in set(gold)]
        decided = [getattr(found[i], axis) for i in idx]
        pred = [d.label for d in decided]
        rules_pred = [rule_label(ruled[i][axis], "other" if axis == "domain" else "none") for i in idx]
        out["axes"][axis] = {
            "engine": scores(gold, pred, used),
            "rules_only": scores(gold, rules_pred, used),
            "majority": scores(gold, [majority[axis]] * len(gold), used),
            "ece": expected_calibration_error(gold, [d.scores for d in decided]),
            "threshold": engine.model.thresholds.get(axis, 0.5) if engine.model else None,
        }
        if model_only and axis in model_only:
            labels_of, threshold = model_only[axis]
            base_pred = [labels_of[i] for i in idx]
            out["axes"][axis].update({
                "model_without_rules": scores(gold, base_pred, used),
                "model_without_rules_threshold": threshold,
                "engine_minus_model_without_rules": paired_bootstrap(gold, pred, base_pred, used),
            })
        out["examples"] += [{"axis": axis, "gold": g, "pred": p, "text": texts[i], "id": str(rows[i].get("id", i + 1))}
                            for i, g, p in zip(idx, gold, pred, strict=True) if g != p]
    flagged_rows = [i for i, r in enumerate(rows) if "challenges" in r]
    out["challenges"] = {}
    rule_flags = {i: detected_challenges(ruled[i]["challenge"], None, {}) for i in flagged_rows}
    for challenge in CHALLENGES if flagged_rows else ():
        gold_flags = np.array([challenge in rows[i]["challenges"] for i in flagged_rows])
        out["challenges"][challenge] = {
            "engine": challenge_scores(gold_flags, np.array([challenge in found[i].challenges for i in flagged_rows])),
            "rules_only": challenge_scores(gold_flags, np.array([challenge in rule_flags[i] for i in flagged_rows])),
        }
    return out


def corpus_majority(corpus: Path | None = None) -> dict[str, str]:
    """The most common label of each axis in the corpus train split: the majority baseline."""
    from spectrum.corpus.load import load_segments, load_splits

    splits = load_splits(corpus)
    train = [s for s in load_segments(corpus) if splits.get(s.id) == "train"]
    return {axis: Counter(getattr(s, axis) for s in train).most_common(1)[0][0] for axis in GOLD_AXES}


def compare_gold(files: list[tuple[str, list[dict[str, Any]]]],
                 predicted: list[list[dict[str, str]]]) -> list[dict[str, Any]]:
    """Each pair of gold files against each other, and the engine against each, on the rows they share.

    Two people coding the same passages rarely agree fully; how far they agree is the ceiling a
    reviewer should hold the engine to, on the same rows. Rows are paired by ``id``, so every row
    of every file needs one, and a shared id must carry the same text in both files.
    ``predicted`` holds the engine's labels for each file's rows, in the file's order.
    """
    from sklearn.metrics import cohen_kappa_score, f1_score

    by_id: list[dict[str, tuple[dict[str, Any], dict[str, str]]]] = []
    for (name, rows), labels in zip(files, predicted, strict=True):
        index: dict[str, tuple[dict[str, Any], dict[str, str]]] = {}
        for n, (row, label) in enumerate(zip(rows, labels, strict=True), 1):
            if "id" not in row:
                raise InputError(f"row {n} has no id; comparing gold files pairs their rows by id", name)
            index[str(row["id"])] = (row, label)
        by_id.append(index)

    def kappa(a: list[str], b: list[str]) -> float:
        return float(cohen_kappa_score(a, b)) if len(set(a) | set(b)) > 1 else 1.0

    out = []
    for i in range(len(files)):
        for j in range(i + 1, len(files)):
            (name_a, _), (name_b, _) = files[i], files[j]
            shared = [k for k in by_id[i] if k in by_id[j]]
            for k in shared:
                if by_id[i][k][0]["text"].strip() != by_id[j][k][0]["text"].strip():
                    raise InputError(f"id {k} has a different text in {name_b}", name_a)
            pair: dict[str, Any] = {"a": name_a, "b": name_b, "shared": len(shared), "axes": {}}
            for axis in GOLD_AXES:
                both = [k for k in shared if axis in by_id[i][k][0] and axis in by_id[j][k][0]]
                if not both:
                    continue
                a = [by_id[i][k][0][axis] for k in both]
                b = [by_id[j][k][0][axis] for k in both]
                engine = [by_id[i][k][1][axis] for k in both]
                pair["axes"][axis] = {
                    "n": len(both),
                    "kappa": kappa(a, b),
                    "macro_f1": float(f1_score(a, b, labels=sorted(set(a)), average="macro", zero_division=0)),
                    "engine_kappa_a": kappa(a, engine),
                    "engine_kappa_b": kappa(b, engine),
                }
                if axis != "domain":
                    pair["axes"][axis]["agreed"] = agreed_counts(a, b, engine)
            out.append(pair)
    return out


def agreed_counts(a: list[str], b: list[str], engine: list[str], none: str = "none") -> dict[str, int]:
    """What the engine does on the rows where two coders agree, counted rather than averaged.

    Real passages seldom take a position, so a macro-F1 over four labels can swing on one or two
    rows; the counts say plainly how many agreed positions the engine finds and how often it reads
    a position into a passage both coders call ``none``.
    """
    same = [(x, e) for x, y, e in zip(a, b, engine, strict=True) if x == y]
    positions = [(x, e) for x, e in same if x != none]
    nones = [e for x, e in same if x == none]
    return {"positions": len(positions), "engine_position": sum(e != none for _, e in positions),
            "engine_same": sum(e == x for x, e in positions),
            "none": len(nones), "engine_reads_position": sum(e != none for e in nones)}
