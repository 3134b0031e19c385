"""The pipeline's lemmatizer: whole-Doc lookup gives each token the lemma of its lower-cased form."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spectrum.nlp import make_nlp

WORDS = st.sampled_from([
    "Schools", "schools", "SCHOOLS", "were", "Heads", "children", "mice", "co-designed", "ran", "2026",
    "£3,000", "don't", "it's", "naïve", "🙂", "   ", "\n", "—", "Zyxwvut", "zyxwvuts", "CEO's", "policies",
])
TEXTS = st.lists(WORDS, min_size=0, max_size=30).map(" ".join)


def _lookup(word: str) -> str:
    """The stock lookup table's lemma of the lower-cased word, as spaCy's token-by-token loop gives it."""
    nlp = make_nlp()
    table = nlp.get_pipe("lower_lemmatizer").lookups.get_table("lemma_lookup", {})
    lower = word.lower()
    return str(table.get(lower, lower))


@settings(max_examples=80, deadline=None)
@given(TEXTS | st.text(max_size=60))
def test_nlp_lemma_is_the_lookup_of_the_lower_cased_token(text: str) -> None:
    doc = make_nlp()(text)
    assert [t.lemma_ for t in doc] == [_lookup(t.text) for t in doc]


def test_nlp_lemmas_stay_right_across_memory_zones() -> None:
    nlp = make_nlp()
    text = "Quorbling heads were running the Quorblings"
    with nlp.memory_zone():
        inside = [t.lemma_ for t in nlp(text)]
    after = [t.lemma_ for t in nlp(text)]  # the remembered lemma strings outlive the zone's strings
    assert inside == after == [_lookup(w) for w in text.split()]
    assert after[2] == "be" and after[3] == "run"


def test_nlp_corrects_the_lookup_tables_wrong_lemmas_for_words_trust_documents_use() -> None:
    doc = make_nlp()("Heads developed it together, are developing it now and trialled it in Developing schools.")
    lemmas = {t.text: t.lemma_ for t in doc}
    assert lemmas["developed"] == lemmas["developing"] == lemmas["Developing"] == "develop"
    assert lemmas["trialled"] == "trial"


def test_rule_lemma_patterns_reach_the_corrected_forms() -> None:
    from spectrum.rules.expand import lemma_forms

    forms = lemma_forms(make_nlp())
    assert forms is not None
    assert {"develop", "develops", "developed", "developing"} <= forms("develop")
    assert "develope" not in {t.lemma_ for t in make_nlp()("developed developing")}
