"""When Python's cyclic garbage collector runs during classification.

The engine allocates heavily and almost never in reference cycles; left alone, the collector
spent a fifth to a sixth of classification time walking objects that reference counting frees.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


def settle_heap() -> None:
    """Take everything loaded so far out of the cyclic garbage collector's full passes.

    The pipeline, compiled rules and model are hundreds of thousands of long-lived objects.
    Classifying makes many short-lived lists and dicts, which set off full collections, and each
    of those walked the loaded objects again: measured on ``bench/bench_classify.py``, a fifth of
    classification time. Frozen objects are still freed by reference counting when dropped.
    """
    gc.collect()
    gc.freeze()


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector for one batch of work, then restore it as it was.

    A batch makes objects by the hundred thousand (token rows, rule hits, output models, table
    rows) and almost none of them in reference cycles, so reference counting frees them; the
    collector's passes over them cost about a sixth of a batch run (1,000 documents, one worker:
    shards 30.2 s with it, 25.2 s without, the same peak memory). Cycles made meanwhile are
    collected once it runs again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
