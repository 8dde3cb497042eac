"""GRADE-style grading of the body of evidence for one (treatment, joint) pair.

Start from the best human study design among placebo- or sham-controlled comparisons (a
review's own GRADE rating wins when it gives one; otherwise randomised trials start high,
reviews without a rating moderate, cohorts and case series low), then rate down for too few
people, a single study, inconsistency, indirectness (another joint; only head-to-head trials)
and unverified records. A body whose studies give no clear answer is never above low.
The checker and the answers both call `grade_option()`: one truth."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synovia.evidence import (
    EvidenceBase,
    Finding,
    Recommendation,
    RegulatoryStatus,
    Source,
)
from synovia.evidence.comparators import is_active, is_placebo, is_uncontrolled
from synovia.grade.visibility import visible

LEVELS = ["very-low", "low", "moderate", "high"]
DESIGN_RANK = {"systematic-review": 4, "rct": 3, "cohort": 2, "case-series": 1}
EFFICACY = {"pain", "function", "structure"}
SMALL_N = 100
ENOUGH_N = 400  # GRADE's optimal-information-size rule of thumb
WEAK_TAGS = {"memory", "unverified"}


@dataclass
class Stance:
    """One guideline's position, in its own words."""

    recommendation: Recommendation
    source: Source

    @property
    def body(self) -> str:
        return self.source.organisation or self.source.author or self.source.title

    @property
    def short_body(self) -> str:
        """'NICE' for 'National Institute for Health and Care Excellence (NICE)'."""
        m = re.search(r"\(([A-Z][A-Za-z/&-]{1,12})\)\s*$", self.body)
        return m.group(1) if m else self.body

    @property
    def position(self) -> str:
        """Direction and strength together ("against (strong)"): a strength label alone
        ("Moderate") reads as a recommendation for."""
        r = self.recommendation
        return f"{r.direction} ({r.strength_wording})" if r.strength_wording else r.direction

    def as_dict(self) -> dict:
        r = self.recommendation
        return {
            "guideline": self.source.id, "body": self.body, "year": self.source.year,
            "joint": r.joint, "direction": r.direction, "strength": r.strength,
            "wording": r.strength_wording, "verification": r.verification,
            "recommendation": r.id,
        }


@dataclass
class Grade:
    treatment: str
    joint: str | None
    certainty: str = "very-low"
    best_human_evidence: str = "none"
    best_source: Source | None = None
    reasons: list[str] = field(default_factory=list)
    direct: list[Finding] = field(default_factory=list)
    indirect: list[Finding] = field(default_factory=list)
    preclinical: list[Finding] = field(default_factory=list)
    safety: list[Finding] = field(default_factory=list)
    other: list[Finding] = field(default_factory=list)
    stances: list[Stance] = field(default_factory=list)
    regulatory: list[RegulatoryStatus] = field(default_factory=list)
    direction: str = "uncertain"  # benefit | no-difference | mixed | comparable | uncertain
    # for "comparable": (direction, active comparator) pairs from head-to-head studies
    comparisons: list[tuple[str, str]] = field(default_factory=list)
    conflict: bool = False  # trials lean to benefit while guidelines advise against (or v.v.)

    @property
    def efficacy(self) -> list[Finding]:
        return self.direct or self.indirect

    @property
    def against(self) -> list[Stance]:
        return [s for s in self.stances if s.recommendation.direction == "against"]

    @property
    def for_(self) -> list[Stance]:
        return [s for s in self.stances if s.recommendation.direction == "for"]

    def evidence_ids(self) -> list[str]:
        ids = [f.source for f in self.efficacy + self.preclinical]
        ids += [s.source.id for s in self.stances] + [r.source for r in self.regulatory]
        return list(dict.fromkeys(ids))


def _active_comparator(f: Finding) -> bool:
    """Compared with another active treatment (not placebo, sham, usual care or baseline)."""
    return is_active(f.comparator)


def _controlled(f: Finding) -> bool:
    """Compared with placebo, sham, usual care or no treatment (or a review's pooled result):
    not a head-to-head trial and not a before-and-after series."""
    return not _active_comparator(f) and not is_uncontrolled(f.comparator)


def _joint_match(joints: list[str], joint: str | None) -> bool:
    return joint is None or not joints or joint in joints


def _design(src: Source | None) -> int:
    return DESIGN_RANK.get(src.kind, 0) if src else 0


def grade_option(base: EvidenceBase, treatment: str, joint: str | None,
                 verified_only: bool = False, audience: str | None = None) -> Grade:
    """Grade the evidence on `treatment` for `joint` (None: any joint).

    With an `audience`, the grade rests only on records that audience may see (the
    visibility rule), so a patient's verdict never leans on a record the patient cannot see."""
    if verified_only and audience is None:
        audience = "patient"
    g = Grade(treatment=treatment, joint=joint)
    for f in base.findings_about(treatment):
        if not visible(f, audience):
            continue
        src = base.sources.get(f.source)
        if src is None:
            continue
        if f.outcome == "safety":
            if _joint_match(f.joints, joint):
                g.safety.append(f)
            continue
        if f.outcome not in EFFICACY:
            if _joint_match(f.joints, joint):
                g.other.append(f)
            continue
        if len(f.treatments) > 1 and f.treatments[0] != treatment:
            g.other.append(f)  # T is the comparator here: the direction speaks for another
            continue
        if src.kind == "preclinical" or src.population.species != "human":
            g.preclinical.append(f)
        elif _design(src) == 0:
            g.other.append(f)
        elif _joint_match(f.joints, joint):
            g.direct.append(f)
        else:
            g.indirect.append(f)
    for r in base.recommendations.values():
        if (r.treatment == treatment and (joint is None or r.joint in (joint, None))
                and visible(r, audience)):
            src = base.sources.get(r.source)
            if src:
                g.stances.append(Stance(r, src))
    g.stances.sort(key=lambda s: (-s.source.year, s.body))
    g.regulatory = sorted(
        (r for r in base.regulatory.values()
         if r.treatment == treatment and visible(r, audience)),
        key=lambda r: (r.jurisdiction, r.id))
    _rate(g, base)
    return g


def _size(f: Finding, base: EvidenceBase) -> int | None:
    """People behind a finding: its own count when the record gives one (a review where few
    had this treatment), else its source's."""
    return f.n_participants or base.sources[f.source].n_participants


def _rate(g: Grade, base: EvidenceBase) -> None:
    body = g.efficacy
    if not body:
        g.certainty = "very-low"
        g.best_human_evidence = "none"
        if g.preclinical:
            g.reasons.append("only animal or laboratory studies: no evidence in people")
        else:
            g.reasons.append("no human studies in the evidence base")
        g.direction = "uncertain"
        return
    # Certainty that a treatment works rests on comparisons with placebo, sham or no
    # treatment; head-to-head trials and before-and-after series only count when there are
    # none (head-to-head bodies are then rated down below).
    pool = [f for f in body if _controlled(f)] or body
    sources = {f.source: base.sources[f.source] for f in pool}
    best_rank = max(_design(s) for s in sources.values())
    best = [s for s in sources.values() if _design(s) == best_rank]
    best.sort(key=lambda s: (-(s.n_participants or 0), -s.year))
    g.best_source = best[0]
    g.best_human_evidence = best[0].kind
    best_ids = {s.id for s in best}
    best_findings = [f for f in pool if f.source in best_ids]

    graded = [f.certainty for f in best_findings if f.certainty]
    if graded:
        # A review's own GRADE rating already weighs bias, imprecision and inconsistency;
        # take the most cautious and only rate down for what it cannot know (our joint).
        level = min(LEVELS.index(c) for c in graded)
        g.reasons.append(f"starts at {LEVELS[level]}: the review's own GRADE rating")
    else:
        level = _start(best_rank, best[0], g)
        level -= _imprecision(best_findings, best, base, g)
        directions = {f.direction for f in best_findings
                      if f.direction in ("benefit", "no-difference", "harm")}
        if "benefit" in directions and ({"no-difference", "harm"} & directions):
            level -= 1
            g.reasons.append("rated down for inconsistency: studies disagree")
        elif _blinded_dissent(pool, best_ids, directions, base):
            level -= 1
            g.reasons.append("rated down for inconsistency: a sham- or placebo-controlled "
                             "trial found otherwise")
    if not g.direct:
        level -= 1
        g.reasons.append(f"rated down for indirectness: evidence comes from other joints, "
                         f"not the {g.joint}")
    elif all(_mixed_population(f, base) for f in best_findings):
        level -= 1
        g.reasons.append("rated down for indirectness: the studies also took people without "
                         "osteoarthritis")
    if all(f.verification in WEAK_TAGS for f in best_findings):
        level -= 1
        g.reasons.append("rated down: the key records are not yet verified against the source")
    g.certainty = LEVELS[max(level, 0)]

    # One vote per source (its own majority), so a review reported as five findings does not
    # outvote a review reported as one; sources that disagree make the body "mixed".
    controlled = [f for f in best_findings if not _active_comparator(f)]
    by_source: dict[str, list[str]] = {}
    for f in controlled:
        # A benefit the authors judged too small to matter weighs as no real difference.
        trivial = f.direction == "benefit" and f.clinically_important is False
        by_source.setdefault(f.source, []).append("no-difference" if trivial else f.direction)
    if not controlled:
        # Only head-to-head trials against another active treatment: "about as good as".
        per_comparator: dict[str, set[str]] = {}
        for f in best_findings:
            if f.direction in ("benefit", "no-difference", "harm") and f.comparator:
                per_comparator.setdefault(f.comparator, set()).add(f.direction)
        # A comparator with mixed results (a subgroup favoured one side) reads as "about as
        # well as": the cautious reading of the primary result.
        g.comparisons = [(d.pop() if len(d) == 1 else "no-difference", c)
                         for c, d in per_comparator.items()]
        g.direction = "comparable" if g.comparisons else "uncertain"
        if g.comparisons and g.certainty != LEVELS[0]:
            g.certainty = LEVELS[LEVELS.index(g.certainty) - 1]
            g.reasons.append("rated down for indirectness: only head-to-head comparisons with "
                             "other active treatments, none with placebo")
        g.conflict = False
        return
    votes = []
    for directions_of in by_source.values():
        b = directions_of.count("benefit")
        n = directions_of.count("no-difference") + directions_of.count("harm")
        votes.append("benefit" if b > n else "no-difference" if n > b else
                     "mixed" if b else "uncertain")
    g.direction = _balance(votes)
    g.conflict = (g.direction in ("benefit", "mixed") and bool(g.against)) or (
        g.direction == "no-difference" and bool(g.for_))
    if g.conflict:
        g.reasons.append("trials and guidelines point different ways")
    if g.direction in ("uncertain", "mixed") and LEVELS.index(g.certainty) > 1:
        g.certainty = "low"
        g.reasons.append("capped at low: the studies do not give a clear answer either way")


def _mixed_population(f: Finding, base: EvidenceBase) -> bool:
    src = base.sources.get(f.source)
    return bool(src and src.population and not src.population.oa_only)


def _blinded_dissent(pool: list[Finding], best_ids: set[str], directions: set[str],
                     base: EvidenceBase) -> bool:
    """A sham- or placebo-controlled trial of at least 50 people, outside the best evidence,
    that points the other way: reviews pooling unblinded trials can miss what it shows."""
    if directions != {"benefit"}:
        return False
    return any(f.source not in best_ids and f.direction in ("no-difference", "harm")
               and base.sources[f.source].kind == "rct"
               and (base.sources[f.source].n_participants or 0) >= 50
               and is_placebo(f.comparator) for f in pool)


def _balance(votes: list[str]) -> str:
    """Sum the sources' votes (a source split within itself counts half each way). One side
    wins when it has at least twice the other's weight; otherwise the studies disagree."""
    benefit = votes.count("benefit") + votes.count("mixed") / 2
    none_ = votes.count("no-difference") + votes.count("mixed") / 2
    if not benefit and not none_:
        return "uncertain"
    if benefit >= 2 * none_:
        return "benefit"
    if none_ >= 2 * benefit:
        return "no-difference"
    return "mixed"


def _start(best_rank: int, best: Source, g: Grade) -> int:
    """Where the body starts before rating down (GRADE: randomised high, observational low).

    A review that gives no GRADE rating of its own starts one step lower: we cannot see the
    risk of bias in the trials it pools, and in this field most are small and unblinded."""
    if best_rank >= 4:
        g.reasons.append("starts at moderate: a systematic review without its own GRADE "
                         "rating (the risk of bias of the trials it pools is not known to us)")
        return 2
    if best_rank == 3:
        g.reasons.append("starts at high: best human evidence is a randomised trial")
        return 3
    g.reasons.append(f"starts at low: best human evidence is observational ({best.kind})")
    return 1


def _imprecision(findings: list[Finding], best: list[Source], base: EvidenceBase,
                 g: Grade) -> int:
    """Steps down for too few people (GRADE's rule of thumb: about 400 for a continuous
    outcome) and for a single study, whose consistency cannot be judged."""
    sizes = [n for n in (_size(f, base) for f in findings) if n]
    steps = 0
    if not sizes:
        steps += 1
        g.reasons.append("rated down for imprecision: study size not reported")
    elif max(sizes) < SMALL_N:
        steps += 2
        g.reasons.append(f"rated down twice for imprecision: at most {max(sizes)} people")
    elif max(sizes) < ENOUGH_N:
        steps += 1
        g.reasons.append(f"rated down for imprecision: at most {max(sizes)} people "
                         f"(fewer than {ENOUGH_N})")
    if len(best) == 1 and (best[0].n_studies or 1) <= 1:
        steps += 1
        g.reasons.append("rated down: a single study, so consistency cannot be judged")
    return steps
