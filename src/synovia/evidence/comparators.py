"""What a finding was compared with, read from its free-text `comparator`: one reading shared
by grading (controlled? blinded? head-to-head?), answers and the checker. The words are data:
`data/lexicon/comparators.yaml`, validated when first read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from synovia.yamldata import read_lexicon

FILE = "comparators.yaml"


@dataclass(frozen=True)
class ComparatorWords:
    placebo: re.Pattern[str]
    inactive: re.Pattern[str]
    uncontrolled: re.Pattern[str]
    other_care: re.Pattern[str]


@lru_cache(maxsize=4)
def comparator_words(folder: Path | None = None) -> ComparatorWords:
    """The compiled words, from `folder` (default: the configured lexicon folder)."""
    path, data = read_lexicon(FILE, folder)
    try:
        return ComparatorWords(**{k: re.compile(str(data[k]), re.I) for k in
                                  ("placebo", "inactive", "uncontrolled", "other_care")})
    except (KeyError, TypeError, re.error) as exc:
        raise ValueError(f"{path}: comparator words missing or malformed: {exc!r}") from None


def is_placebo(comparator: str | None) -> bool:
    """Against placebo, saline or sham: a blinded comparison."""
    return bool(comparator) and bool(comparator_words().placebo.search(comparator))


def is_active(comparator: str | None) -> bool:
    """Against another active treatment (not placebo, usual care, nothing or baseline)."""
    return bool(comparator) and not comparator_words().inactive.search(comparator)


def is_uncontrolled(comparator: str | None) -> bool:
    """No control group: the person's own starting point."""
    return bool(comparator) and bool(comparator_words().uncontrolled.search(comparator))


def is_other_care(comparator: str | None) -> bool:
    """Against care (exercise, advice, placebo, usual care) rather than another injection."""
    return bool(comparator) and bool(comparator_words().other_care.search(comparator))
