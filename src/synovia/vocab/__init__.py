"""Terminology and language rules: what the other layers may use from `vocab/`."""

from synovia.vocab.lexicon import (
    ClinicQuestion,
    HypeTerm,
    Lexicon,
    LexiconError,
    Rule,
    cached_lexicon,
    load_lexicon,
)
from synovia.vocab.vocabulary import (
    Match,
    Term,
    Vocabulary,
    VocabularyError,
    load_vocabulary,
    normalise,
)

__all__ = [
    "ClinicQuestion",
    "HypeTerm",
    "Lexicon",
    "LexiconError",
    "Match",
    "Rule",
    "Term",
    "Vocabulary",
    "VocabularyError",
    "cached_lexicon",
    "load_lexicon",
    "load_vocabulary",
    "normalise",
]
