"""Refuse regular expressions that cannot compile or could backtrack catastrophically.

User rule folders are untrusted; one pattern like ``(a+)+$`` can hang a batch run for hours on a
single odd segment. Nested unbounded quantifiers are the classic cause, so they are rejected.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+
    from re import _parser as sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_parse  # type: ignore[no-redef]

MAX_REGEX_LENGTH = 500
_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _walk(parsed: Any, inside_repeat: bool) -> None:
    for op, arg in parsed:
        name = str(op)
        if name in _REPEATS:
            _, high, sub = arg
            unbounded = high == sre_parse.MAXREPEAT or high > 100
            if inside_repeat and unbounded:
                raise ValueError("nested quantifiers could backtrack catastrophically")
            _walk(sub, inside_repeat or unbounded)
        elif name == "SUBPATTERN":
            _walk(arg[-1], inside_repeat)
        elif name == "BRANCH":
            for branch in arg[1]:
                _walk(branch, inside_repeat)
        elif name in {"ASSERT", "ASSERT_NOT"}:
            _walk(arg[1], inside_repeat)
        elif name in {"GROUPREF", "GROUPREF_EXISTS"}:
            raise ValueError("back-references are not allowed in rule regexes")


def check_regex(expr: str) -> re.Pattern[str]:
    """Compile ``expr`` or raise ``ValueError`` saying why it is refused."""
    if len(expr) > MAX_REGEX_LENGTH:
        raise ValueError(f"regex longer than {MAX_REGEX_LENGTH} characters")
    try:
        compiled = re.compile(expr, re.IGNORECASE)
        parsed = sre_parse.parse(expr, re.IGNORECASE)
    except re.error as exc:
        raise ValueError(f"regex does not compile: {exc}") from None
    _walk(parsed, False)
    return compiled
