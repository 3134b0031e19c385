"""Who the CEO is by name, so that dependence on a named person can be read as CEO dependence.

People in a trust rarely say "the CEO": they say "everything goes through Jackie" or "only Sam can
sign it". A rule sees a person's name but not who that person is, so it calls such a passage a
key-person dependency (``weak_systems_succession``); the codebook asks for
``ceo_single_point_of_failure`` when the person is the CEO. Which names are the CEO's is a fact
about the trust, not the sentence, and is gathered from all its documents:

* speakers whose role is ``ceo`` (from the transcript label or ``speakers.yml``);
* the CEO named beside the title in the documents: "Jane Smith (CEO)", "Jane Smith, Chief
  Executive", "our CEO, Jane Smith";

each giving the first name, the surname and the usual short forms of the first name
("Jacqueline" → "Jackie"), from the curated ``nicknames`` data rather than a hand-made list.
A name that another speaker also bears (a head called Ashworth, a finance director called Jack)
is dropped, since it would no longer say who is meant.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from nicknames import NickNamer

from spectrum.analysis.evidence import Item
from spectrum.models import Document, RuleHit

#: Rule family whose cues name a person the analysis may recognise as the CEO.
KEY_PERSON_FAMILY = "key_person"
_TITLES = {"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "rev", "revd", "canon", "sir", "dame", "lord",
           "lady", "father", "sister", "dr.", "mr.", "mrs.", "ms."}
#: Capitalised words that start or end a phrase next to a title without being a name.
_NOT_NAMES = {"the", "our", "a", "an", "trust", "academy", "academies", "school", "schools", "board", "deputy",
              "acting", "interim", "executive", "chief", "officer", "report", "team", "chair", "and", "of",
              "director", "head", "headteacher", "principal", "ceo", "update", "present", "apologies"}
_NAME = r"((?:(?:Dr|Mrs|Mr|Ms|Miss|Prof|Professor)\.?\s+)?[A-Z][a-z'’\-]+(?:\s+[A-Z][a-z'’\-]+){1,2})"
_TITLE = r"(?:CEO|Chief Executive(?:\s+Officer)?)"
_NAMED_BESIDE_TITLE = [
    re.compile(_NAME + r"\s*\(\s*(?:the\s+)?" + _TITLE + r"\s*\)"),
    re.compile(_NAME + r",\s+(?:our\s+|the\s+)?" + _TITLE + r"\b"),
    re.compile(r"(?<![Dd]eputy )(?<![Dd]eputy\s)\b(?:our|the|Our|The)\s+" + _TITLE + r",\s+" + _NAME),
]
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_POSSESSIVE = re.compile(r"['’]s?$")


@lru_cache(maxsize=1)
def _nicknamer() -> NickNamer:
    return NickNamer()


def _parts(name: str) -> list[str]:
    """Lower-case words of a name without honorifics: "Dr Karen Ashworth" → ["karen", "ashworth"]."""
    words = [w.lower() for w in _WORD.findall(name)]
    return [w for w in words if w not in _TITLES]


def _aliases(name: str) -> set[str]:
    parts = _parts(name)
    if not parts or any(p in _NOT_NAMES for p in parts):
        return set()
    out = {parts[0], parts[-1]}
    out |= {n.lower() for n in _nicknamer().nicknames_of(parts[0])}
    return out


def titled_ceos(texts: Iterable[str]) -> set[str]:
    """Full names written beside the CEO's title in ``texts``."""
    found: set[str] = set()
    for text in texts:
        for rx in _NAMED_BESIDE_TITLE:
            for m in rx.finditer(text):
                words = m.group(1).split()
                while words and words[0].lower() in _NOT_NAMES:  # "Present Jane Smith (CEO)"
                    words.pop(0)
                if len(_parts(" ".join(words))) >= 2 and not any(p in _NOT_NAMES for p in _parts(" ".join(words))):
                    found.add(" ".join(words))
    return found


def ceo_names(items: list[Item]) -> frozenset[str]:
    """Lower-case names by which a trust's documents can refer to its CEO (empty when unknown)."""
    speakers: dict[str, str] = {}
    docs: dict[str, Document] = {}
    for item in items:
        seg = item.c.segment
        if seg.speaker:
            speakers.setdefault(seg.speaker, seg.role or "unknown")
        docs.setdefault(item.doc.id, item.doc)
    for doc in docs.values():
        for turn in doc.turns:
            speakers.setdefault(turn.speaker, turn.role)
    ceos = {name for name, role in speakers.items() if role == "ceo"}
    ceos |= titled_ceos(doc.text for doc in docs.values())
    aliases: set[str] = set().union(*(_aliases(n) for n in ceos)) if ceos else set()
    others = {p for name in speakers if name not in ceos for p in _parts(name)[:1] + _parts(name)[-1:]}
    return frozenset(aliases - others)


def _capitalised(text: str) -> list[str]:
    """Capitalised words in ``text`` without a possessive ending, lower-cased: "Jackie's" → "jackie"."""
    return [_POSSESSIVE.sub("", w).lower() for w in _WORD.findall(text) if w[:1].isupper()]


def names_ceo(item: Item, hit: RuleHit, ceo: frozenset[str]) -> bool:
    """Whether a key-person cue is about the CEO: the passage names the CEO by one of their names.

    A cue with a name in it ("only Sam can") is about that person; one without ("the only person
    who can") is about whoever its sentence names, as with the CEO-title rule.
    """
    if not ceo or hit.family != KEY_PERSON_FAMILY:
        return False
    named = _capitalised(hit.text)[1:] if hit.text[:1].isupper() else _capitalised(hit.text)
    if named:
        return any(w in ceo for w in named)
    return any(w in ceo for w in _capitalised(item.c.segment.text))
