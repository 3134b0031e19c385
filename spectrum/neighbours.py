"""A passage's domain read together with the passages around it in the same document.

People who label trust text give a passage the domain of what it is part of: "That work is still
going on." among sentences about the board is governance, "It has not been easy." in a piece on
turning schools round is school improvement. The model sees one passage at a time and files such
passages, and many short ones, under ``other``. On the real trust text kept for development
(sets 3-7, 1,323 units on which two annotators agree on the domain) the engine's domain accuracy
was 0.573 (kappa 0.477); blending an unsure passage's domain probabilities half and half with the
mean of its three neighbours on each side gave 0.633 (kappa 0.550), and on sets 8 and 9
0.545 -> 0.598 (kappa 0.455 -> 0.520), macro-F1 0.534 -> 0.583 (docs/real_text.md). A passage the
model is sure of (top probability at least ``CONFIDENT``) keeps its own reading: on sets 3-7
blending those too made no difference, and on sets 8 and 9, which settled this one choice, it
lost macro-F1 on the smaller domains (0.546). On set 10, gathered afterwards and read by nobody
first, domain kappa rose from 0.32 / 0.41 to 0.38 / 0.45 against its two annotators.

Only the domain is blended. Positions and development routes are stated sentence by sentence,
and a neighbour's position is not this passage's.
"""

from __future__ import annotations

from collections.abc import Sequence

#: Passages read on each side.
NEIGHBOURS = 3
#: Share of the neighbours' mean in the blend.
NEIGHBOUR_WEIGHT = 0.5
#: A passage whose top domain probability is at least this keeps its own probabilities.
CONFIDENT = 0.7


def document_runs(document_ids: Sequence[str | None]) -> list[range]:
    """Consecutive stretches of passages from one document; ``None`` is a passage on its own."""
    runs: list[range] = []
    start = 0
    for i in range(1, len(document_ids) + 1):
        if i == len(document_ids) or document_ids[i] is None or document_ids[i] != document_ids[start]:
            runs.append(range(start, i))
            start = i
    return runs


def blend_domains(probs: Sequence[dict[str, float]], document_ids: Sequence[str | None],
                  decimals: int) -> list[dict[str, float]]:
    """Each passage's domain probabilities, blended with its neighbours' where it is unsure.

    Neighbours contribute their own probabilities, not blended ones, so the result does not
    depend on the order passages are visited in. Rounded to ``decimals`` like every score. A
    passage left alone keeps its own dict: most are, and copying them all cost time for nothing.
    """
    if len(probs) != len(document_ids):
        raise ValueError("one document id per passage is needed")
    out = list(probs)
    for run in document_runs(document_ids):
        if len(run) < 2:
            continue
        for i in run:
            own = probs[i]
            if not own or max(own.values()) >= CONFIDENT:
                continue
            near = [probs[j] for j in range(max(run.start, i - NEIGHBOURS), min(run.stop, i + NEIGHBOURS + 1)) if j != i]
            out[i] = {label: round((1 - NEIGHBOUR_WEIGHT) * p + NEIGHBOUR_WEIGHT * sum(n.get(label, 0.0) for n in near) / len(near),
                                   decimals)
                      for label, p in own.items()}
    return out
