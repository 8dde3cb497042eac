"""What a claim asserts (its frame), and the judgement of that frame against the frames of
the findings held: the same treatment, joint and outcome, then direction and strength.

A claim is *supported* only when a finding agrees in direction and the claim is not
stronger than the evidence; *contradicted* when the better evidence goes the other way;
*overstated* when it claims more certainty than the evidence has (a hedge lowers the claimed
strength, it never exempts the claim); *unsupported* when nothing held speaks to it. Every
verdict names the findings it rests on and says why in one plain sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path

from synovia.evidence import EvidenceBase, Finding
from synovia.evidence.comparators import is_active, is_placebo
from synovia.text.timespans import say_weeks, spans
from synovia.yamldata import load_text

DESIGN_WEIGHT = {"systematic-review": 4, "rct": 3, "guideline": 2, "cohort": 2,
                 "case-series": 1, "narrative-review": 1, "other": 1, "regulatory": 1,
                 "preclinical": 0}
LEVELS = ["very-low", "low", "moderate", "high"]
SHOWN = ("verified", "secondary")


@dataclass(frozen=True)
class SentenceCues:
    """The `sentence` cues of claims.yaml: which kind of claim a sentence makes, and how it
    speaks of guidelines, approval and studies."""

    kinds: dict[str, re.Pattern[str]]
    approved_asserted: re.Pattern[str]
    escape_claim: re.Pattern[str]
    unapproved_stated: re.Pattern[str]
    guide_against: re.Pattern[str]
    guide_for: re.Pattern[str]
    strong: re.Pattern[str]
    conditional: re.Pattern[str]
    prohibited: re.Pattern[str]
    time_span: re.Pattern[str]
    attribution: re.Pattern[str]
    study_reference: re.Pattern[str]
    contrast: re.Pattern[str]
    pointer: re.Pattern[str]
    participants: re.Pattern[str]
    randomised_words: re.Pattern[str]
    states_verb: re.Pattern[str]
    asserts: re.Pattern[str]
    compared_with: re.Pattern[str]
    clause_break: re.Pattern[str]
    nhs_claim: re.Pattern[str]
    not_available: re.Pattern[str]
    plain_safe: re.Pattern[str]
    generic_claim: re.Pattern[str]
    comparative: re.Pattern[str]
    human_evidence: re.Pattern[str]
    animal_evidence: re.Pattern[str]
    describes_review: re.Pattern[str]
    describes_rct: re.Pattern[str]
    route_intravenous: re.Pattern[str]
    route_intra_articular: re.Pattern[str]


_SENTENCE_KINDS = ("benefit", "structure", "safety", "approval", "guideline", "durability")


def _sentence_cues(data: dict) -> SentenceCues:
    kinds = {str(k): _rx(v) for k, v in data["kinds"].items()}
    missing = set(_SENTENCE_KINDS) - set(kinds)
    if missing:
        raise KeyError(f"sentence.kinds lacks {sorted(missing)}")
    names = [f.name for f in fields(SentenceCues) if f.name != "kinds"]
    return SentenceCues(kinds=kinds, **{n: _rx(data[n]) for n in names})


@dataclass(frozen=True)
class ClaimCues:
    """data/lexicon/claims.yaml, compiled."""

    sentence: SentenceCues

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
    reports_study: re.Pattern[str] | None = None
    first_person: re.Pattern[str] | None = None
    short_duration: re.Pattern[str] | None = None  # "short-term", "a few weeks"
    open_ended: re.Pattern[str] | None = None  # "or longer", "at least"
    long_duration: re.Pattern[str] | None = None  # "long-term relief", "long-lasting"
    certainty_claim: re.Pattern[str] | None = None  # "the evidence was rated high quality"
    certainty_lacking: re.Pattern[str] | None = None  # "limited (high-quality evidence)"
    umbrella: re.Pattern[str] | None = None  # "regenerative medicine": the article's treatments
    certainty_levels: dict[str, str] = field(default_factory=dict)  # said -> GRADE level
    approval_of_trial: re.Pattern[str] | None = None  # "an FDA-approved trial": not the product
    trivial_effect: re.Pattern[str] | None = None  # "too small to matter": no real benefit
    person_recommends: re.Pattern[str] | None = None  # "your doctor may recommend"
    mechanism_talk: re.Pattern[str] | None = None  # "growth factors that promote healing"
    in_joint: re.Pattern[str] | None = None  # "released into the arthritic joint"
    safer_than: re.Pattern[str] | None = None  # "fewer side effects than stem cells"
    published: re.Pattern[str] | None = None  # "a study published in ... in 2017"
    not_absolute: re.Pattern[str] | None = None  # "stays in the knee permanently"
    approval_implied: re.Pattern[str] | None = None  # "FDA-registered", "FDA compliant"
    joint_excluded: re.Pattern[str] | None = None  # "but not for hip"
    intense: tuple[re.Pattern[str], ...] = ()  # "strong", "long-lasting" benefit
    #: treatment -> (lay words it shares, the treatments those words may mean instead,
    #: words before it that make it no injection at all)
    shared_lay_terms: dict[str, tuple[re.Pattern[str], tuple[str, ...],
                                      re.Pattern[str] | None]] = field(default_factory=dict)
    safety_absolute: re.Pattern[str] | None = None  # "no side effects", "risk-free"
    serious_mention: re.Pattern[str] | None = None  # the sentence itself names serious harm
    supposed: re.Pattern[str] | None = None  # "it was once thought that": an idea reported
    first_line: re.Pattern[str] | None = None  # "a first-line treatment"


def _rx(p: str) -> re.Pattern[str]:
    return re.compile(p, re.I)


#: The single-pattern cues a lexicon may leave out (the rule that reads one is then off).
_OPTIONAL = ("reports_study", "first_person", "short_duration", "open_ended", "long_duration",
             "certainty_claim", "certainty_lacking", "approval_of_trial", "trivial_effect",
             "person_recommends", "umbrella",
             "mechanism_talk", "in_joint", "safer_than", "published", "not_absolute",
             "approval_implied", "joint_excluded", "safety_absolute", "serious_mention", "supposed",
             "first_line")


@lru_cache(maxsize=4)
def load_claim_cues(path: Path) -> ClaimCues:
    data = load_text(path.read_text(encoding="utf-8"))
    try:
        outcomes = tuple((str(o["id"]), tuple(o.get("findings") or ()),
                          tuple(_rx(p) for p in o["patterns"])) for o in data["outcomes"])
        directions = tuple((d, tuple(_rx(p) for p in pats))
                           for d, pats in data["direction"].items())
        return ClaimCues(
            sentence=_sentence_cues(data["sentence"]),
            outcomes=outcomes, directions=directions,
            absolute=tuple(_rx(p) for p in data["strength"]["absolute"]),
            hedged=tuple(_rx(p) for p in data["strength"]["hedged"]),
            intense=tuple(_rx(p) for p in data["strength"].get("intense") or ()),
            negation=_rx(data["negation"]),
            comparators={k: _rx(v) for k, v in (data.get("comparators") or {}).items()},
            animal=_rx(data["animal"]), people=_rx(data["people"]),
            figure=_rx(data["figure"]), own_results=_rx(data["own_results"]),
            not_a_claim=tuple(_rx(p) for p in data.get("not_a_claim") or ()),
            shared_lay_terms={str(k): (_rx(str(v["words"])),
                                       tuple(str(t) for t in v["means"]),
                                       _rx(v["not_after"]) if v.get("not_after") else None)
                              for k, v in (data.get("shared_lay_terms") or {}).items()},
            certainty_levels={str(k): str(v) for k, v in
                              (data.get("certainty_levels") or {}).items()},
            **{k: _rx(data[k]) for k in _OPTIONAL if data.get(k)})
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
    intense_words: list[str] = field(default_factory=list)  # "strong", "long-lasting"
    comparator: str | None = None  # a treatment id, "placebo" or "surgery"
    animals: bool = False
    figures: list[str] = field(default_factory=list)
    own_results: bool = False
    text: str = ""
    named: bool = True  # the sentence names the treatment itself (not inherited)
    joints_named: bool = False  # the sentence names the joint itself
    about_people: bool = False  # it speaks of patients or people (a figure about them)
    attributed: bool = False  # it reports what a guideline or regulator said
    reports_study: bool = False  # "a trial found ...": a report of a result, not a general claim
    first_person: bool = False  # "my first injection helped": a story, not a general claim

    def as_dict(self) -> dict:
        return {"treatments": sorted(self.treatments), "joints": sorted(self.joints),
                "outcome": self.outcome, "direction": self.direction, "strength": self.strength,
                "comparator": self.comparator, "animals": self.animals,
                "figures": self.figures}


#: the comparator id (claims.yaml `comparators`) for "other injections" in general
OTHER_INJECTIONS = "other-injections"



def _reading(text: str, cues: ClaimCues) -> tuple[list, list, list]:
    """A sentence's words of effect (position, direction), outcome words (position, rank,
    outcome, finding outcomes) and no-difference phrases (start, end), read once per
    sentence: several frames and rules ask."""
    memo = cues.__dict__.setdefault("_reading", {})
    hit = memo.get(text)
    if hit is None:
        if len(memo) >= 8192:
            memo.clear()
        spans = [(m.start(), m.end(), d) for d, pats in cues.directions for p in pats
                 for m in p.finditer(text)
                 if not (m.group(0).isupper() and len(m.group(0)) > 3)]  # "RESTORE": a trial
        # a word of benefit inside a no-difference phrase ("repair is not demonstrated",
        # "no better than") is that phrase, not a claim of its own
        nd = [(a, b) for a, b, d in spans if d == "no-difference"]
        hits = [(a, d) for a, _b, d in spans
                if d == "no-difference" or not any(x < a < y for x, y in nd)]
        outcomes = [(m.start(), rank, oid, findings)
                    for rank, (oid, findings, pats) in enumerate(cues.outcomes)
                    for p in pats for m in p.finditer(text)]
        hit = memo[text] = (hits, outcomes, nd)
    return hit


def direction_starts(text: str, cues: ClaimCues) -> list[int]:
    """Where each word of effect in a sentence starts (a sentence can assert several things:
    "X is safe and can improve pain")."""
    return sorted({at for at, _d in _reading(text, cues)[0]})


def frame_of(text: str, treatments: set[str], joints: set[str], cues: ClaimCues,
             comparator_terms: set[str], skip: tuple[str, ...] = (),
             start: int = 0) -> ClaimFrame:
    """Read what a sentence asserts: its main direction is the first one it states at or after
    `start` (a negated benefit reads as no difference), its outcome the one named nearest."""
    all_hits, outcome_words, denied = _reading(text, cues)
    hits = [h for h in all_hits if h[0] >= start]
    direction, at = None, 0
    if hits:
        # A no-difference cue outranks a benefit word it contains ("no better than").
        at, direction = min(hits, key=lambda h: (h[0], h[1] != "no-difference"))
        later_negated = start > 0 and bool(cues.negation.search(_clause_before(text, at, 90)))
        if direction == "benefit" and any(d == "no-difference" and a > at for a, d in all_hits) \
                and cues.comparators.get("placebo") and cues.comparators["placebo"].search(text):
            # "PRP gave a significant improvement ..., matched by the placebo group": no
            # better than placebo is what the sentence says
            direction = "no-difference"
        if direction == "benefit" and (_negated_at(text, at, cues, 30) or later_negated or (
                cues.trivial_effect is not None and cues.trivial_effect.search(text))):
            direction = "no-difference"
    outcome, finding_outcomes, best = None, (), None
    cuts = [m.start() for m in cues.sentence.clause_break.finditer(text)]
    here = sum(1 for c in cuts if c <= at)
    for pos, rank, oid, findings in outcome_words:
        if oid in skip:
            continue  # judged by its own rule already ("recommended"): read the other clause
        gap = abs(pos - at) if hits else rank
        # An outcome in the direction's own clause first ("eases pain for weeks, but none
        # repairs cartilage": the easing is of pain).
        elsewhere = bool(hits) and sum(1 for c in cuts if c <= pos) != here
        if elsewhere and cues.negation.search(_clause_at(text, pos, cuts)):
            # "benefits are thought to ..., although cartilage repair is not demonstrated":
            # an outcome its own clause denies is not the benefit another clause claims
            continue
        key = (elsewhere, gap > 60, rank if gap <= 60 else gap)
        if best is None or key < best:
            best, outcome, finding_outcomes = key, oid, findings
    if direction is None and outcome == "progression":
        direction = "benefit"  # "an alternative to knee replacement" claims a benefit
    if direction == "benefit" and outcome in ("pain", "function", "efficacy") and \
            "duration" not in skip and any(oid == "duration" for _p, _r, oid, _f in outcome_words):
        # "Relief typically lasts six weeks to six months": a benefit given a span of time
        # is a claim about how long it lasts.
        outcome, finding_outcomes = next((oid, f) for oid, f, _p in cues.outcomes
                                         if oid == "duration")
    described = [m.span() for m in cues.not_absolute.finditer(text)] if cues.not_absolute \
        else []
    # (an absolute word inside a phrase that denies it, "regrowth has not been shown", is
    # no certainty claimed)
    absolute = [m.group(0) for p in cues.absolute for m in [p.search(text)]
                if m and not _negated_at(text, m.start(), cues, 100)
                and not any(a <= m.start() < b for a, b in (*described, *denied))
                and not (cues.certainty_lacking and cues.certainty_lacking.search(
                    text[max(0, m.start() - 40):m.start()]))]  # "limited high-quality .."
    hedged = any(p.search(text) for p in cues.hedged)
    intense = [m.group(0) for p in cues.intense for m in [p.search(text)]
               if m and not _negated_at(text, m.start(), cues, 100)]
    strength = "absolute" if absolute else "hedged" if hedged else "plain"
    comparator = next(iter(sorted(comparator_terms)), None)
    if comparator is None:
        comparator = next((k for k, rx in cues.comparators.items() if rx.search(text)), None)
    return ClaimFrame(
        text=text, treatments=set(treatments), joints=set(joints), outcome=outcome,
        finding_outcomes=finding_outcomes, direction=direction, strength=strength,
        absolute_words=absolute, intense_words=intense, comparator=comparator,
        animals=bool(cues.animal.search(text)),
        figures=[m.group(0) for m in cues.figure.finditer(text)],
        own_results=bool(cues.own_results.search(text)),
        about_people=bool(cues.people.search(text)),
        reports_study=bool(cues.reports_study.search(text)) if cues.reports_study else False,
        first_person=bool(cues.first_person.search(text)) if cues.first_person else False)


def _clause_at(text: str, pos: int, cuts: list[int]) -> str:
    """The clause of `text` that holds position `pos`, between the clause breaks `cuts`."""
    start = max((c for c in cuts if c <= pos), default=0)
    end = min((c for c in cuts if c > pos), default=len(text))
    return text[start:end].replace("\u2019", "'")


def _clause_before(text: str, at: int, window: int = 70) -> str:
    """The words of the same clause before position `at` ("may" in "X may be safe", not in
    "X is safe and may help")."""
    return re.split(r"[;,:\u2014()]|\b(?:but|and|that|which)\b", text[max(0, at - window):at])[-1]


def _negated_at(text: str, at: int, cues: ClaimCues, window: int = 70) -> bool:
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
                label, cues: ClaimCues) -> Verdict:
    """Judge a claim frame against the findings on its treatments (`label` names a treatment
    for the reason sentence; `grade_certainty` maps a treatment to its graded certainty).
    A claim about several joints is judged joint by joint: wrong for one is wrong."""
    if len(frame.joints) > 1:
        rank = {"contradicted": 0, "overstated": 1, "unsupported": 2, "supported": 3, None: 4}
        verdicts = [_judge_one(_with_joint(frame, j), base, grade_certainty, label, cues)
                    for j in sorted(frame.joints)]
        return min(verdicts, key=lambda v: rank[v.verdict])
    return _judge_one(frame, base, grade_certainty, label, cues)


def _with_joint(frame: ClaimFrame, joint: str) -> ClaimFrame:
    from dataclasses import replace

    return replace(frame, joints={joint})


def _judge_one(frame: ClaimFrame, base: EvidenceBase, grade_certainty: dict[str, str],
               treatment_label, cues: ClaimCues) -> Verdict:
    def label(t: str) -> str:
        return "other injections" if t == OTHER_INJECTIONS else treatment_label(t)

    if not frame.treatments:
        return Verdict(None, "")
    what = " and ".join(label(t) for t in sorted(frame.treatments))
    if frame.first_person and not (frame.own_results or frame.figures
                                   or frame.strength == "absolute"):
        return Verdict(None, "")  # someone's own story: not a claim about the evidence
    held = [f for t in frame.treatments for f in base.findings_about(t)
            if f.verification in SHOWN]
    if not held:
        return Verdict("unsupported", f"nothing in the evidence base speaks to {what}")
    own = frame.own_results and frame.direction != "no-difference" and not (
        cues.negation.search(frame.text))  # "our results do not support it" reports a null
    if own or (
            frame.figures and (frame.named or frame.about_people)
                             and not (frame.reports_study and cues.published is not None
                                      and cues.published.search(frame.text))
                             and not _figure_held(frame, held)):
        figure = frame.figures[0] if frame.figures else "its own results"
        if frame.strength == "absolute":
            words = ", ".join(f"'{w}'" for w in frame.absolute_words[:2])
            return Verdict("overstated", f"says {words} on the strength of {figure}: no study "
                                         f"we hold supports that certainty for {what}")
        return Verdict("unsupported", f"gives {figure} for {what}, a figure no study we hold "
                                      f"reports (self-reported or unreferenced results)")
    if frame.direction == "harm" and frame.outcome in (None, "cost", "efficacy"):
        frame.outcome, frame.finding_outcomes = "safety", ("safety", "structure")
    if frame.outcome == "cost":
        return _access(frame, held, what, cues)
    if frame.direction is None and frame.strength == "absolute" and frame.outcome not in (
            "regulatory", "guideline"):
        # "Assessed by numerous high-quality trials", "we finally have a clear answer".
        words = ", ".join(f"'{w}'" for w in frame.absolute_words[:2])
        return Verdict("overstated", f"says {words}: the evidence we hold on {what} does not "
                                     f"have that certainty", _sources(held[:4]),
                       [f.id for f in held][:4])
    if frame.outcome is None and frame.comparator and frame.direction in (
            "benefit", "no-difference"):
        frame.outcome, frame.finding_outcomes = "efficacy", ("pain", "function",
                                                             "quality-of-life")
    if frame.outcome in (None, "regulatory", "guideline") or frame.direction is None:
        return Verdict(None, "")
    if frame.outcome == "safety" and frame.comparator and frame.comparator not in (
            "placebo", "surgery") and cues.safer_than is not None and \
            cues.safer_than.search(frame.text):
        # A comparison of harms: a finding on both with a comparator recorded (a warning
        # that names several products compares nothing).
        head = [f for f in held if frame.comparator in f.treatments and f.comparator
                and f.outcome in ("safety", "contraindication") and len(f.treatments) > 1]
        if not head:
            return Verdict("unsupported", f"says {what} is safer than "
                                          f"{label(frame.comparator)}, but no study we hold "
                                          f"compared their harms", [], [])
    if frame.outcome == "safety" and frame.direction == "benefit" and \
            frame.strength != "absolute":
        harms = [f for f in held if f.outcome == "safety" and f.direction in ("harm", "uncertain")]
        plain_safe = cues.sentence.plain_safe.search(frame.text)
        unhedged = plain_safe is not None and (frame.strength == "plain" or not any(
            p.search(_clause_before(frame.text, plain_safe.start())) for p in cues.hedged))
        if unhedged and frame.named and harms:
            return Verdict("overstated", f"calls {what} safe without qualification, but side "
                                         f"effects are reported", _sources(harms),
                           [f.id for f in harms][:4])
        return Verdict(None, "")  # "generally safe": the absolute safety rules judge safety
    if frame.attributed:
        return Verdict(None, "")  # what a guideline or regulator said: judged as such
    biology = (frame.outcome == "structure" and frame.strength != "absolute"
               and cues.mechanism_talk is not None and bool(cues.mechanism_talk.search(frame.text))
               and not frame.about_people and not frame.joints_named
               and not (cues.in_joint is not None and cues.in_joint.search(frame.text)))
    outcomes = set(frame.finding_outcomes)
    about = [f for f in held if f.outcome in outcomes and f.treatments[:1] != [] and
             (f.treatments[0] in frame.treatments or frame.comparator in f.treatments)]
    if frame.joints:
        same_joint = [f for f in about if not f.joints or set(f.joints) & frame.joints]
        if not same_joint and about and frame.joints_named and frame.named and \
                frame.direction == "benefit" and not frame.reports_study:
            # "Now used with similar results in the hip": the studies held are of other joints.
            elsewhere = sorted({j for f in about for j in f.joints})
            return Verdict("unsupported", f"says {what} helps in the {_and(sorted(frame.joints))},"
                                          f" but the studies we hold are of the "
                                          f"{_and(elsewhere)} only", _sources(about),
                           [f.id for f in about][:4])
        about = same_joint or about
    if frame.comparator == "placebo":
        controlled = [f for f in about if is_placebo(f.comparator)]
        about = controlled or about
    elif frame.comparator and frame.comparator != "surgery" and frame.direction == "benefit" \
            and cues.sentence.comparative.search(frame.text):
        # "better than steroid", "lasts longer than PRP": only head-to-head studies speak
        # ("better than other injections": the trials against any active injection).
        head = [f for f in held if f.outcome in ("pain", "function", "quality-of-life",
                                                  "duration")
                and (_active(f) if frame.comparator == OTHER_INJECTIONS
                     else frame.comparator in f.treatments)]
        about = head
    human = [f for f in about if _weight(f, base) > 0]
    animal = [f for f in about if _weight(f, base) == 0]
    if frame.animals:
        # A sentence about animal work is judged on animal work only.
        human, animal = animal, []
        if not human:
            return Verdict(None, "")
        return _compare(frame, human, base, what, "low", cues, animal_claim=True)
    if not human:
        if animal and not frame.animals:
            return Verdict("overstated", f"states it for people, but the evidence on {what} "
                                         f"for this comes from animal or laboratory studies only",
                           _sources(animal), [f.id for f in animal][:4])
        if frame.direction in ("benefit", "harm") and (
                frame.strength == "absolute" or frame.outcome == "progression"
                or (frame.outcome == "structure" and frame.strength != "hedged")):
            # (a hedged idea of how it might work on tissue, "might help restore the joint's
            # cushioning", is a hypothesis told as one; a promise to save surgery is not)
            return Verdict("unsupported", f"no study we hold shows {what} doing this in people",
                           [], [])
        if frame.comparator and frame.comparator not in ("placebo", "surgery") and \
                frame.direction == "benefit":
            return Verdict("unsupported", f"compares {what} with "
                                          f"{label(frame.comparator)}, but no study we hold "
                                          f"compared them on this", [], [])
        if frame.direction == "benefit" and frame.named and frame.outcome in (
                "pain", "function", "efficacy") and not frame.reports_study:
            return Verdict("unsupported", f"claims a benefit in people, but we hold no study in "
                                          f"people showing {what} does this", [], [])
        return Verdict(None, "")
    certainty = min((grade_certainty.get(t, "low") for t in frame.treatments),
                    key=LEVELS.index)
    if frame.outcome == "duration" and frame.direction == "benefit" and \
            frame.strength != "absolute":
        timed = _duration_verdict(frame, held, cues, what)
        if timed:
            return timed
    v = _compare(frame, human, base, what, certainty, cues)
    if biology and v.verdict == "contradicted":
        return Verdict(None, "")  # how it is meant to work, told as biology: trials do not
        # contradict a mechanism, though they can show it is overstated
    if v.verdict is None and frame.outcome == "structure" and frame.direction == "benefit" \
            and frame.strength == "plain" and frame.named and not frame.reports_study \
            and not biology and human and all(f.direction == "uncertain" for f in human):
        # "Arthrosamid restores the fluid's viscosity": what we hold describes the product
        # (what it is made of, that it stays); nothing held shows it doing that in people.
        return Verdict("unsupported", f"states what {what} does in the joint as fact, but what "
                                      f"we hold only describes it; no study shows the effect",
                       _sources(human)[:1], [f.id for f in human][:2])
    if v.verdict is None and frame.strength == "absolute" and frame.direction in (
            "benefit", "harm"):
        words = ", ".join(f"'{w}'" for w in frame.absolute_words[:2])
        return Verdict("overstated", f"says {words}: no study we hold supports that certainty "
                                     f"for {what}", _sources(human), [f.id for f in human][:4])
    return v


def _spans(text: str) -> list[tuple[float, float]]:
    return [(sp.low, sp.high) for sp in spans(text)]


def _duration_verdict(frame: ClaimFrame, held: list[Finding], cues: ClaimCues,
                      what: str) -> Verdict | None:
    """A claimed duration of relief against how long the studies we hold saw relief last.

    Within the usual span ("2 to 10 weeks", "short-term") it is supported, whatever the
    longer-term trials found; at or past the usual span overstated; past twice the longest
    benefit held contradicted. Only findings on the treatment itself count (not "PRP stayed
    ahead of steroid at 9 months" for a steroid claim)."""
    benefit = [f for f in held if f.outcome == "duration" and f.direction == "benefit"
               and f.treatments[:1] and f.treatments[0] in frame.treatments and not _active(f)
               and (not frame.joints or not f.joints or set(f.joints) & frame.joints)]
    spans = sorted(((max(high for _, high in found), f) for f in benefit
                    if (found := _spans(f.plain + " " + f.clinician))), key=lambda x: x[0])
    claimed = _spans(frame.text)
    if not spans:
        if claimed and (min(lo for lo, _ in claimed) >= 52 or (
                cues.open_ended and cues.open_ended.search(frame.text)
                and min(lo for lo, _ in claimed) >= 26)):
            return Verdict("unsupported", f"claims relief lasting "
                                          f"{_say_weeks(min(lo for lo, _ in claimed))} or more, "
                                          f"but no study we hold measured how long {what} "
                                          f"helps", [], [])
        return None
    longest = spans[-1][0]
    usual = spans[len(spans) // 2][0] if len(spans) > 2 else spans[0][0]
    ids = [f.id for _, f in spans][:4]
    srcs = _sources([f for _, f in spans])
    if not claimed:
        if cues.short_duration and cues.short_duration.search(frame.text):
            return Verdict("supported", f"agrees with findings held on {what}: relief is "
                                        f"short-lived", srcs, ids)
        if cues.long_duration and cues.long_duration.search(frame.text) and usual < 26:
            return Verdict("overstated", f"promises long-term relief, but the studies we hold "
                                         f"usually saw relief from {what} last about "
                                         f"{_say_weeks(usual)}", srcs, ids)
        return None
    low = min(lo for lo, _ in claimed)
    high = max(hi for _, hi in claimed)
    if low > 2 * longest:
        f = spans[-1][1]
        return Verdict("contradicted", f"claims relief for longer than any study we hold "
                                       f"found (the longest benefit held is about "
                                       f"{_say_weeks(longest)})", _sources([f]), [f.id])
    open_ended = bool(cues.open_ended and cues.open_ended.search(frame.text))
    if low >= usual * (0.75 if open_ended else 1.0) and low > 0:
        return Verdict("overstated", f"claims relief lasting {_say_weeks(low)} or more, but "
                                     f"the studies we hold usually saw it last about "
                                     f"{_say_weeks(usual)}", srcs, ids)
    if high > usual * 1.5 and high >= longest and not frame.reports_study:
        return Verdict("overstated", f"claims relief lasting up to {_say_weeks(high)}, but the "
                                     f"studies we hold usually saw it last about "
                                     f"{_say_weeks(usual)}", srcs, ids)
    if high <= usual * 1.25:
        return Verdict("supported", f"agrees with findings held on {what}: relief lasts about "
                                    f"{_say_weeks(usual)}", srcs, ids)
    return None


def _say_weeks(weeks: float) -> str:
    return say_weeks(weeks, months_from=26)  # "12 weeks" of relief reads closer to trials




def _access(frame: ClaimFrame, held: list[Finding], what: str, cues: ClaimCues) -> Verdict:
    """"Available on the NHS" or "covered by insurance" against the access findings held."""
    said = cues.sentence
    if not said.nhs_claim.search(frame.text) or said.not_available.search(frame.text):
        return Verdict(None, "")
    against = [f for f in held if f.outcome in ("access", "cost", "recommendation")
               and said.not_available.search(f.plain + " " + f.clinician)]
    if not against:
        return Verdict(None, "")
    return Verdict("contradicted", f"says {what} is available or covered, but the findings we "
                                   f"hold say it is not routinely offered or funded",
                   _sources(against), [f.id for f in against][:4])




def _active(f: Finding) -> bool:
    """Compared with another active treatment (not placebo, usual care or baseline)."""
    return is_active(f.comparator)




def _compare(frame: ClaimFrame, findings: list[Finding], base: EvidenceBase, what: str,
             certainty: str, cues: ClaimCues, animal_claim: bool = False) -> Verdict:
    """Direction and strength of the claim against the findings that speak to it.

    Contradicted only when trials or reviews go the other way and none of that standing
    agrees; supported when one agrees and the claim is no stronger than the evidence."""
    claim_dir = frame.direction
    weight = (lambda f: 1) if animal_claim else (lambda f: _weight(f, base))
    if not frame.comparator or frame.comparator in ("placebo", "surgery"):
        # "About as good as hyaluronic acid" neither confirms nor denies that it helps.
        findings = [f for f in findings if not (_active(f) and f.direction != "benefit")]
    strong = [f for f in findings if weight(f) >= (1 if animal_claim else 3)] or findings
    agree = [f for f in strong if _agrees(claim_dir, f.direction)]
    oppose = [f for f in strong if _opposes(claim_dir, f.direction)]
    if not agree and not oppose:
        return Verdict(None, "")
    if oppose and not agree:
        ids, srcs = [f.id for f in oppose][:4], _sources(oppose)
        if frame.strength == "hedged" and claim_dir == "benefit":
            return Verdict("overstated", f"suggests a benefit of {what}, but the studies we "
                                         f"hold found none", srcs, ids)
        return Verdict("contradicted", f"says {what} {_said(claim_dir, frame)}, but the "
                                       f"studies we hold found {_said(oppose[0].direction)}",
                       srcs, ids)
    if oppose and max(map(weight, oppose)) > max(map(weight, agree)) and not animal_claim \
            and frame.named:
        # A review against one small trial: the better evidence does not bear it out.
        ids, srcs = [f.id for f in oppose][:4], _sources(oppose)
        return Verdict("overstated", f"says {what} {_said(claim_dir, frame)}, but the stronger "
                                     f"studies we hold found {_said(oppose[0].direction)}; only "
                                     f"weaker ones agree", srcs + _sources(agree)[:1], ids)
    ids, srcs = [f.id for f in agree][:4], _sources(agree)
    if frame.strength == "absolute":
        words = ", ".join(f"'{w}'" for w in frame.absolute_words[:2])
        return Verdict("overstated", f"says {words}: no study we hold supports that certainty "
                                     f"for {what} (evidence is {certainty} certainty)", srcs, ids)
    if (frame.intense_words and claim_dir == "benefit" and not frame.reports_study
            and frame.named and certainty in ("low", "very-low") and not animal_claim
            and not frame.attributed):
        words = ", ".join(f"'{w}'" for w in frame.intense_words[:2])
        return Verdict("overstated", f"claims {words} benefit from {what}, but the evidence is "
                                     f"{certainty} certainty", srcs, ids)
    if (frame.strength == "plain" and claim_dir == "benefit" and not frame.reports_study
            and frame.named and cues.sentence.generic_claim.search(frame.text)
            and certainty in ("low", "very-low") and not animal_claim
            and not _guideline_backed(base, frame)):
        return Verdict("overstated", f"states a benefit of {what} as fact, but the evidence is "
                                     f"{certainty} certainty", srcs, ids)
    mixed = " (other studies disagree)" if oppose else ""
    return Verdict("supported", f"agrees with findings held on {what}: "
                                f"{_said(agree[0].direction)}{mixed}", srcs, ids)


def _guideline_backed(base: EvidenceBase, frame: ClaimFrame) -> bool:
    """Most guidelines we hold recommend it (for this joint, when one is named): a plain
    statement of benefit says no more than they do, whatever the trials' certainty."""
    recs = [r for r in base.recommendations.values() if r.treatment in frame.treatments
            and (not frame.joints or r.joint is None or r.joint in frame.joints)]
    votes = [r.direction for r in recs]
    return votes.count("for") > 2 * votes.count("against")


def _agrees(claim: str | None, finding: str) -> bool:
    return claim == finding or (claim == "no-difference" and finding == "uncertain")


def _opposes(claim: str | None, finding: str) -> bool:
    if claim == "benefit":
        return finding in ("no-difference", "harm")
    if claim in ("no-difference", "harm"):
        return finding == "benefit"
    return False


def _figure_held(frame: ClaimFrame, held: list[Finding]) -> bool:
    """A figure the sentence gives appears, as a figure, in a finding we hold."""
    for fig in frame.figures:
        num = re.search(r"\d+(?:\.\d)?", fig)
        if not num:
            continue
        n = num.group(0)
        unit = r"\s?(%|percent|per cent)" if re.search(r"%|per", fig) else r"\s+(in|out of)\s+\d"
        if any(re.search(rf"(?<![\d.]){re.escape(n)}{unit}", f.clinician + " " + f.plain)
               for f in held):
            return True
    return False


def _said(direction: str | None, frame: ClaimFrame | None = None) -> str:
    if frame is not None:
        if frame.comparator == OTHER_INJECTIONS and direction == "benefit":
            return "does better than other injections"
        return {"benefit": "helps", "no-difference": "does not help",
                "harm": "does harm"}.get(direction or "", "")
    return {"benefit": "a benefit", "no-difference": "no clear benefit",
            "harm": "harm"}.get(direction or "", direction or "")


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _sources(findings: list[Finding]) -> list[str]:
    return list(dict.fromkeys(f.source for f in findings))[:4]
