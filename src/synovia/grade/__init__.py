"""Grading: the body of evidence for a (treatment, joint) pair, its certainty and reasons."""

from synovia.grade.rules import LEVELS, Grade, Stance, grade_option

__all__ = ["LEVELS", "Grade", "Stance", "grade_option"]
