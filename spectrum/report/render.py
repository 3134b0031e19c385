"""Jinja2 rendering of reports. Document text is untrusted: HTML is autoescaped, always.

Output is deterministic (sorted, no timestamps in the body) so reports can be compared and
golden-tested.
"""

from __future__ import annotations

import json

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from spectrum.models import TrustReport
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


def _where(q: object) -> str:
    parts = []
    page = getattr(q, "page", None)
    ts = getattr(q, "timestamp", None)
    section = getattr(q, "section", None)
    if page:
        parts.append(f"p. {page}")
    if ts:
        parts.append(ts)
    if section and not page:
        parts.append(str(section)[:60])
    return ", ".join(parts)


_env.filters["where"] = _where


def _md_escape(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


_env.filters["mdcell"] = _md_escape


def render(report: TrustReport, fmt: str) -> str:
    """The report as text in ``fmt`` (md, html or json)."""
    if fmt == "json":
        return json.dumps(report.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    template = _env.get_template(f"report.{fmt}.j2")
    return template.render(r=report, pos=SPECTRUM_POSITION)
