"""Shared text engines: reading grade, sentence splitting, and what text can be stored."""

from synovia.text.readability import fk_grade
from synovia.text.storable import unstorable

__all__ = ["fk_grade", "unstorable"]
