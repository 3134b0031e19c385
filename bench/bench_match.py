"""Rule matching against spaCy tokenisation, on the same corpus text in the same run.

The engine tokenises every segment anyway, so rules are affordable only while matching them costs
less than that tokenisation; this prints both rates and their ratio. ``--profile`` times each
rule's patterns on their own, to find the ones that do not anchor on literal tokens.

Usage: python bench/bench_match.py [N] [--profile] [--top K]   (N segments, default 10,000,
drawn from the corpus with repetition)
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable, Sequence

from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from spectrum.corpus.load import load_segments
from spectrum.nlp import make_nlp
from spectrum.rules import CompiledRules, compile_rules
from spectrum.rules.expand import anchor_first, lemma_forms, to_phrases
from spectrum.rules.schema import Matchable


def best_of(runs: int, work: Callable[[], object]) -> float:
    """Fastest of ``runs`` timings: the machine is shared, and the minimum is the least disturbed."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return min(times)


def items(compiled: CompiledRules) -> dict[str, Matchable]:
    """Every rule, cue and modifier by id."""
    book = compiled.book
    out: dict[str, Matchable] = {rid: lr.rule for rid, lr in book.rules.items()}
    out.update({cid: cue for cid, (cue, _) in book.cues.items()})
    out.update({mid: mod for mid, (mod, _) in book.modifiers.items()})
    return out


def profile(compiled: CompiledRules, docs: Sequence[Doc], top: int) -> None:
    """Time each item's patterns alone, compiled as the engine compiles them, slowest first."""
    nlp = compiled.nlp
    forms = lemma_forms(nlp)
    timings: list[tuple[float, str, str]] = []
    for key, item in items(compiled).items():
        parts: list[tuple[str, Callable[[Doc], object]]] = []
        phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        tokens = Matcher(nlp.vocab)
        for pattern in item.patterns:
            enumerated = to_phrases(pattern, forms)
            if enumerated is not None and enumerated[0] == "LOWER":
                phrases.add(key, [Doc(nlp.vocab, words=list(w)) for w in enumerated[1]])
            else:
                tokens.add(key, anchor_first(pattern))
        if item.phrases:
            phrases.add(key, [nlp.make_doc(x) for x in item.phrases])
        if item.lemmas:
            lm = PhraseMatcher(nlp.vocab, attr="LEMMA")
            lm.add(key, list(nlp.pipe(item.lemmas)))
            parts.append(("lemma phrases", lm))
        if len(phrases):
            parts.append(("phrases", phrases))
        if len(tokens):
            parts.append(("token patterns", tokens))
        for name, fn in parts:
            t = best_of(2, lambda fn=fn: [fn(d) for d in docs])  # type: ignore[misc]
            timings.append((t, key, name))
    timings.sort(reverse=True)
    total = sum(t for t, _, _ in timings)
    print(f"\nslowest matchers, each alone on every document (sum {total:.2f} s; token patterns left "
          f"in the engine as gated Matchers: {len(compiled.token_patterns)}):")
    for t, key, name in timings[:top]:
        print(f"  {t * 1000:8.1f} ms  {100 * t / total:5.1f}%  {key} ({name})")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description="Rule matching vs spaCy tokenisation.")
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="segments to process")
    parser.add_argument("--profile", action="store_true", help="time each rule's patterns alone")
    parser.add_argument("--top", type=int, default=15, help="rules to list with --profile")
    parser.add_argument("--runs", type=int, default=3, help="timed runs; the fastest is reported")
    args = parser.parse_args(argv)

    corpus = [s.text for s in load_segments()]
    texts = (corpus * (args.n // len(corpus) + 1))[: args.n]
    nlp = make_nlp()
    compiled = compile_rules(nlp)
    list(nlp.pipe(texts[:500]))  # warm up vocab and lookups

    docs: list[Doc] = []

    def tokenise() -> None:
        docs[:] = list(nlp.pipe(texts, batch_size=1000))

    t_tok = best_of(args.runs, tokenise)
    tokens = sum(len(d) for d in docs)
    spans = [d[:] for d in docs]
    t_raw = best_of(args.runs, lambda: [compiled._raw(d) for d in docs])  # the spaCy matchers alone
    t_apply = best_of(args.runs, lambda: compiled.apply(spans))
    hits = sum(len(r.hits) for r in compiled.apply(spans))

    book = compiled.book
    print(f"segments: {len(texts):,}, tokens: {tokens:,}; rules: {len(book.rules)} rules, "
          f"{len(book.cues)} cues, {len(book.modifiers)} modifiers; {hits:,} rule hits")
    print(f"spaCy pipeline (tokenise, sentences, lemmas): {t_tok:6.2f} s  {tokens / t_tok:>10,.0f} tokens/s")
    print(f"rule matching (CompiledRules.apply):          {t_apply:6.2f} s  {tokens / t_apply:>10,.0f} tokens/s")
    print(f"  of which spaCy matchers:                    {t_raw:6.2f} s  {tokens / t_raw:>10,.0f} tokens/s")
    print(f"  of which context scopes, cue checks, hits:  {t_apply - t_raw:6.2f} s")
    print(f"matching / tokenisation time: {t_apply / t_tok:.2f} (target: below 1)")
    if args.profile:
        profile(compiled, docs, args.top)


if __name__ == "__main__":
    main()
