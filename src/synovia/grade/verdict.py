"""The plain-language verdict of a grade: one sentence on what the best human evidence shows
and how sure we are. One home, so answers and directory listings say the same thing."""

from __future__ import annotations

from synovia.grade.rules import Grade

CERTAINTY_PLAIN = {
    "high": "We are quite sure about this.",
    "moderate": "We are fairly sure about this.",
    "low": "We are not very sure: better studies could change this.",
    "very-low": "We are very unsure: the evidence is weak.",
}


def _mid(label: str) -> str:
    """A label as it reads mid-sentence: 'Steroid injection' -> 'steroid injection'."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def other_joints(g: Grade) -> list[str]:
    """The joints borrowed evidence comes from, when none is about the joint asked."""
    if g.joint is None or g.direct or not g.indirect:
        return []
    return sorted({j for f in g.indirect for j in f.joints if j != g.joint})


def plain_verdict(g: Grade, treatment_label: str, joint_label: str | None,
                  others_label: str | None = None, say_none: bool = True) -> str:
    """E.g. 'Studies suggest PRP may ease knee symptoms. We are not very sure: ...'.

    When the evidence comes only from other joints (`others_label`, e.g. "knee"), the
    sentence says so and speaks of those joints, never of the one asked about."""
    t = _mid(treatment_label)
    cap = t[:1].upper() + t[1:]
    if not joint_label or joint_label == "any joint":
        joint_label = None
    for_j = f"for the {joint_label}" if joint_label else "for arthritis"
    symptoms = f"{joint_label} symptoms" if joint_label else "arthritis symptoms"
    if others_label and joint_label and g.best_human_evidence != "none":
        lead = {
            "benefit": f"Studies in the {others_label} suggest it may ease symptoms there.",
            "no-difference": f"Studies in the {others_label} found little or no benefit.",
            "mixed": f"Studies in the {others_label} disagree.",
            "uncertain": f"Studies in the {others_label} are unclear.",
            "comparable": _head_to_head(g, t, others_label),
        }[g.direction]
        none = f"We hold no studies of {t} in the {joint_label}. " if say_none else ""
        return f"{none}{lead} {CERTAINTY_PLAIN[g.certainty]}"
    if g.best_human_evidence == "none":
        if g.preclinical:
            return (f"{cap} has only been tested in animals for this, so we do not know if it "
                    f"helps people.")
        return f"We hold no studies in people of {t} {for_j}."
    if g.direction == "mixed":
        return (f"Studies of {t} {for_j} disagree: some found a benefit and some "
                f"did not. Because the studies disagree, we cannot be sure.")
    lead = {
        "benefit": f"Studies suggest {t} may ease {symptoms}.",
        "no-difference": f"The best studies found little or no benefit from {t} {for_j}.",
        "uncertain": f"It is unclear whether {t} helps "
                     f"{'the ' + joint_label if joint_label else 'arthritis'}.",
        "comparable": _head_to_head(g, t, joint_label),
    }[g.direction]
    if g.direction == "uncertain":
        # "we are quite sure" of an unclear result reads as a contradiction; why it is unclear
        # is said instead, when the studies in people are only uncontrolled ones.
        if g.best_human_evidence in ("case-series", "cohort", "other"):
            lead += " The studies in people so far are small and had no placebo group."
            if g.preclinical:
                lead += " Much of the research is in animals, not people."
        return lead
    return f"{lead} {CERTAINTY_PLAIN[g.certainty]}"


def _head_to_head(g: Grade, t: str, joint_label: str | None) -> str:
    """'In head-to-head studies, X did better than A and about as well as B for the knee.'"""
    said = {"benefit": "better than", "no-difference": "about as well as", "harm": "worse than"}
    parts: dict[str, list[str]] = {}
    for direction, comparator in g.comparisons:
        parts.setdefault(said[direction], []).append(_mid(comparator))
    clauses = [f"{how} {' and '.join(what)}" for how, what in parts.items()]
    for_j = f" for the {joint_label}" if joint_label else ""
    if not clauses:
        return f"It is unclear whether {t} helps{for_j or ' arthritis'}."
    return f"In head-to-head studies, {t} did {' and '.join(clauses)}{for_j}."
