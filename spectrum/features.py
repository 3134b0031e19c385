"""Model inputs from a segment's span and its rule hits.

One row per segment: the lemma string (word n-grams), the raw text (character n-grams) and rule
votes aggregated by family (so the model learns how far to trust a kind of cue, not one phrase).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from spacy.tokens import Span

from spectrum.hashing import TEXT_CHARS, lemma_tokens, lemma_word
from spectrum.rules.matcher import SegmentRules
from spectrum.rules.votes import family_features


def lemma_text(span: Span) -> str:
    """Lower-case lemmas with numbers folded, so '2026' and '2027' look alike."""
    strings = span.doc.vocab.strings
    return " ".join(lemma_word(h, strings) for h in lemma_tokens(span))


def feature_rows(spans: Sequence[Span], rules: Sequence[SegmentRules], text: bool = True) -> NDArray[np.object_]:
    """An (n, 3) object array: lemma text, raw text, rule-feature dict.

    ``text=False`` leaves the two text columns empty, for prediction that hashes from the spans.
    """
    rows = np.empty((len(spans), 3), dtype=object)
    for i, (span, found) in enumerate(zip(spans, rules, strict=True)):
        if text:
            rows[i, 0] = lemma_text(span)
            rows[i, 1] = span.text[:TEXT_CHARS].lower()
        rows[i, 2] = family_features(found.hits, found.context)
    return rows
