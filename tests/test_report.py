"""Reports: faithful to the analysis, escaped, deterministic; sample trusts match expected.yml."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
import yaml

from spectrum.analysis.challenges import findings
from spectrum.analysis.evidence import Item
from spectrum.analysis.profiles import profiles
from spectrum.analysis.spread import improvement_spread
from spectrum.corpus.load import default_corpus_dir
from spectrum.engine import Engine, analyse
from spectrum.models import (
    AxisDecision,
    Classification,
    Document,
    Finding,
    PracticeProfile,
    RuleHit,
    Segment,
    TrustReport,
)
from spectrum.report import render

TRUSTS = sorted(p for p in (default_corpus_dir() / "trusts").iterdir() if (p / "expected.yml").is_file())
GOLDEN = Path(__file__).parent / "golden"
SEVERITY = ["low", "medium", "high"]


@pytest.fixture(scope="module")
def reports(engine: Engine) -> dict[str, TrustReport]:
    return {t.name: analyse(engine, [t]) for t in TRUSTS}


def test_report_six_sample_trusts_exist_with_expectations() -> None:
    assert len(TRUSTS) >= 6
    assert sum(yaml.safe_load((t / "expected.yml").read_text())["demo"] is True for t in TRUSTS) == 1


def test_report_healthy_trust_has_no_medium_or_high_finding(reports: dict[str, TrustReport]) -> None:
    healthy = reports["lindenfield"]
    assert [(f.challenge, f.severity) for f in healthy.findings if f.severity != "low"] == []


def _expected(trust: Path) -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((trust / "expected.yml").read_text())  # type: ignore[no-any-return]


def _match(entry: dict, got: list[Finding]) -> Finding | None:  # type: ignore[type-arg]
    """The reported finding an expected one corresponds to: same challenge and domain, else one with no domain, else any."""
    same = [f for f in got if f.challenge == entry["challenge"]]
    exact = [f for f in same if entry.get("domain") and f.domain == entry["domain"]]
    general = [f for f in same if f.domain is None]
    return max(exact or general or same, key=lambda f: SEVERITY.index(f.severity), default=None)


def test_report_findings_match_expected_on_sample_trusts(reports: dict[str, TrustReport]) -> None:
    """Recall: expected findings reported at any severity. Precision: medium/high findings that were expected.

    Both are printed, with severity agreement; every expected finding must be reported, no medium
    or high finding may name a challenge the trust's expected.yml does not expect, and none listed
    as absent may be more than 'possible'.
    """
    entries = hits = severity_right = found_total = found_right = 0
    missed, unexpected, absent = [], [], []
    for t in TRUSTS:
        exp = _expected(t)
        expected = exp.get("findings") or []
        got = reports[t.name].findings
        for entry in expected:
            f = _match(entry, got)
            entries += 1
            hits += f is not None
            severity_right += f is not None and f.severity == entry["severity"]
            if f is None:
                missed.append((t.name, entry["challenge"]))
        found = [f for f in got if f.severity != "low"]
        found_total += len(found)
        found_right += sum(f.challenge in {e["challenge"] for e in expected} for f in found)
        unexpected += [(t.name, f.challenge, f.domain) for f in found if f.challenge not in {e["challenge"] for e in expected}]
        absent += [(t.name, f.challenge) for f in found if f.challenge in (exp.get("absent_findings") or [])]
        print(f"{t.name}: expected {[(e['challenge'], e.get('domain'), e['severity']) for e in expected]}; "
              f"reported {[(f.challenge, f.domain, f.severity) for f in got]}")
    print(f"findings recall {hits}/{entries}, severity as expected {severity_right}/{entries}, "
          f"precision of medium/high findings {found_right}/{found_total}")
    assert unexpected == [] and absent == [], (unexpected, absent)
    assert missed == [], missed


def test_report_practice_positions_match_expected(reports: dict[str, TrustReport]) -> None:
    """Spectrum position per expected practice; the share right is printed and must stay at least 0.85.

    The issue's target is every position right. Retraining moves one or two of the 47 either way
    (46, 45, 46 and 47 in the last four models), so the test guards against a real regression, not
    against that noise; the count is reported with each version in docs/real_text.md.
    """
    total = 0
    wrong: list[tuple[str, str, str, str | None]] = []
    for t in TRUSTS:
        expected = _expected(t)["practices"]
        got = {p.domain: p.spectrum for p in reports[t.name].practices}
        total += len(expected)
        wrong += [(t.name, p["domain"], p["spectrum"], got.get(p["domain"]))
                  for p in expected if got.get(p["domain"]) != p["spectrum"]]
    right = total - len(wrong)
    print(f"practice positions right: {right}/{total}; wrong (trust, domain, expected, read): {wrong}")
    assert right / total >= 0.85, f"{right}/{total}"


def test_reports_mark_tentative_positions_and_only_those(reports: dict[str, TrustReport]) -> None:
    marked = [(name, p.domain) for name, r in reports.items() for p in r.practices if p.tentative]
    assert marked, "the sample trusts hold thin-evidence positions"
    for r in reports.values():
        md, html = render(r, "md"), render(r, "html")
        rows = {line.split(" | ")[0].strip("| "): line for line in md.splitlines() if line.startswith("| ")}
        for p in r.practices:
            assert ("(tentative)" in rows[p.domain.replace("_", " ")]) == p.tentative
            assert (f'class="row tentative" data-domain="{p.domain}"' in html) == p.tentative


def test_report_html_escapes_document_text(engine: Engine, tmp_path: Path) -> None:
    (tmp_path / "policy.md").write_text(
        "# Behaviour policy\n\nAll academies will use the trust behaviour policy <script>alert('x')</script>.\n\n"
        "Each school decides its own uniform <img src=x onerror=alert(1)>.\n", encoding="utf-8")
    html = render(analyse(engine, [tmp_path], trust="Test <Trust>"), "html")
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html
    assert "<img src=x" not in html
    assert "Test &lt;Trust&gt;" in html


def test_report_json_round_trips_through_the_model(reports: dict[str, TrustReport]) -> None:
    text = render(reports["northfield"], "json")
    again = TrustReport.model_validate(json.loads(text))
    assert again == reports["northfield"]
    for key in ("trust", "engine", "documents", "practices", "findings"):
        assert key in json.loads(text)


def test_report_speakers_are_pseudonymised_by_default(engine: Engine, reports: dict[str, TrustReport]) -> None:
    text = render(reports["northfield"], "md")
    for doc in reports["northfield"].documents:
        for name in doc.speakers:
            assert name.split()[0] in {"CEO", "Executive", "Headteacher", "Teacher", "Trustee", "Central", "Interviewer", "Speaker"}
    assert "Headteacher A" in text


def test_report_markdown_golden(reports: dict[str, TrustReport]) -> None:
    """Set SPECTRUM_UPDATE_GOLDEN=1 to rewrite after an intended change, then review the diff."""
    text = render(reports["riverbend"], "md")
    path = GOLDEN / "riverbend.md"
    if os.environ.get("SPECTRUM_UPDATE_GOLDEN") == "1":
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_report_is_deterministic(engine: Engine) -> None:
    trust = TRUSTS[0]
    assert render(analyse(engine, [trust]), "md") == render(analyse(engine, [trust]), "md")


# --- how findings are decided, on small hand-made evidence -------------------------------------

def _item(text: str, *, doc: str, kind: str = "interview", spectrum: str = "none", confidence: float = 0.9,
          domain: str = "assessment", speaker: str | None = None, role: str | None = None,
          approach: str = "none", context: tuple[str, ...] = ("current",), challenges: tuple[str, ...] = (),
          detected: tuple[str, ...] = ()) -> Item:
    """A classified passage; ``challenges`` are named by rule cues, ``detected`` only by a detector."""
    seg = Segment(id=f"{doc}:{text}", document_id=doc, index=0, text=text, start=0, end=len(text),
                  speaker=speaker, role=role, kind=kind)  # type: ignore[arg-type]

    def axis(label: str, p: float) -> AxisDecision:
        return AxisDecision(label=label, scores={label: p}, confidence=p)

    cues = [RuleHit(rule_id=f"challenge.{ch}", family="test", axis="challenge", label=ch, weight=1.0, text=text,
                    start=0, end=len(text)) for ch in challenges]
    c = Classification(segment=seg, spectrum=axis(spectrum, confidence), approach=axis(approach, confidence),
                       domain=axis(domain, 0.9), context=list(context), challenges=sorted({*challenges, *detected}),  # type: ignore[arg-type]
                       evidence=cues)
    return Item(c, Document(id=doc, source=f"{doc}.txt", title=doc, kind=kind, text=text, format="txt"))  # type: ignore[arg-type]


def _findings(items: list[Item]) -> list[Finding]:
    return findings(items, profiles(items, {}), {})


def _policy(label: str, n: int = 3, confidence: float = 0.9) -> list[Item]:
    return [_item(f"policy line {k}", doc=f"policy{k % 2}", kind="policy", spectrum=label, confidence=confidence)
            for k in range(n)]


def _voices(label: str, n: int = 3, confidence: float = 0.9, domain: str = "assessment") -> list[Item]:
    return [_item(f"head {k} says", doc="heads", speaker=f"Head {k}", role="headteacher", spectrum=label,
                  confidence=confidence, domain=domain) for k in range(n)]


def _gaps(items: list[Item]) -> list[Finding]:
    return [f for f in _findings(items) if f.challenge == "intent_practice_gap" and f.domain]


def test_a_position_on_less_than_one_fairly_sure_passage_is_tentative() -> None:
    """Weight is each passage's position confidence times its domain confidence (0.9 here)."""
    from spectrum.analysis.profiles import TENTATIVE

    def profile(items: list[Item]) -> PracticeProfile:
        [p] = profiles(items, {})
        return p

    one_unsure = profile(_policy("standardised", n=1, confidence=0.4))
    assert one_unsure.spectrum == "standardised" and one_unsure.tentative
    assert one_unsure.intent is not None and one_unsure.intent.weight == pytest.approx(0.4 * 0.9)
    one_sure = profile(_policy("standardised", n=1, confidence=0.9))
    assert not one_sure.tentative and TENTATIVE <= 0.9 * 0.9
    three_unsure = profile(_policy("aligned", n=3, confidence=0.3))
    assert three_unsure.spectrum == "aligned" and not three_unsure.tentative  # 3 x 0.27 >= 0.5


def test_challenges_gap_needs_confident_evidence_on_both_sides() -> None:
    """Three passages the engine was unsure about are not a position to compare with policy."""
    assert _gaps(_policy("standardised") + _voices("autonomous", confidence=0.4)) == []
    assert [f.domain for f in _gaps(_policy("standardised") + _voices("autonomous", confidence=0.9))] == ["assessment"]


def test_challenges_gap_needs_practice_from_more_than_one_source() -> None:
    """One person's account is an anecdote; one policy can be the whole of a trust's intent."""
    one_speaker = [_item(f"line {k}", doc="heads", speaker="Head 0", role="headteacher", spectrum="autonomous")
                   for k in range(4)]
    one_policy = [_item(f"policy line {k}", doc="policy", kind="policy", spectrum="standardised") for k in range(3)]
    assert _gaps(_policy("standardised", n=4) + one_speaker) == []
    assert [f.domain for f in _gaps(one_policy + _voices("autonomous"))] == ["assessment"]


def test_challenges_gap_severity_follows_how_far_apart_the_labels_are() -> None:
    two_steps = _gaps(_policy("standardised", n=4) + _voices("autonomous", n=4))
    one_step = _gaps(_policy("standardised", n=4) + _voices("aligned", n=4))
    assert [f.severity for f in two_steps] == ["high"]
    assert [f.severity for f in one_step] == ["medium"]
    labels = {q.label for q in two_steps[0].evidence}
    assert labels == {"intent: standardised", "practice: autonomous"}


def test_challenges_split_practice_apart_from_policy_is_a_possible_gap_unless_passages_say_so() -> None:
    """Practice partly standardised, partly aligned, partly autonomous has no one place to set against
    the policy, but it averages out far from it: the position is read from practice, and the gap is
    only possible (low) unless passages state it directly."""
    split = _voices("standardised", n=2) + _voices("aligned", n=1) + \
        [_item(f"teacher {k} says", doc="staff", speaker=f"Teacher {k}", role="teacher", spectrum="autonomous")
         for k in range(2)]
    items = _policy("standardised", n=4) + split
    [profile] = profiles(items, {})
    assert (profile.read_from, profile.spectrum) == ("practice_apart", "aligned")
    assert [(f.severity, f.status) for f in _gaps(items)] == [("low", "possible")]
    said = _item("the policy says one thing and we do another", doc="staff", speaker="Teacher 9", role="teacher",
                 challenges=("intent_practice_gap",))
    assert [(f.severity, f.status) for f in _gaps([*items, said])] == [("medium", "found")]
    assert [(f.domain, f.severity) for f in _gaps(_policy("standardised", n=4) + _voices("autonomous", n=3) + split[:1])] \
        == [("assessment", "high")]


def test_challenges_no_gap_when_practice_averages_near_the_policy() -> None:
    """A practice side labelled aligned whose passages average a third of the way from the policy is no gap."""
    near = _voices("standardised", n=1) + [_item(f"teacher {k} says", doc="staff", speaker=f"Teacher {k}",
                                                 role="teacher", spectrum="aligned") for k in range(2)]
    items = _policy("standardised", n=4) + near
    assert _gaps(items) == []
    [profile] = profiles(items, {})
    assert profile.practice is not None and profile.practice.spectrum == "aligned"
    assert profile.read_from == "all"


def test_challenges_no_gap_for_the_catch_all_domain() -> None:
    other = [_item(f"line {k}", doc=f"policy{k % 2}", kind="policy", spectrum="standardised", domain="other")
             for k in range(4)] + _voices("autonomous", n=4, domain="other")
    assert _gaps(other) == []


def test_challenges_no_gap_when_intent_and_practice_agree() -> None:
    assert _gaps(_policy("standardised", n=4) + _voices("standardised", n=4)) == []


def _accounts(*labels: str, role: str = "headteacher") -> list[Item]:
    return [_item(f"improvement as {label} {k}", doc="interviews", speaker=f"Speaker {k}", role=role,
                  domain="school_improvement", approach=label) for k, label in enumerate(labels)]


def test_spread_is_the_share_of_speakers_differing_from_the_commonest_account() -> None:
    same = improvement_spread(_accounts("organic", "organic", "organic"))[1]
    half = improvement_spread(_accounts("roll-out", "co-design", "organic", "organic"))[1]
    apart = improvement_spread(_accounts("roll-out", "co-design", "organic"))[1]
    assert (same.disagreement, same.diverges) == (0.0, False)
    assert (half.common, half.disagreement, half.diverges) == ("organic", 0.5, False)
    assert (round(apart.disagreement, 2), apart.diverges) == (0.67, True)


def test_spread_is_not_measured_with_fewer_than_three_speakers() -> None:
    s = improvement_spread(_accounts("roll-out", "organic"))[1]
    assert s.disagreement == 0.5 and not s.measured and not s.diverges


def test_spread_ignores_interviewers_past_accounts_and_other_domains() -> None:
    ignored = [
        _item("the interviewer suggests roll-out", doc="interviews", speaker="Reviewer", role="interviewer",
              domain="school_improvement", approach="roll-out"),
        _item("we used to roll it out", doc="interviews", speaker="Speaker 9", role="teacher",
              domain="school_improvement", approach="roll-out", context=("past",)),
        _item("curriculum was co-designed", doc="interviews", speaker="Speaker 8", role="teacher",
              domain="curriculum", approach="co-design"),
    ]
    s = improvement_spread(_accounts("organic", "organic", "organic") + ignored)[1]
    assert [a.speaker for a in s.accounts] == ["Speaker 0", "Speaker 1", "Speaker 2"]


def _approach(items: list[Item]) -> list[Finding]:
    return [f for f in _findings(items) if f.challenge == "unarticulated_improvement_approach"]


def _cannot_say(n: int) -> list[Item]:
    return [_item(f"I couldn't tell you {k}", doc=f"staff{k}", speaker=f"Teacher {k}", role="teacher",
                  domain="school_improvement", challenges=("unarticulated_improvement_approach",)) for k in range(n)]


def test_challenges_diverging_accounts_alone_are_only_possible() -> None:
    [f] = _approach(_accounts("roll-out", "co-design", "organic"))
    assert (f.status, f.severity, f.domain) == ("possible", "low", "school_improvement")
    assert "2 of 3 differ" in f.rationale


def test_challenges_diverging_accounts_raise_a_finding_the_cues_support() -> None:
    [agreeing] = _approach(_cannot_say(3) + _accounts("organic", "organic", "organic"))
    [diverging] = _approach(_cannot_say(3) + _accounts("roll-out", "co-design", "organic", "roll-out", "co-design", "organic"))
    assert (agreeing.status, agreeing.severity) == ("found", "medium")
    assert (diverging.status, diverging.severity) == ("found", "high")
    assert _approach(_accounts("organic", "organic", "organic")) == []


def test_challenges_a_divergence_one_speaker_makes_does_not_raise_severity() -> None:
    """Three speakers giving three accounts diverge, but any one of them decides it: reported, not raised."""
    [f] = _approach(_cannot_say(3) + _accounts("roll-out", "co-design", "organic"))
    assert (f.status, f.severity) == ("found", "medium")
    assert "2 of 3 differ" in f.rationale


def test_spread_is_robust_only_when_no_single_account_decides_it() -> None:
    three = improvement_spread(_accounts("roll-out", "co-design", "organic"))[1]
    six = improvement_spread(_accounts("roll-out", "co-design", "organic", "roll-out", "co-design", "organic"))[1]
    assert three.diverges and not three.robust
    assert six.diverges and six.robust


def test_spread_ignores_planned_hypothetical_and_other_trusts_accounts() -> None:
    """Only how improvement is run now is an account of it."""
    elsewhere = [_item(f"improvement elsewhere {k}", doc="interviews", speaker=f"Speaker {k + 3}", role="teacher",
                       domain="school_improvement", approach="roll-out", context=(ctx,))
                 for k, ctx in enumerate(("planned", "hypothetical", "other_trust"))]
    s = improvement_spread(_accounts("organic", "organic", "organic") + elsewhere)[1]
    assert [a.label for a in s.accounts] == ["organic"] * 3


def _ceo_dependence(n: int) -> list[Item]:
    return [_item(f"it all goes through the CEO {k}", doc=f"int{k}", speaker=f"Head {k}", role="headteacher",
                  challenges=("ceo_single_point_of_failure",)) for k in range(n)]


def _no_plan(n: int) -> list[Item]:
    return [_item(f"there is no succession plan {k}", doc=f"gov{k}", speaker=f"Trustee {k}", role="trustee",
                  challenges=("weak_systems_succession",)) for k in range(n)]


def _succession(items: list[Item]) -> list[Finding]:
    return [f for f in _findings(items) if f.challenge == "weak_systems_succession"]


def test_challenges_findings_count_rule_cues_not_passages_only_a_detector_flagged() -> None:
    flagged_only = [_item(f"the CEO signs it all {k}", doc=f"int{k}", speaker=f"Head {k}", role="headteacher",
                          detected=("ceo_single_point_of_failure",)) for k in range(6)]
    assert [f.challenge for f in _findings(flagged_only)] == []
    [f] = [f for f in _findings(flagged_only + _ceo_dependence(3)) if f.challenge == "ceo_single_point_of_failure"]
    assert (f.status, f.severity) == ("found", "medium")  # the three cue passages, not nine


def test_challenges_ceo_dependence_counts_towards_succession_only_with_succession_cues() -> None:
    [alone] = _succession(_no_plan(2))
    [with_ceo] = _succession(_no_plan(2) + _ceo_dependence(4))
    assert (alone.status, alone.severity) == ("possible", "low")
    assert (with_ceo.status, with_ceo.severity) == ("found", "high")
    assert _succession(_ceo_dependence(4)) == []


def test_challenges_thin_ceo_dependence_does_not_count_towards_succession() -> None:
    [f] = _succession(_no_plan(2) + _ceo_dependence(1))
    assert (f.status, f.severity) == ("possible", "low")


# --- who a key person is: dependence on the CEO by name ------------------------------------------

HEADS_ON_ONE_PERSON = (
    "Ann Lowe (Peer reviewer): Who decides things?\n\n"
    "Tom Reid (Headteacher): Everything goes through Maggie. Only Maggie can sign off a restructure.\n\n"
    "Asha Patel (Headteacher): If Maggie left, I'm not sure what we'd do. Anything over the limit goes to Maggie.\n\n"
    "Lee Hart (Headteacher): Our tracking is all in Priya's head. Priya is the only person who knows how it works.\n"
)


def _trust(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def _by_challenge(report: TrustReport) -> dict[str, Finding]:
    return {f.challenge: f for f in report.findings if f.domain is None}


def test_challenges_dependence_on_the_ceo_by_first_name_is_ceo_dependence(engine: Engine, tmp_path: Path) -> None:
    """Heads say "Maggie", the transcript says Margaret is the CEO: the passages are CEO dependence."""
    trust = _trust(tmp_path, {
        "interview-ceo.txt": "Ann Lowe (Peer reviewer): How are decisions made?\n\n"
                             "Margaret Ellison (CEO): I like to know every school well.\n\n"
                             "Ann Lowe (Peer reviewer): And the board?\n\n"
                             "Margaret Ellison (CEO): The board meets termly.\n",
        "interview-headteachers.txt": HEADS_ON_ONE_PERSON,
    })
    found = _by_challenge(analyse(engine, [trust]))
    ceo = found["ceo_single_point_of_failure"]
    assert (ceo.status, ceo.severity) == ("found", "medium")
    assert all("Maggie" in q.text for q in ceo.evidence)
    assert "Priya" in " ".join(q.text for q in found["weak_systems_succession"].evidence)


def test_challenges_dependence_on_someone_else_by_name_stays_a_succession_risk(engine: Engine, tmp_path: Path) -> None:
    """The same words about a business manager are a key-person risk, not CEO dependence."""
    trust = _trust(tmp_path, {
        "board-minutes.md": "# Board minutes\n\nPresent: Dr Karen Webb (CEO), Maggie Ellison (Business Manager).\n\n"
                            "The board approved the budget.\n",
        "interview-headteachers.txt": HEADS_ON_ONE_PERSON,
    })
    found = _by_challenge(analyse(engine, [trust]))
    assert "ceo_single_point_of_failure" not in found
    texts = " ".join(q.text for q in found["weak_systems_succession"].evidence)
    assert "Maggie" in texts and "Priya" in texts


def test_people_ceo_names_come_from_speaker_roles_titles_and_short_forms() -> None:
    from spectrum.analysis.people import titled_ceos

    assert titled_ceos(["Present: Jacqueline Penrose (CEO), Tom Hill (Deputy CEO)."]) == {"Jacqueline Penrose"}
    assert titled_ceos(["A letter from our CEO, Dr Sam Okafor."]) == {"Dr Sam Okafor"}
    assert titled_ceos(["Priya Shah, Chief Executive Officer, opened the meeting."]) == {"Priya Shah"}
    assert titled_ceos(["The Deputy CEO, Tom Hill, chaired."]) == set()
    items = [_item("hello", doc="i", speaker="Jacqueline Penrose", role="ceo"),
             _item("hi", doc="i", speaker="Jack Fenwick", role="headteacher")]
    from spectrum.analysis.people import ceo_names

    names = ceo_names(items)
    assert {"jacqueline", "jackie", "penrose"} <= names
    assert "jack" not in names  # another speaker is called Jack: the short form no longer says who


def test_report_position_pools_intent_and_practice(reports: dict[str, TrustReport]) -> None:
    """The Position column is one position over both sides' evidence, and says which sides there are.

    Where the sides differ materially (the gap finding's test), or practice accounts average out far
    from the documents, the practice side is the position.
    """
    pooled = 0
    gaps = {(name, f.domain) for name, r in reports.items() for f in r.findings
            if f.challenge == "intent_practice_gap" and f.domain}
    for name, report in reports.items():
        for p in report.practices:
            assert (p.read_from in ("practice_gap", "practice_apart")) == ((name, p.domain) in gaps)
            side = {"practice": p.practice, "practice_gap": p.practice, "practice_apart": p.practice,
                    "intent": p.intent}.get(p.read_from)
            if side is not None:  # one side decides: the position is that side's
                assert (p.spectrum, p.score, p.uncertainty) == (side.spectrum, side.score, side.uncertainty)
            elif p.intent is not None and p.practice is not None and p.score is not None:
                pooled += 1
                low, high = sorted((p.intent.score, p.practice.score))
                assert low - 1e-3 <= p.score <= high + 1e-3  # a weighted mean of the two sides
    assert pooled > 0 and gaps
    text = render(reports["riverbend"], "md")
    p = reports["riverbend"].practices[0]
    assert f"| {p.domain} | **{p.spectrum}** · {p.score:.2f} ± {p.uncertainty:.2f} | documents and practice |" in text
    assert "0 (standardised) through 0.5 (aligned) to 1\n(autonomous)" in text


def test_challenges_quote_the_plainest_statement_first() -> None:
    """Evidence opens with the passage whose cues weigh most, not the one that came first."""
    def cued(text: str, doc: str, weight: float) -> Item:
        item = _item(text, doc=doc, speaker=f"Head {doc}", role="headteacher",
                     challenges=("reinventing_the_wheel",))
        hit = RuleHit(rule_id="challenge.reinvent.test", family="reinvent", axis="challenge",
                      label="reinventing_the_wheel", weight=weight, text=text[:5], start=0, end=5)
        return Item(item.c.model_copy(update={"evidence": [hit]}), item.doc)

    group = [cued("we each wrote one", "a", 0.6), cued("all eight schools wrote their own", "b", 1.5),
             cued("again from scratch", "c", 1.0)]
    [f] = [f for f in _findings(group) if f.challenge == "reinventing_the_wheel"]
    assert [q.text for q in f.evidence] == ["all eight schools wrote their own", "again from scratch",
                                            "we each wrote one"]


def test_profiles_split_evidence_reads_as_the_middle_it_averages_to() -> None:
    """A label needs a majority of the evidence weight; a largest minority is not a position."""
    def policy_lines(label: str, n: int, start: int) -> list[Item]:
        return [_item(f"policy line {k}", doc=f"policy{k}", kind="policy", spectrum=label)
                for k in range(start, start + n)]

    split = policy_lines("standardised", 4, 0) + policy_lines("autonomous", 3, 4) + policy_lines("aligned", 1, 7)
    [p] = profiles(split, {})
    assert p.spectrum == "aligned" and p.score is not None and 0.25 <= p.score < 0.75
    majority = policy_lines("standardised", 5, 0) + policy_lines("autonomous", 3, 5)
    [q] = profiles(majority, {})
    assert q.spectrum == "standardised"  # five of eight carry the label, though the mean is 0.375
