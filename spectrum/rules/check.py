"""Run every rule's own examples: each must match its ``match`` texts and none of its ``no_match``."""

from __future__ import annotations

from dataclasses import dataclass

from spectrum.rules.matcher import CompiledRules, SegmentRules


@dataclass(frozen=True)
class ExampleFailure:
    """One example that did not behave as its rule says."""

    rule_id: str
    source: str
    expected: str
    text: str

    def __str__(self) -> str:
        verb = "should match but did not" if self.expected == "match" else "should not match but did"
        return f"{self.source} › {self.rule_id}: {verb}: {self.text!r}"


def _fires(rule_id: str, kind: str, found: SegmentRules) -> bool:
    if kind == "rule":
        return any(h.rule_id == rule_id for h in found.hits)
    if kind == "cue":
        return rule_id in found.cues
    return rule_id in found.pseudo or any(t.rule_id == rule_id for t in found.triggers)


def check_examples(compiled: CompiledRules) -> tuple[int, list[ExampleFailure]]:
    """Return how many examples ran and which failed."""
    book = compiled.book
    items: list[tuple[str, str, str, list[str], list[str]]] = []
    for rid, loaded in book.rules.items():
        items.append((rid, "rule", loaded.source, loaded.rule.examples.match, loaded.rule.examples.no_match))
    for cid, (cue, source) in book.cues.items():
        items.append((cid, "cue", source, cue.examples.match, cue.examples.no_match))
    for mid, (mod, source) in book.modifiers.items():
        items.append((mid, "modifier", source, mod.examples.match, mod.examples.no_match))
    texts = sorted({t for _, _, _, m, n in items for t in (*m, *n)})
    docs = {t: d for t, d in zip(texts, compiled.nlp.pipe(texts), strict=True)}
    found = {t: compiled.apply_one(docs[t][:]) for t in texts}
    failures: list[ExampleFailure] = []
    ran = 0
    for rid, kind, source, match, no_match in items:
        for text in match:
            ran += 1
            if not _fires(rid, kind, found[text]):
                failures.append(ExampleFailure(rid, source, "match", text))
        for text in no_match:
            ran += 1
            if _fires(rid, kind, found[text]):
                failures.append(ExampleFailure(rid, source, "no_match", text))
    return ran, failures
