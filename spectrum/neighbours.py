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

In an interview an answer also leans to the topic of the question it answers (``blend_domains``):
on the sample trusts' transcripts, the passages quoted as evidence of a practice were read under
that practice's domain 70 times of 98 before and 81 after, and their written documents, which
have no questions, 78 of 98 either way.

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
#: Share of the interviewer's question in the blend of an unsure passage of the answer to it.
QUESTION_WEIGHT = 0.3
#: A question counts only when its own domain reading is at least this sure.
QUESTION_SURE = CONFIDENT
#: The domain of passages about no practice in particular: a question read so has no topic to lend.
NO_TOPIC = "other"


def document_runs(document_ids: Sequence[str | None]) -> list[range]:
    """Consecutive stretches of passages from one document; ``None`` is a passage on its own."""
    runs: list[range] = []
    start = 0
    for i in range(1, len(document_ids) + 1):
        if i == len(document_ids) or document_ids[i] is None or document_ids[i] != document_ids[start]:
            runs.append(range(start, i))
            start = i
    return runs


def questions_answered(asked: Sequence[bool], run: range) -> dict[int, range]:
    """For each passage of an answer in ``run``, the interviewer's passages it answers.

    An answer runs from the end of one interviewer turn to the start of the next; passages before
    the first question answer nothing.
    """
    out: dict[int, range] = {}
    question: range | None = None
    start: int | None = None
    for i in run:
        if asked[i]:
            start = i if start is None else start
            continue
        if start is not None:
            question, start = range(start, i), None
        if question is not None:
            out[i] = question
    return out


def _question_domain(probs: Sequence[dict[str, float]], question: range) -> dict[str, float] | None:
    """The question's own domain reading (mean over its passages), if it is sure enough to lend.

    As sure as a passage must be to keep its own reading: a follow-up such as "Most things?"
    leans one way without naming a topic, and lending it moved answers off theirs.
    """
    readings = [probs[j] for j in question if probs[j]]
    if not readings:
        return None
    mean = {label: sum(r.get(label, 0.0) for r in readings) / len(readings) for label in readings[0]}
    topic = max(mean, key=mean.__getitem__)
    return mean if mean[topic] >= QUESTION_SURE and topic != NO_TOPIC else None


def blend_domains(probs: Sequence[dict[str, float]], document_ids: Sequence[str | None],
                  decimals: int, asked: Sequence[bool] | None = None) -> list[dict[str, float]]:
    """Each passage's domain probabilities, blended with its neighbours' where it is unsure.

    In an interview (``asked`` marks the interviewer's passages) an answer is about what was asked:
    "Exactly the same." after "And safeguarding, is that the same everywhere?" is safeguarding,
    though its words name nothing and its neighbours may be the last answer's topic. An unsure
    passage of an answer therefore also takes ``QUESTION_WEIGHT`` of the question's own reading,
    when the question is clear about its topic (``QUESTION_SURE``); a vague one ("Tell me about
    your week") lends nothing.

    Neighbours and questions contribute their own probabilities, not blended ones, so the result
    does not depend on the order passages are visited in. Rounded to ``decimals`` like every
    score. A passage left alone keeps its own dict: most are, and copying them all cost time for
    nothing.
    """
    if len(probs) != len(document_ids):
        raise ValueError("one document id per passage is needed")
    if asked is not None and len(asked) != len(probs):
        raise ValueError("one interviewer flag per passage is needed")
    out = list(probs)
    for run in document_runs(document_ids):
        if len(run) < 2:
            continue
        answers = questions_answered(asked, run) if asked is not None and any(asked[i] for i in run) else {}
        lent = {q: _question_domain(probs, q) for q in set(answers.values())}
        for i in run:
            own = probs[i]
            if not own or max(own.values()) >= CONFIDENT:
                continue
            near = [probs[j] for j in range(max(run.start, i - NEIGHBOURS), min(run.stop, i + NEIGHBOURS + 1)) if j != i]
            blend = {label: (1 - NEIGHBOUR_WEIGHT) * p + NEIGHBOUR_WEIGHT * sum(n.get(label, 0.0) for n in near) / len(near)
                     for label, p in own.items()}
            question = lent[answers[i]] if i in answers else None
            if question is not None:
                blend = {label: (1 - QUESTION_WEIGHT) * p + QUESTION_WEIGHT * question.get(label, 0.0) for label, p in blend.items()}
            out[i] = {label: round(p, decimals) for label, p in blend.items()}
    return out
