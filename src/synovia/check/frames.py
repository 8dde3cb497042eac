"""What a claim asserts (its frame), and the judgement of that frame against the frames of
the findings held: the same treatment, joint and outcome, then direction and strength.

A claim is *supported* only when a finding agrees in direction and the claim is not
stronger than the evidence; *contradicted* when the better evidence goes the other way;
*overstated* when it claims more certainty than the evidence has (a hedge lowers the claimed
strength, it never exempts the claim); *unsupported* when nothing held speaks to it. Every
verdict names the findings it rests on and says why in one plain sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from synovia.evidence import EvidenceBase, Finding

DESIGN_WEIGHT = {"systematic-review": 4, "rct": 3, "guideline": 2, "cohort": 2,
                 "case-series": 1, "narrative-review": 1, "other": 1, "regulatory": 1,
                 "preclinical": 0}
LEVELS = ["very-low", "low", "moderate", "high"]
SHOWN = ("verified", "secondary")


@dataclass(frozen=True)
class ClaimCues:
    """data/lexicon/claims.yaml, compiled."""

    outcomes: tuple[tuple[str, tuple[str, ...], tuple[re.Pattern[str], ...]], ...]
    directions: tuple[tuple[str, tuple[re.Pattern[str], ...]], ...]
    absolute: tuple[re.Pattern[str], ...]
    hedged: tuple[re.Pattern[str], ...]
    negation: re.Pattern[str]
    comparators: dict[str, re.Pattern[str]]
    animal: re.Pattern[str]
    people: re.Pattern[str]
    figure: re.Pattern[str]
    own_results: re.Pattern[str]
    not_a_claim: tuple[re.Pattern[str], ...]


def _rx(p: str) -> re.Pattern[str]:
    return re.compile(p, re.I)


@lru_cache(maxsize=4)
def load_claim_cues(path: Path) -> ClaimCues:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        outcomes = tuple((str(o["id"]), tuple(o.get("findings") or ()),
                          tuple(_rx(p) for p in o["patterns"])) for o in data["outcomes"])
        directions = tuple((d, tuple(_rx(p) for p in pats))
                           for d, pats in data["direction"].items())
        return ClaimCues(
            outcomes=outcomes, directions=directions,
            absolute=tuple(_rx(p) for p in data["strength"]["absolute"]),
            hedged=tuple(_rx(p) for p in data["strength"]["hedged"]),
            negation=_rx(data["negation"]),
            comparators={k: _rx(v) for k, v in (data.get("comparators") or {}).items()},
            animal=_rx(data["animal"]), people=_rx(data["people"]),
            figure=_rx(data["figure"]), own_results=_rx(data["own_results"]),
            not_a_claim=tuple(_rx(p) for p in data.get("not_a_claim") or ()))
    except (KeyError, TypeError, re.error) as exc:
        raise ValueError(f"{path}: malformed claim cues: {exc}") from None


@dataclass
class ClaimFrame:
    treatments: set[str]
    joints: set[str]
    outcome: str | None
    finding_outcomes: tuple[str, ...]
    direction: str | None  # benefit | no-difference | harm
    strength: str  # absolute | plain | hedged
    absolute_words: list[str] = field(default_factory=list)
    comparator: str | None = None  # a treatment id, "placebo" or "surgery"
    animals: bool = False
    figures: list[str] = field(default_factory=list)
    own_results: bool = False

    def as_dict(self) -> dict:
        return {"treatments": sorted(self.treatments), "joints": sorted(self.joints),
                "outcome": self.outcome, "direction": self.direction, "strength": self.strength,
                "comparator": self.comparator, "animals": self.animals,
                "figures": self.figures}


def frame_of(text: str, treatments: set[str], joints: set[str], cues: ClaimCues,
             comparator_terms: set[str]) -> ClaimFrame:
    """Read what a sentence asserts."""
    outcome, finding_outcomes = None, ()
    for oid, findings, pats in cues.outcomes:
        if any(p.search(text) for p in pats):
            outcome, finding_outcomes = oid, findings
            break
    direction = None
    for d, pats in cues.directions:
        if any(p.search(text) for p in pats):
            direction = d
            break
    if direction == "benefit" and _negated_benefit(text, cues):
        direction = "no-difference"
    absolute = [m.group(0) for p in cues.absolute for m in [p.search(text)]
                if m and not _negated_at(text, m.start(), cues)]
    hedged = any(p.search(text) for p in cues.hedged)
    strength = "absolute" if absolute else "hedged" if hedged else "plain"
    comparator = next(iter(sorted(comparator_terms)), None)
    if comparator is None:
        comparator = next((k for k, rx in cues.comparators.items() if rx.search(text)), None)
    return ClaimFrame(
        treatments=set(treatments), joints=set(joints), outcome=outcome,
        finding_outcomes=finding_outcomes, direction=direction, strength=strength,
        absolute_words=absolute, comparator=comparator,
        animals=bool(cues.animal.search(text)),
        figures=[m.group(0) for m in cues.figure.finditer(text)],
        own_results=bool(cues.own_results.search(text)))


def _negated_at(text: str, at: int, cues: ClaimCues, window: int = 40) -> bool:
    before = re.split(r"[;,:\u2014()]|\bbut\b", text[max(0, at - window):at])[-1]
    return bool(cues.negation.search(before))


def _negated_benefit(text: str, cues: ClaimCues) -> bool:
    """'does not improve', 'no better than', 'not effective': the benefit word is negated."""
    for _, pats in cues.directions:
        for p in pats:
            for m in p.finditer(text):
                if _negated_at(text, m.start(), cues, 30):
                    return True
    return False


@dataclass
class Verdict:
    verdict: str | None  # None: not judged (nothing to judge)
    reason: str
    evidence: list[str] = field(default_factory=list)  # source ids
    findings: list[str] = field(default_factory=list)  # finding ids


def _weight(f: Finding, base: EvidenceBase) -> int:
    src = base.sources.get(f.source)
    if src is None:
        return 0
    w = DESIGN_WEIGHT.get(src.kind, 1)
    if src.population.species != "human":
        w = 0
    return w


def judge_frame(frame: ClaimFrame, base: EvidenceBase, grade_certainty: dict[str, str],
                label) -> Verdict:
    """Judge a claim frame against the findings on its treatments (`label` names a treatment
    for the reason sentence; `grade_certainty` maps a treatment to its graded certainty)."""
    if not frame.treatments:
        return Verdict(None, "")
    what = " and ".join(label(t) for t in sorted(frame.treatments))
    held = [f for t in frame.treatments for f in base.findings_about(t)
            if f.verification in SHOWN]
    if not held:
        return Verdict("unsupported", f"nothing in the evidence base speaks to {what}")
    if frame.own_results or (frame.figures and not _figure_held(frame, held)):
        figure = frame.figures[0] if frame.figures else "its own results"
        if frame.strength == "absolute":
            words = ", ".join(f"'{w}'" for w in frame.absolute_words[:2])
            return Verdict("overstated", f"says {words} on the strength of {figure}: no study "
                                         f"we hold supports that certainty for {what}")
        return Verdict("unsupported", f"gives {figure} for {what}, a figure no study we hold "
                                      f"reports (self-reported or unreferenced results)")
    if frame.outcome in (None, "regulatory", "guideline", "cost") or frame.direction is None:
        return Verdict(None, "")
    outcomes = set(frame.finding_outcomes)
    about = [f for f in held if f.outcome in outcomes and f.treatments[:1] != [] and
             (f.treatments[0] in frame.treatments or frame.comparator in f.treatments)]
    if frame.joints:
        same_joint = [f for f in about if not f.joints or set(f.joints) & frame.joints]
        about = same_joint or about
    if frame.comparator and frame.comparator not in ("placebo", "surgery"):
        head = [f for f in about if frame.comparator in f.treatments]
        about = head or about
    human = [f for f in about if _weight(f, base) > 0]
    animal = [f for f in about if _weight(f, base) == 0]
    if not human:
        if animal and not frame.animals:
            return Verdict("overstated", f"states it for people, but the evidence on {what} "
                                         f"for this comes from animal or laboratory studies only",
                           _sources(animal), [f.id for f in animal][:4])
        if frame.strength == "absolute" or frame.outcome in ("structure", "progression"):
            return Verdict("unsupported", f"no study we hold shows {what} doing this in people",
                           [], [])
        return Verdict(None, "")
    best_w = max(_weight(f, base) for f in human)
    best = [f for f in human if _weight(f, base) == best_w]
    votes = {d: sum(1 for f in best if f.direction == d)
             for d in ("benefit", "no-difference", "harm")}
    evidence_dir = max(votes, key=lambda d: (votes[d], d == "no-difference"))
    if not votes[evidence_dir]:
        return Verdict(None, "")
    certainty = min((grade_certainty.get(t, "low") for t in frame.treatments),
                    key=LEVELS.index)
    ids = [f.id for f in best][:4]
    srcs = _sources(best)
    claim_dir = frame.direction
    if claim_dir == "benefit" and evidence_dir in ("no-difference", "harm"):
        if frame.strength == "hedged" and best_w < 3:
            return Verdict("overstated", f"suggests a benefit of {what}, but the best studies "
                                         f"we hold found none", srcs, ids)
        return Verdict("contradicted", f"claims a benefit of {what}, but the best studies we "
                                       f"hold found {_said(evidence_dir)}", srcs, ids)
    if claim_dir in ("no-difference", "harm") and evidence_dir == "benefit" and \
            frame.strength != "hedged" and best_w >= 3 and frame.outcome != "safety":
        return Verdict("contradicted", f"says {what} {_said(claim_dir)}, but the best studies "
                                       f"we hold found a benefit", srcs, ids)
    if frame.strength == "absolute":
        words = ", ".join(f"'{w}'" for w in frame.absolute_words[:2])
        return Verdict("overstated", f"says {words}: no study we hold supports that certainty "
                                     f"for {what} (evidence is {certainty} certainty)", srcs, ids)
    if frame.strength == "plain" and claim_dir == "benefit" and certainty in ("low", "very-low"):
        return Verdict("overstated", f"states a benefit of {what} as fact, but the evidence is "
                                     f"{certainty} certainty", srcs, ids)
    if claim_dir == evidence_dir or (claim_dir == "harm" and evidence_dir == "harm"):
        return Verdict("supported", f"agrees with the findings held on {what} "
                                    f"({_said(evidence_dir)}, {certainty} certainty)", srcs, ids)
    return Verdict(None, "")


def _figure_held(frame: ClaimFrame, held: list[Finding]) -> bool:
    """A figure the sentence gives appears in a finding we hold (so it is not invented)."""
    for fig in frame.figures:
        num = re.search(r"\d+(?:\.\d)?", fig)
        if not num:
            continue
        n = num.group(0)
        if any(re.search(rf"(?<![\d.]){re.escape(n)}(?![\d])", f.clinician + " " + f.plain)
               for f in held):
            return True
    return False


def _said(direction: str) -> str:
    return {"benefit": "a benefit", "no-difference": "no clear benefit",
            "harm": "harm"}.get(direction, direction)


def _sources(findings: list[Finding]) -> list[str]:
    return list(dict.fromkeys(f.source for f in findings))[:4]
