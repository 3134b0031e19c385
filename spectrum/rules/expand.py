"""Rewrite token patterns for speed without changing what they match.

spaCy's token ``Matcher`` tries every pattern at every token, and an ``IN`` or ``REGEX`` test is a
Python call each time, so a few hundred loose patterns match slower than the text is tokenised. A
``PhraseMatcher`` looks phrases up in a hash table and barely notices how many it holds. Most rule
patterns are finite (lists of words, optional tokens, lemmas), so they are enumerated into phrases;
what cannot be enumerated (regexes, ``NOT_IN``, wildcards, ``*``) stays a token pattern, split so
that each begins with one literal word the ``Matcher`` can compare in C.

A ``LEMMA`` test is enumerated through the lemma table itself: the forms whose lookup lemma is the
value, exactly as the pipeline's lookup lemmatizer assigns them. With any other lemmatizer (a
trained pipeline) lemma patterns stay token patterns, since their forms cannot be listed.
"""

from __future__ import annotations

import gzip
import json
from collections import defaultdict
from collections.abc import Callable
from importlib import resources
from typing import Any

from spacy.language import Language

#: Largest number of phrases one pattern may become; beyond it the pattern stays a token pattern.
MAX_PHRASES = 20_000

Forms = Callable[[str], set[str]]
Pattern = list[dict[str, Any]]


def lemma_forms(nlp: Language) -> Forms | None:
    """Map a lemma to every lower-case form the pipeline lemmatizes to it; None if unknowable."""
    from spectrum.nlp import LowerLookupLemmatizer

    lemmatizer = next((p for _, p in nlp.pipeline if isinstance(p, LowerLookupLemmatizer)), None)
    if lemmatizer is None or lemmatizer.mode != "lookup":
        return None
    table = lemmatizer.lookups.get_table("lemma_lookup", {})
    raw = _raw_lemma_table()
    if raw is None or len(raw) != len(table):
        return None  # not the data the lemmatizer was initialised from
    by_lemma: dict[str, set[str]] = defaultdict(set)
    for form, lemma in raw.items():
        if table.get(form) == lemma:
            by_lemma[lemma].add(form)

    def forms(value: str) -> set[str]:
        out = set(by_lemma.get(value, ()))
        if table.get(value, value) == value:
            out.add(value)
        return out

    return forms


def _raw_lemma_table() -> dict[str, str] | None:
    """The English lookup table with its string keys (the pipeline keeps only their hashes)."""
    try:
        path = resources.files("spacy_lookups_data") / "data" / "en_lemma_lookup.json.gz"
        data = json.loads(gzip.decompress(path.read_bytes()))
    except (ModuleNotFoundError, FileNotFoundError, OSError, ValueError):
        return None
    if not isinstance(data, dict):
        return None
    from spectrum.nlp import LEMMA_CORRECTIONS

    return {**data, **LEMMA_CORRECTIONS}


def _values(spec: dict[str, Any], attr: str) -> list[str] | None:
    value = spec[attr]
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict) and set(value) == {"IN"} and all(isinstance(v, str) for v in value["IN"]):
        return list(value["IN"])
    return None


def _alternatives(spec: dict[str, Any], forms: Forms | None) -> tuple[str, set[str]] | None:
    """(attr of the phrase matcher, words the token may be), or None when not enumerable."""
    keys = [k for k in spec if k != "OP"]
    if len(keys) != 1 or spec.get("OP") not in (None, "?"):
        return None
    attr = keys[0]
    values = _values(spec, attr)
    if values is None:
        return None
    if attr in ("ORTH", "TEXT"):
        return "ORTH", set(values)
    if attr == "LOWER" and all(v == v.lower() for v in values):
        return "LOWER", set(values)
    if attr == "LEMMA" and forms is not None:
        return "LOWER", set().union(*(forms(v) for v in values))
    return None


def to_phrases(pattern: Pattern, forms: Forms | None, limit: int = MAX_PHRASES
               ) -> tuple[str, list[tuple[str, ...]]] | None:
    """The phrases ``pattern`` matches and the attribute to match them on, or None."""
    attr: str | None = None
    seqs: list[tuple[str, ...]] = [()]
    for spec in pattern:
        alt = _alternatives(spec, forms)
        if alt is None or (attr is not None and alt[0] != attr):
            return None
        attr = alt[0]
        options: list[tuple[str, ...]] = [(w,) for w in sorted(alt[1])]
        if spec.get("OP") == "?":
            options.append(())
        seqs = [s + o for s in seqs for o in options]
        if len(seqs) > limit:
            return None
    phrases = [s for s in seqs if s]
    return (attr, phrases) if attr is not None and phrases else None


def lemma_phrases(lemmas: list[str], forms: Forms | None, limit: int = MAX_PHRASES) -> list[tuple[str, ...]] | None:
    """Lower-case phrases whose words have exactly ``lemmas``, or None when not enumerable."""
    if forms is None or not lemmas:
        return None
    result = to_phrases([{"LEMMA": lemma} for lemma in lemmas], forms, limit)
    return result[1] if result else None


def anchor_first(pattern: Pattern) -> list[Pattern]:
    """Split a pattern whose first token is an ``IN`` list into one pattern per literal word."""
    first = pattern[0]
    if first.get("OP") is not None:
        return [pattern]
    keys = [k for k in first if k != "OP"]
    if len(keys) != 1 or keys[0] not in ("LOWER", "LEMMA", "ORTH", "TEXT", "NORM", "SHAPE"):
        return [pattern]
    values = _values(first, keys[0])
    if values is None or len(values) < 2:
        return [pattern]
    return [[{keys[0]: v}, *pattern[1:]] for v in values]


def max_tokens(pattern: Pattern) -> int | None:
    """The most tokens ``pattern`` can match, or None when a quantifier leaves it unbounded."""
    total = 0
    for spec in pattern:
        op = str(spec.get("OP", "1"))
        if op in ("1", "!", "?"):
            total += 1
        elif op.startswith("{") and op.endswith("}") and not op.rstrip("}").endswith(","):
            total += int(op[1:-1].split(",")[-1])
        else:
            return None  # "*", "+", "{n,}"
    return total


def required_words(pattern: Pattern) -> list[tuple[str, frozenset[str]]]:
    """Words a text must contain for ``pattern`` to match it: per required token, its alternatives.

    A token without a quantifier (or with ``+``) whose ``LOWER``, ``ORTH``/``TEXT`` or ``LEMMA`` is a
    word or an ``IN`` list must occur, whatever else the token tests, so a text lacking every
    alternative for one such token cannot match. Returns (``LOWER`` or ``LEMMA``, alternatives);
    case-sensitive words are given lower-cased, which only makes the test looser.
    """
    out: list[tuple[str, frozenset[str]]] = []
    for spec in pattern:
        if spec.get("OP") not in (None, "+"):
            continue
        for attr in ("LOWER", "ORTH", "TEXT", "LEMMA"):
            values = _values(spec, attr) if attr in spec else None
            if values:
                key = "LEMMA" if attr == "LEMMA" else "LOWER"
                out.append((key, frozenset(v.lower() if key == "LOWER" else v for v in values)))
                break
    return out
