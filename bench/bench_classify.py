"""Classification throughput against the bare spaCy pipeline on the same text, in the same run.

Usage: python bench/bench_classify.py [N]   (N segments drawn, with repetition, from the corpus)
"""

from __future__ import annotations

import argparse
import resource
import time

from spectrum.corpus.load import load_segments
from spectrum.engine import Engine
from spectrum.nlp import make_nlp


def main(n: int) -> None:
    texts = [s.text for s in load_segments()]
    texts = (texts * (n // len(texts) + 1))[:n]
    words = sum(len(t.split()) for t in texts)
    nlp = make_nlp()
    list(nlp.pipe(texts[:500]))  # warm up
    t0 = time.perf_counter()
    for _ in nlp.pipe(texts, batch_size=1000):
        pass
    floor = time.perf_counter() - t0
    engine = Engine.load()
    engine.classify_texts(texts[:500])  # warm up
    t0 = time.perf_counter()
    for i in range(0, n, 2000):
        engine.classify_texts(texts[i : i + 2000])
    full = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"segments: {n}, words: {words}")
    print(f"bare spaCy pipeline: {n / floor:,.0f} segments/s, {words / floor:,.0f} words/s")
    print(f"engine classify:     {n / full:,.0f} segments/s, {words / full:,.0f} words/s")
    print(f"engine / spaCy floor: {floor / full:.2f}")
    print(f"peak RSS: {rss:,.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=20000, help="segments to classify (default 20000)")
    main(parser.parse_args().n)
