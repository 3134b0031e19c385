"""Plain-text tables of evaluation results, for the terminal and docs/accuracy.md."""

from __future__ import annotations

from typing import Any

SYSTEMS = ("engine", "rules_only", "model_without_rules", "majority")


def figure(value: float | None) -> str:
    """A score to three places, or a dash where there is none."""
    return "–" if value is None else f"{value:.3f}"


def format_evaluation(result: dict[str, Any], worst: int = 10) -> str:
    """Per-axis macro-F1/kappa for the engine and baselines, per-label scores and confusions."""
    where = result.get("title") or f"the {result['split']} split"
    lines = [f"## Evaluation on {where} ({result['n']} segments)", ""]
    for axis, r in result["axes"].items():
        lines += [f"### {axis}", "", "| system | macro-F1 | kappa | accuracy |", "|---|---|---|---|"]
        for s in SYSTEMS:
            if s in r:  # a gold file has no model-without-rules baseline
                m = r[s]
                lines.append(f"| {s.replace('_', ' ')} | {m['macro_f1']:.3f} | {m['kappa']:.3f} | {m['accuracy']:.3f} |")
        lines += ["", f"Expected calibration error (model probabilities): {r['ece']:.3f}; abstention threshold "
                  f"{r['threshold']}" + (f" (model without rules: its own dev-tuned threshold "
                                         f"{r['model_without_rules_threshold']})." if "model_without_rules" in r else ".")]
        if "engine_minus_model_without_rules" in r:
            d = r["engine_minus_model_without_rules"]
            lines.append(f"Engine minus model without rules, macro-F1: {d['difference']:+.3f} "
                         f"(95% paired bootstrap interval {d['low']:+.3f} to {d['high']:+.3f}).")
        lines.append("")
        lines += ["| label | precision | recall | F1 | support | baseline F1 (rules only) |", "|---|---|---|---|---|---|"]
        for label, m in r["engine"]["per_label"].items():
            b = r["rules_only"]["per_label"][label]["f1"]
            lines.append(f"| {label} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} | {b:.3f} |")
        labels = r["engine"]["labels"]
        lines += ["", "Confusion matrix (rows gold, columns predicted):", "",
                  "| gold \\ pred | " + " | ".join(labels) + " |", "|---" * (len(labels) + 1) + "|"]
        for label, row in zip(labels, r["engine"]["confusion"], strict=True):
            lines.append(f"| {label} | " + " | ".join(str(x) for x in row) + " |")
        lines.append("")
    if result.get("challenges"):
        lines += ["### challenges", "",
                  "Flagged when a rule cue names the challenge or its detector reaches its dev-tuned threshold.", "",
                  "| challenge | precision | recall | F1 | support | baseline F1 (rules only) |", "|---|---|---|---|---|---|"]
        for challenge, r in result["challenges"].items():
            m = r["engine"]
            lines.append(f"| {challenge} | {m['precision']:.3f} | {m['recall']:.3f} | {m['f1']:.3f} | {m['support']} "
                         f"| {r['rules_only']['f1']:.3f} |")
        lines.append("")
    pairs: dict[tuple[str, str, str], list[str]] = {}
    for ex in result["examples"]:
        pairs.setdefault((ex["axis"], ex["gold"], ex["pred"]), []).append(ex["text"])
    lines += [f"### The {worst} most frequent confusions", ""]
    for (axis, g, p), texts in sorted(pairs.items(), key=lambda kv: -len(kv[1]))[:worst]:
        lines.append(f"- **{axis}: gold {g} → predicted {p}** ({len(texts)}), e.g. “{texts[0][:200]}”")
    return "\n".join(lines) + "\n"


def format_held_out(result: dict[str, Any]) -> str:
    """Macro-F1 per held-out group, with mean and worst."""
    axes = list(result["summary"])
    lines = [f"## Leave-one-{result['by']}-out", "", f"| {result['by']} | n | " + " | ".join(axes) + " |",
             "|---" * (len(axes) + 2) + "|"]
    for g, r in result["groups"].items():
        lines.append(f"| {g} | {int(r['n'])} | " + " | ".join(figure(r[a]) for a in axes) + " |")
    lines.append("| **mean** | | " + " | ".join(f"{result['summary'][a]['mean']:.3f}" for a in axes) + " |")
    lines.append("| **worst** | | " + " | ".join(
        f"{result['summary'][a]['worst']:.3f} ({result['summary'][a]['worst_group']})" for a in axes) + " |")
    return "\n".join(lines) + "\n"


def format_comparison(pairs: list[dict[str, Any]]) -> str:
    """The comparison as a Markdown table, to read beside each file's evaluation."""
    lines = ["## Agreement between gold files", "",
             "Cohen's kappa on the rows both files label (macro-F1 with the first file as reference).", "",
             "| first file | second file | axis | rows | files agree | engine vs first | engine vs second |",
             "|---|---|---|---|---|---|---|"]
    for p in pairs:
        if not p["axes"]:
            lines.append(f"| {p['a']} | {p['b']} | – | {p['shared']} | – | – | – |")
        for axis, m in p["axes"].items():
            lines.append(f"| {p['a']} | {p['b']} | {axis} | {m['n']} | {m['kappa']:.3f} ({m['macro_f1']:.3f}) "
                         f"| {m['engine_kappa_a']:.3f} | {m['engine_kappa_b']:.3f} |")
    counted = [(p, axis, m["agreed"]) for p in pairs for axis, m in p["axes"].items() if "agreed" in m]
    if counted:
        lines += ["", "On the rows where both files give the same label:", "",
                  "| first file | second file | axis | agreed positions | engine gives a position | the same one "
                  "| agreed none | engine reads a position |", "|---|---|---|---|---|---|---|---|"]
        lines += [f"| {p['a']} | {p['b']} | {axis} | {c['positions']} | {c['engine_position']} | {c['engine_same']} "
                  f"| {c['none']} | {c['engine_reads_position']} |" for p, axis, c in counted]
    return "\n".join(lines) + "\n"
