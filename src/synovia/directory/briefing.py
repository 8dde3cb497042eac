"""What a listing page tells a patient beyond the listing itself: for each treatment offered,
the graded evidence and its regulatory status (from grade/, the same truth answers and checks
use), the transparency checklist with what the clinic answered and what it did not, and the
questions to ask (data/lexicon/questions.yaml)."""

from __future__ import annotations

from dataclasses import dataclass, field

from synovia.directory.model import TRANSPARENCY, Listing
from synovia.directory.terms import DirectoryTerms
from synovia.evidence import EvidenceBase
from synovia.grade import Grade, grade_option, plain_verdict, visible
from synovia.vocab import Lexicon, Vocabulary

STATUS_PLAIN = {
    "approved": "approved", "cleared-device": "cleared as a device", "unapproved": "not approved",
    "investigational": "only allowed in research", "off-label": "used off-label",
    "ce-marked": "CE-marked", "unknown": "status unknown",
}
MAX_QUESTIONS = 8


@dataclass
class JointVerdict:
    joint: str | None
    joint_label: str
    certainty: str
    verdict: str
    guidelines: str
    reasons: list[str]


@dataclass
class RegulatoryLine:
    jurisdiction: str
    status: str
    text: str
    source: str
    secondary: bool = False  # checked against a secondary source only


@dataclass
class TreatmentEvidence:
    treatment: str
    label: str
    verdicts: list[JointVerdict] = field(default_factory=list)
    regulatory: list[RegulatoryLine] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)  # jurisdictions with no checked record


@dataclass
class ChecklistItem:
    id: str
    label: str
    answer: str | None
    question: str | None  # what to ask when the answer is missing


@dataclass
class Question:
    text: str
    sources: list[str]


@dataclass
class Briefing:
    treatments: list[TreatmentEvidence]
    checklist: list[ChecklistItem]
    questions: list[Question]

    @property
    def answered(self) -> int:
        return sum(1 for item in self.checklist if item.answer)


def verdict_sentence(g: Grade, treatment_label: str, joint_label: str) -> str:
    """One plain sentence from a grade (the same wording the answers use)."""
    return plain_verdict(g, treatment_label, joint_label)


def guideline_sentence(g: Grade) -> str:
    against, for_ = len(g.against), len(g.for_)
    if against and for_:
        return "Guidelines disagree about it."
    if against:
        return "Most guidelines advise against it." if against > 1 else \
            "A guideline advises against it."
    if for_:
        return "Guidelines support it as an option." if for_ > 1 else "A guideline supports it."
    return "No guideline we hold takes a position on it." if g.stances else ""


def treatment_evidence(base: EvidenceBase, vocab: Vocabulary, treatment: str,
                       joints: list[str]) -> TreatmentEvidence:
    label = vocab.label("treatment", treatment)
    out = TreatmentEvidence(treatment, label)
    for joint in joints or [None]:
        g = grade_option(base, treatment, joint, audience="patient")
        joint_label = vocab.label("joint", joint) if joint else "joints"
        out.verdicts.append(JointVerdict(joint, joint_label if joint else "any joint",
                                         g.certainty, verdict_sentence(g, label, joint_label),
                                         guideline_sentence(g), list(g.reasons)))
    # Only a status checked against its own source is shown to patients; any other record's
    # jurisdiction is named as "no checked statement yet" (so its absence is visible).
    records = grade_option(base, treatment, None).regulatory
    shown = [r for r in records if visible(r, "patient")]
    for r in shown:
        out.regulatory.append(RegulatoryLine(r.jurisdiction, STATUS_PLAIN.get(r.status, r.status),
                                             r.plain, r.source, r.verification == "secondary"))
    out.unchecked = sorted({r.jurisdiction for r in records} - {r.jurisdiction for r in shown})
    return out


def briefing(listing: Listing, base: EvidenceBase, vocab: Vocabulary, lexicon: Lexicon,
             terms: DirectoryTerms) -> Briefing:
    questions_by_id = {q.id: q for q in lexicon.questions}
    shown = [q for q in lexicon.questions if q.applies_to(listing.treatments)
             and all(s in base.sources for s in q.sources)]
    checklist = []
    for key in TRANSPARENCY:
        term = terms.get("transparency", key)
        answer = listing.transparency.get(key)
        if key == "licence" and answer:
            answer = terms.label("licence_statuses", answer)
        q = questions_by_id.get(term.question) if term and term.question else None
        checklist.append(ChecklistItem(key, term.label if term else key, answer,
                                       q.plain if q else None))
    return Briefing(
        treatments=[treatment_evidence(base, vocab, t, listing.joints)
                    for t in listing.treatments],
        checklist=checklist,
        questions=[Question(q.plain, list(q.sources)) for q in shown[:MAX_QUESTIONS]])
