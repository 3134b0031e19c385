"""The only place the spaCy pipeline is built.

Blank English with a rule-based sentencizer and the lookup lemmatizer from spacy-lookups-data
runs offline and fast. A trained English pipeline is used only if it is already installed; the
engine never downloads one, so results do not depend on network access.
"""

from __future__ import annotations

import functools
import importlib.util
import os
from typing import Any

import spacy
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Token

#: Longest text handed to spaCy at once; segmentation feeds paragraphs, so this only guards odd input.
MAX_CHARS = 100_000
#: ``Doc.user_data`` key under which segmentation keeps the text a Doc was made from.
TEXT_KEY = "spectrum.text"


class LowerLookupLemmatizer(Lemmatizer):  # type: ignore[misc]
    """Lookup lemmatizer that looks up the lower-cased form.

    spaCy's lookup mode keys on the exact text, so "Schools" at the start of a sentence stays
    "Schools" while "schools" becomes "school"; rule patterns and model features would then depend
    on capitalisation. Same cost per token as the stock lookup.
    """

    def lookup_lemmatize(self, token: Token) -> list[str]:
        """Lemma of the lower-cased token, or the lower-cased token itself."""
        table = self.lookups.get_table("lemma_lookup", {})
        lower = token.lower_
        return [str(table.get(lower, lower))]


@Language.factory(
    "lower_lemmatizer",
    default_config={"model": None, "mode": "lookup", "overwrite": False, "scorer": None},
)
def _make_lower_lemmatizer(
    nlp: Language, model: Any, name: str, mode: str, overwrite: bool, scorer: Any
) -> LowerLookupLemmatizer:
    return LowerLookupLemmatizer(nlp.vocab, model, name, mode=mode, overwrite=overwrite, scorer=scorer)


def _build_blank() -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lower_lemmatizer")
    nlp.initialize()
    return nlp


@functools.lru_cache(maxsize=2)
def make_nlp(prefer_trained: bool | None = None) -> Language:
    """Build the pipeline once per process.

    ``prefer_trained`` defaults to the ``SPECTRUM_TRAINED_PIPELINE`` environment variable; tests and
    the shipped model use the blank pipeline so that features do not change with what is installed.
    """
    if prefer_trained is None:
        prefer_trained = os.environ.get("SPECTRUM_TRAINED_PIPELINE", "") == "1"
    if prefer_trained and importlib.util.find_spec("en_core_web_sm") is not None:
        nlp = spacy.load("en_core_web_sm", exclude=["ner", "parser"])
        if "senter" in nlp.pipe_names:
            nlp.enable_pipe("senter")
        else:
            nlp.add_pipe("sentencizer")
    else:
        nlp = _build_blank()
    nlp.max_length = MAX_CHARS + 1000
    return nlp
