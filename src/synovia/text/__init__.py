"""Shared text engines: reading grade and sentence splitting."""

from synovia.text.readability import fk_grade

__all__ = ["fk_grade"]
