"""Render a TrustReport as Markdown, self-contained HTML or JSON."""

from __future__ import annotations

from spectrum.report.render import render

__all__ = ["render"]
