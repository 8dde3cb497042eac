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


def plain_verdict(g: Grade, treatment_label: str, joint_label: str) -> str:
    """E.g. 'Studies suggest PRP may ease knee symptoms. We are not very sure: ...'."""
    t = _mid(treatment_label)
    cap = t[:1].upper() + t[1:]
    if g.best_human_evidence == "none":
        if g.preclinical:
            return (f"{cap} has only been tested in animals for this, so we do not know if it "
                    f"helps people.")
        return f"We hold no studies in people of {t} for the {joint_label}."
    if g.direction == "mixed":
        return (f"Studies of {t} for the {joint_label} disagree: some found a benefit and some "
                f"did not. Because the studies disagree, we cannot be sure.")
    lead = {
        "benefit": f"Studies suggest {t} may ease {joint_label} symptoms.",
        "no-difference": f"The best studies found little or no benefit from {t} for the "
                         f"{joint_label}.",
        "uncertain": f"It is unclear whether {t} helps the {joint_label}.",
        "comparable": _head_to_head(g, t, joint_label),
    }[g.direction]
    return f"{lead} {CERTAINTY_PLAIN[g.certainty]}"


def _head_to_head(g: Grade, t: str, joint_label: str) -> str:
    """'In head-to-head studies, X did better than A and about as well as B for the knee.'"""
    said = {"benefit": "better than", "no-difference": "about as well as", "harm": "worse than"}
    parts: dict[str, list[str]] = {}
    for direction, comparator in g.comparisons:
        parts.setdefault(said[direction], []).append(_mid(comparator))
    clauses = [f"{how} {' and '.join(what)}" for how, what in parts.items()]
    if not clauses:
        return f"It is unclear whether {t} helps the {joint_label}."
    return f"In head-to-head studies, {t} did {' and '.join(clauses)} for the {joint_label}."
