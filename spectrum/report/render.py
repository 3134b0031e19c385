"""Jinja2 rendering of reports. Document text is untrusted: HTML is autoescaped, always.

Output is deterministic (sorted, no timestamps in the body) so reports can be compared and
golden-tested.
"""

from __future__ import annotations

import json
import re

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from spectrum.models import PracticeProfile, TrustReport
from spectrum.vocab import SPECTRUM_POSITION

FORMATS = ("md", "html", "json")

_env = Environment(
    loader=PackageLoader("spectrum.report", "templates"),
    autoescape=select_autoescape(enabled_extensions=("html", "html.j2"), default_for_string=True),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.filters["nice"] = lambda s: str(s).replace("_", " ") if s is not None else ""

#: Headings for findings; ids are for machines, a review report needs the words reviewers use.
CHALLENGE_TITLES = {
    "ceo_single_point_of_failure": "CEO single point of failure",
    "intent_practice_gap": "Intent–practice gap",
    "unarticulated_improvement_approach": "Improvement approach not articulated",
    "weak_systems_succession": "Weak systems and succession planning",
    "expertise_locked_in": "Expertise locked in",
    "reinventing_the_wheel": "Reinventing the wheel",
}
_env.filters["challenge"] = lambda c: CHALLENGE_TITLES.get(str(c), str(c).replace("_", " ").capitalize())


#: A reviewer looks a quote up to the second; "00:04:10.500000" reads as noise.
_SUBSECOND = re.compile(r"^(\d{1,2}:\d{2}(?::\d{2})?)[.,]\d+$")


def _where(q: object) -> str:
    parts = []
    page = getattr(q, "page", None)
    ts = getattr(q, "timestamp", None)
    section = getattr(q, "section", None)
    if page:
        parts.append(f"p. {page}")
    if ts:
        parts.append(_SUBSECOND.sub(r"\1", str(ts)))
    if section and not page and section != getattr(q, "document", None):
        parts.append(str(section)[:60])
    return ", ".join(parts)


_env.filters["where"] = _where


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_env.filters["mdcell"] = _md_escape

#: How the Position column names the evidence a practice's position is read from.
READ_FROM_WORDS = {"practice": "practice only", "intent": "documents only", "all": "documents and practice",
                   "practice_gap": "practice (documents differ)", "practice_apart": "practice (mixed; documents differ)"}


def _read_from(p: PracticeProfile) -> str:
    return READ_FROM_WORDS[p.read_from]


_env.filters["read_from"] = _read_from


def render(report: TrustReport, fmt: str) -> str:
    """The report as text in ``fmt`` (md, html or json)."""
    if fmt == "json":
        return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    template = _env.get_template(f"report.{fmt}.j2")
    return template.render(r=report, pos=SPECTRUM_POSITION)
