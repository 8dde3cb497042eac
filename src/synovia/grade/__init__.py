"""Grading: the body of evidence for a (treatment, joint) pair, its certainty and reasons."""

from synovia.grade.rules import LEVELS, Grade, Stance, grade_option
from synovia.grade.verdict import CERTAINTY_PLAIN, plain_verdict

__all__ = ["CERTAINTY_PLAIN", "LEVELS", "Grade", "Stance", "grade_option", "plain_verdict"]
