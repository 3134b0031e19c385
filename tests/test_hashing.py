"""The cached hashing used at prediction gives the very matrices the model was trained on."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from spectrum.features import feature_rows, lemma_text
from spectrum.hashing import Hasher, column
from spectrum.model import Hyper, build_pipeline
from spectrum.nlp import make_nlp
from spectrum.rules.matcher import SegmentRules

WORDS = st.sampled_from([
    "The", "schools", "follow", "a", "common", "curriculum", "2026", "£3,000", "heads'", "don't", "co-design",
    "   ", "\n", "Ofsted", "—", "naïve", "CEO", "e.g.", "...", "🙂", "it's", "were", "children", "12.5%", "(KS2)",
])
TEXTS = st.lists(WORDS, min_size=0, max_size=40).map(" ".join)


def _hashers() -> dict[int, object]:
    features = build_pipeline(Hyper()).named_steps["features"]
    return {col: t.steps[0][1] for _, t, col in features.transformers if col in (0, 1)}


@settings(max_examples=60, deadline=None)
@given(st.lists(TEXTS | st.text(max_size=80), min_size=1, max_size=6))
def test_hashing_cached_matrices_equal_the_vectorizers(texts: list[str]) -> None:
    nlp = make_nlp()
    spans = [doc[:] for doc in nlp.pipe(texts)]
    rows = feature_rows(spans, [SegmentRules() for _ in spans])
    hasher = Hasher()
    for col, vec in _hashers().items():
        expected = vec.transform(rows[:, col])  # type: ignore[attr-defined]
        for _ in range(2):  # the second pass is served from the cache
            got = hasher.matrix(vec, spans, {})  # type: ignore[arg-type]
            assert got.shape == expected.shape
            assert (got != expected).nnz == 0
            assert got.dtype == expected.dtype


def test_hashing_reads_sub_spans_of_a_longer_document() -> None:
    doc = make_nlp()("Every school uses it. Heads choose 3 books!  Then we review.")
    spans = list(doc.sents)
    hasher = Hasher()
    for col, vec in _hashers().items():
        texts = [lemma_text(s) for s in spans] if col == 0 else [s.text.lower() for s in spans]
        assert (hasher.matrix(vec, spans, {}) != vec.transform(texts)).nnz == 0  # type: ignore[attr-defined]


def test_hashing_segments_of_documents_give_the_vectorizers_matrices() -> None:
    from spectrum.models import Document
    from spectrum.segment import parse_documents

    text = "Every school uses it.  Heads choose 3 books!\n\nThen we review it in 2026. Nobody opts out."
    doc = Document(id="d", source="d.md", title="d", kind="policy", text=text, format="md",
                   paragraphs=[(0, 44), (46, len(text))])
    [parsed] = list(parse_documents([doc], make_nlp()))
    spans = [p.span for p in parsed]
    assert [hashing_span_text(s) for s in spans] == [p.segment.text for p in parsed]
    rows = feature_rows(spans, [SegmentRules() for _ in spans])
    for col, vec in _hashers().items():
        assert (Hasher().matrix(vec, spans, {}) != vec.transform(rows[:, col])).nnz == 0  # type: ignore[attr-defined]


def hashing_span_text(span: object) -> str:
    from spectrum.hashing import span_text

    return span_text(span, {})  # type: ignore[arg-type]


@given(st.text(min_size=1, max_size=30), st.integers(min_value=1, max_value=2**20))
def test_hashing_column_is_the_vectorizers_column_for_any_feature(feature: str, n_features: int) -> None:
    from sklearn.feature_extraction.text import HashingVectorizer

    vec = HashingVectorizer(analyzer=lambda doc: [doc], n_features=n_features, alternate_sign=False, norm=None)
    assert list(vec.transform([feature]).indices) == [column(feature, n_features)]
