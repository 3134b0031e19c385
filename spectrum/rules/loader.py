"""Load rule folders: safe YAML, schema validation, merging user rules over ours by id."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from spectrum.errors import RuleError
from spectrum.rules.schema import Cue, Modifier, Rule, RuleFile


@dataclass(frozen=True)
class LoadedRule:
    """A rule with the axis and file it came from."""

    rule: Rule
    axis: str
    source: str


@dataclass
class RuleBook:
    """Every rule, cue and modifier from one or more folders, after overrides."""

    rules: dict[str, LoadedRule] = field(default_factory=dict)
    cues: dict[str, tuple[Cue, str]] = field(default_factory=dict)
    modifiers: dict[str, tuple[Modifier, str]] = field(default_factory=dict)
    terminators: list[str] = field(default_factory=list)
    clause_breaks: list[str] = field(default_factory=list)
    digest: str = ""

    def ids(self) -> set[str]:
        """Every id in the book."""
        return set(self.rules) | set(self.cues) | set(self.modifiers)


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it


class _RuleYamlLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe loader with YAML 1.2 booleans: only true/false are booleans.

    Under YAML 1.1 the words no, off, on and yes become booleans, and they are exactly the words rule
    authors write in token lists (``[no, not, never]``).
    """


_RuleYamlLoader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:bool"]
    for key, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}
_RuleYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)


def default_rules_dir() -> Path:
    """The shipped rules, found through the installed package, never relative to a checkout."""
    return Path(str(resources.files("spectrum") / "_data" / "rules"))


def _where(path: Path, data: Any, loc: tuple[Any, ...]) -> str:
    """Turn a pydantic error location into ``file › rule id › field``."""
    parts = [str(path)]
    if len(loc) >= 2 and loc[0] in ("rules", "cues", "modifiers") and isinstance(loc[1], int):
        items = data.get(loc[0], []) if isinstance(data, dict) else []
        item = items[loc[1]] if loc[1] < len(items) else {}
        parts.append(str(item.get("id", f"{loc[0]}[{loc[1]}]")) if isinstance(item, dict) else f"{loc[0]}[{loc[1]}]")
        loc = loc[2:]
    if loc:
        parts.append(".".join(str(x) for x in loc))
    return " › ".join(parts)


def load_file(path: Path) -> RuleFile:
    """Parse and validate one rule file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file ({exc})", path) from exc
    try:
        data = yaml.load(text, Loader=_RuleYamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise RuleError(f"malformed YAML{line}: {getattr(exc, 'problem', None) or exc}", path) from exc
    if not isinstance(data, dict):
        raise RuleError("a rule file must be a mapping with 'axis' and 'rules'", path)
    try:
        return RuleFile.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise RuleError(f"{msg} (found {str(err.get('input'))[:60]!r})" if err["type"] != "missing" else msg,
                        _where(path, data, tuple(err["loc"]))) from exc


def _digest(files: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def load_rules(folders: Sequence[Path] | None = None) -> RuleBook:
    """Load the shipped rules, then each extra folder in order; a later rule id replaces an earlier one."""
    dirs = [default_rules_dir(), *(folders or [])]
    book = RuleBook()
    all_files: list[Path] = []
    for folder in dirs:
        if not folder.is_dir():
            raise RuleError("rules folder not found", folder)
        files = sorted(p for p in folder.iterdir() if p.suffix in (".yml", ".yaml"))
        if not files and folder != dirs[0]:
            raise RuleError("no .yml rule files in folder", folder)
        seen: dict[str, Path] = {}
        for path in files:
            rule_file = load_file(path)
            all_files.append(path)
            for item in [*rule_file.rules, *rule_file.cues, *rule_file.modifiers]:
                if item.id in seen:
                    raise RuleError(f"duplicate rule id (also in {seen[item.id].name})", f"{path} › {item.id}")
                seen[item.id] = path
                for other in (book.rules, book.cues, book.modifiers):
                    other.pop(item.id, None)  # override by id
            for rule in rule_file.rules:
                book.rules[rule.id] = LoadedRule(rule, rule_file.axis, str(path))
            for cue in rule_file.cues:
                book.cues[cue.id] = (cue, str(path))
            for mod in rule_file.modifiers:
                book.modifiers[mod.id] = (mod, str(path))
            for words, into in ((rule_file.terminators, book.terminators), (rule_file.clause_breaks, book.clause_breaks)):
                into.extend(w for w in words if w not in into)
    refs = [(lr.rule.id, lr.source, name, getattr(lr.rule, name)) for lr in book.rules.values()
            for name in ("requires", "unless")]
    refs += [(mod.id, source, "requires", mod.requires) for mod, source in book.modifiers.values()]
    refs += [(cue.id, source, "unless", cue.unless) for cue, source in book.cues.values()]
    for item_id, source, name, cue_ids in refs:
        for cue_id in cue_ids:
            if cue_id not in book.cues:
                raise RuleError(f"{name} unknown cue {cue_id!r}", f"{source} › {item_id} › {name}")
    for cue, source in book.cues.values():
        for cue_id in cue.unless:
            if book.cues[cue_id][0].unless:
                # one level only, so the result never depends on the order cues are cancelled in
                raise RuleError(f"unless names cue {cue_id!r}, which has an unless of its own",
                                f"{source} › {cue.id} › unless")
    book.digest = _digest(all_files)
    return book
