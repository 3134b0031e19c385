"""The model's hashed n-gram matrices, computed from spaCy token arrays with per-word caches.

scikit-learn's ``HashingVectorizer`` rebuilds every n-gram string of every segment and hashes it
again, which made hashing the most expensive step of classification (more than tokenising).
Words repeat, so the column indices of a word's character n-grams, of a lemma and of a lemma pair
are computed once and cached. The result is the same sparse matrix, entry for entry, as the
vectorizer the model was trained with (``tests/test_hashing.py`` checks this on random text), so
the stored model and training are untouched. Only the configurations the model uses are
accepted; anything else falls back to the vectorizer itself.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.utils import murmurhash3_32
from spacy.attrs import IS_PUNCT, IS_SPACE, LEMMA, LIKE_NUM
from spacy.tokens import Doc, Span

from spectrum.nlp import source_text

#: Cached entries per table before it is emptied, so a long batch run's memory stays bounded.
#: Words and lemmas are cached, not lemma pairs or character n-grams: pairs are too many, and a
#: word's character n-grams are cached as the word's columns. Caching every n-gram string
#: (500,000 per table) let a worker's memory grow by 130 MB between 1,000 and 10,000 documents.
MAX_CACHED = 200_000
#: Characters of a segment's text given to the character n-grams (long segments add little).
TEXT_CHARS = 600
NUM = "<num>"
#: Stands for a number in ``lemma_tokens`` (spaCy's hashes are unsigned, so it is never a lemma).
NUMBER = -1
#: Which text column of the model's input rows each analyzer reads (see ``features.feature_rows``).
HASHED_COLUMNS = {0: "word", 1: "char_wb"}


def column(feature: str, n_features: int) -> int:
    """The column ``HashingVectorizer(alternate_sign=False)`` gives a feature string."""
    h = int(murmurhash3_32(feature, seed=0))
    if h == -(2**31):
        return (2**31 - 1 - (n_features - 1)) % n_features
    return abs(h) % n_features


def lemma_tokens(span: Span, arrays: dict[int, Any] | None = None) -> list[int]:
    """Lemma hashes of a span's word tokens (spaces and punctuation left out), ``NUMBER`` for a number.

    The one definition of the lemma column: ``features.lemma_text`` writes these out for training,
    prediction hashes them. With ``arrays``, a Doc's attributes are read once for all its spans.
    """
    attrs = [LEMMA, IS_SPACE, IS_PUNCT, LIKE_NUM]
    if arrays is None:
        rows = span.to_array(attrs).tolist() if len(span) else []  # type: ignore[attr-defined]  # missing from the stubs
    else:
        doc: Doc = span.doc
        key = id(doc)
        if key not in arrays:
            arrays[key] = (doc, doc.to_array(attrs).tolist())
        rows = arrays[key][1][span.start:span.end]
    return [NUMBER if num else lemma for lemma, space, punct, num in rows if not space and not punct]


def lemma_word(lemma: int, strings: Any) -> str:
    """The written form of one entry of ``lemma_tokens``."""
    return NUM if lemma == NUMBER else str(strings[lemma])


def span_text(span: Span, texts: dict[int, Any]) -> str:
    """``span.text``, sliced from the text the Doc was made from (``nlp.source_text``, read once per Doc)."""
    doc = span.doc
    key = id(doc)
    if key not in texts:
        texts[key] = (doc, source_text(doc))
    return str(texts[key][1][span.start_char:span.end_char])


def _supported(hasher: HashingVectorizer) -> str | None:
    p = hasher.get_params()
    if p["alternate_sign"] or p["norm"] is not None or p["lowercase"] or p["binary"] \
            or p["preprocessor"] is not None or p["tokenizer"] is not None or p["strip_accents"] is not None \
            or p["stop_words"] is not None or p["input"] != "content":
        return None
    if p["analyzer"] == "char_wb":
        return "char_wb"
    if p["analyzer"] == "word" and p["token_pattern"] == r"[^ ]+":
        return "word"
    return None


class Hasher:
    """Cached equivalents of the model's hashing vectorizers, one per process."""

    def __init__(self) -> None:
        self._words: dict[tuple[int, int, int], dict[str, list[int]]] = {}
        self._lemmas: dict[int, tuple[str, ...]] = {}
        self._grams: dict[int, dict[str, int]] = {}

    def matrix(self, hasher: HashingVectorizer, spans: Sequence[Span], arrays: dict[int, Any]) -> Any:
        """What ``hasher.transform`` gives for the column the model reads from these spans."""
        kind = _supported(hasher)
        if kind == "char_wb":
            texts: dict[int, Any] = {}
            return self._char(hasher, [span_text(s, texts)[:TEXT_CHARS].lower() for s in spans])
        if kind == "word":
            return self._word(hasher, [lemma_tokens(s, arrays) for s in spans], spans[0].doc.vocab.strings
                              if spans else None)
        raise ValueError(f"unsupported vectorizer configuration: {hasher!r}")

    @staticmethod
    def supports(hasher: HashingVectorizer) -> bool:
        """Whether ``matrix`` can stand in for this vectorizer."""
        return _supported(hasher) is not None

    def _columns(self, features: list[str], n_features: int) -> list[int]:
        """Columns of words (word pairs are hashed afresh: too many distinct ones to keep)."""
        table = self._grams.setdefault(n_features, {})
        return _cached(table, features, lambda f: column(f, n_features))

    def _char(self, hasher: HashingVectorizer, texts: Sequence[str]) -> Any:
        n = hasher.n_features
        lo, hi = hasher.ngram_range
        analyse = hasher.build_analyzer()
        cache = self._words.setdefault((n, lo, hi), {})

        def grams(word: str) -> list[int]:
            return [column(g, n) for g in analyse(word)]

        indices: list[int] = []
        indptr = [0]
        for text in texts:
            for cols in _cached(cache, text.split(), grams):
                indices.extend(cols)
            indptr.append(len(indices))
        return _csr(indices, indptr, n, hasher.dtype)

    def _word(self, hasher: HashingVectorizer, lemma_rows: Sequence[list[int]], strings: Any) -> Any:
        n = hasher.n_features
        lo, hi = hasher.ngram_range

        def words(h: int) -> tuple[str, ...]:
            return tuple(p for p in lemma_word(h, strings).split(" ") if p)

        indices: list[int] = []
        indptr = [0]
        for row in lemma_rows:
            tokens = [t for parts in _cached(self._lemmas, row, words) for t in parts]
            if lo <= 1 <= hi:
                indices.extend(self._columns(tokens, n))
            if lo <= 2 <= hi:
                indices.extend([column(a + " " + b, n) for a, b in zip(tokens, tokens[1:], strict=False)])
            for size in range(max(lo, 3), hi + 1):
                indices.extend([column(" ".join(tokens[i:i + size]), n) for i in range(len(tokens) - size + 1)])
            indptr.append(len(indices))
        return _csr(indices, indptr, n, hasher.dtype)


K = TypeVar("K")
V = TypeVar("V")


def _cached(cache: dict[K, V], keys: Sequence[K], make: Callable[[K], V]) -> list[V]:
    """``cache``'s value for each key, made and kept for keys it lacks; emptied at ``MAX_CACHED`` entries.

    Looking every key up in one ``map`` and filling the few misses after costs less than a Python
    branch per key, and keys mostly hit.
    """
    got: list[V | None] = list(map(cache.get, keys))
    if None in got:
        for i, key in enumerate(keys):
            if got[i] is None:
                if len(cache) >= MAX_CACHED:
                    cache.clear()
                got[i] = cache[key] = make(key)
    return got  # type: ignore[return-value]  # no None left


def _csr(indices: list[int], indptr: list[int], n_features: int, dtype: Any) -> Any:
    idx = np.asarray(indices, dtype=np.int32)
    matrix = sparse.csr_matrix((np.ones(len(idx), dtype=dtype), idx, np.asarray(indptr, dtype=np.int64)),
                               shape=(len(indptr) - 1, n_features))
    matrix.sum_duplicates()
    return matrix


#: One cache per process: workers classify many batches with the same vocabulary.
shared_hasher = Hasher()
