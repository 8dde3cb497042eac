"""Grading: the body of evidence for a (treatment, joint) pair, its certainty and reasons."""

from synovia.grade.rules import LEVELS, Grade, Stance, grade_option
from synovia.grade.verdict import CERTAINTY_PLAIN, other_joints, plain_verdict
from synovia.grade.visibility import shown_tags, visible

__all__ = [
    "CERTAINTY_PLAIN",
    "LEVELS",
    "Grade",
    "Stance",
    "grade_option",
    "other_joints",
    "plain_verdict",
    "shown_tags",
    "visible",
]
