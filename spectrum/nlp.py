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

import numpy as np
import spacy
from spacy.attrs import LEMMA, LOWER
from spacy.errors import Errors
from spacy.language import Language
from spacy.pipeline import Lemmatizer
from spacy.tokens import Doc, Token

#: Longest text handed to spaCy at once; segmentation feeds paragraphs, so this only guards odd input.
MAX_CHARS = 100_000
#: ``Doc.user_data`` key under which segmentation keeps the text a Doc was made from.
TEXT_KEY = "spectrum.text"


def source_text(doc: Doc) -> str:
    """The text a Doc was made from: kept by segmentation under ``TEXT_KEY``, else rebuilt.

    spaCy rebuilds ``Doc.text`` token by token on every access; tokenisation loses no character,
    so the kept string is the same text, and a span's text is its slice between character offsets.
    """
    return str(doc.user_data.get(TEXT_KEY) or doc.text)


#: Entries of spacy-lookups-data's English table that are wrong for words trust documents use
#: often: "developed" and "developing" lemmatise to "develope", so "developed together" never
#: met a rule's "develop"; the British "trialled" is missing while "trialed" is there.
LEMMA_CORRECTIONS: dict[str, str] = {
    "developed": "develop",
    "developing": "develop",
    "developes": "develop",
    "trialled": "trial",
    "trialling": "trial",
}

#: Lemmas remembered per lower-case word before the memory is emptied (bounds a long run's memory).
MAX_CACHED_LEMMAS = 200_000


class LowerLookupLemmatizer(Lemmatizer):  # type: ignore[misc]
    """Lookup lemmatizer that looks up the lower-cased form.

    spaCy's lookup mode keys on the exact text, so "Schools" at the start of a sentence stays
    "Schools" while "schools" becomes "school"; rule patterns and model features would then depend
    on capitalisation.

    A whole Doc is lemmatised from its array of lower-case word hashes, with the lemma of each
    word remembered, instead of token by token: spaCy's loop makes a Python Token per word and
    was half the cost of the whole pipeline (tokeniser and sentencizer included).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: lemma by lower-case word hash; hashes are fixed functions of the text, so this stays
        #: right when a ``memory_zone`` drops transient strings (lemmas are added again on use)
        self._by_lower: dict[int, str] = {}

    def lookup_lemmatize(self, token: Token) -> list[str]:
        """Lemma of the lower-cased token, or the lower-cased token itself."""
        table = self.lookups.get_table("lemma_lookup", {})
        lower = token.lower_
        return [str(table.get(lower, lower))]

    def __call__(self, doc: Doc) -> Doc:
        """Set every token's lemma (only unset ones unless ``overwrite``), as the stock lookup does."""
        if not self._validated:
            self._validate_tables(Errors.E1004)
        if not len(doc):
            return doc
        strings = doc.vocab.strings
        add = strings.add
        known = self._by_lower
        table = self.lookups.get_table("lemma_lookup", {})
        out: list[int] = []
        for lower, lemma in doc.to_array([LOWER, LEMMA]).tolist():
            if lemma and not self.overwrite:
                out.append(lemma)
                continue
            word = known.get(lower)
            if word is None:
                if len(known) >= MAX_CACHED_LEMMAS:
                    known.clear()
                text = strings[lower]
                word = known[lower] = str(table.get(text, text))
            out.append(add(word))
        doc.from_array([LEMMA], np.asarray(out, dtype=np.uint64).reshape(-1, 1))  # type: ignore[arg-type]  # stubs: Ints2d
        return doc


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
    lemmatizer = nlp.get_pipe("lower_lemmatizer")
    assert isinstance(lemmatizer, LowerLookupLemmatizer)
    table = lemmatizer.lookups.get_table("lemma_lookup")
    for form, lemma in LEMMA_CORRECTIONS.items():
        table.set(form, lemma)
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
