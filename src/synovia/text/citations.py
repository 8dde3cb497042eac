"""The one citation routine for everything Synovia writes.

Composers never write numbers. They write placeholders, `cite("source-id")` → `⟦source-id⟧`,
and `number_citations()` turns the finished text into `[n]` markers numbered in order of first
appearance, returning the reference list built from exactly those placeholders. A marker
without a reference or a reference without a marker cannot come out of it."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

_OPEN, _CLOSE = "\u27e6", "\u27e7"
_PLACEHOLDER = re.compile(rf"{_OPEN}([^{_CLOSE}]+){_CLOSE}")
# A run of adjacent placeholders ("⟦a⟧⟦b⟧") becomes one marker "[1,2]".
_RUN = re.compile(rf"(?:\s*{_OPEN}[^{_CLOSE}]+{_CLOSE})+")


class CitationError(ValueError):
    """A placeholder names a source the caller cannot describe."""


def cite(*source_ids: str) -> str:
    """Placeholders for one or more sources, to be numbered later."""
    return "".join(f"{_OPEN}{sid}{_CLOSE}" for sid in dict.fromkeys(source_ids) if sid)


def strip_citations(text: str) -> str:
    """The text with every placeholder removed (for measuring reading grade, say)."""
    return _RUN.sub("", text)


@dataclass(frozen=True)
class Numbered:
    texts: list[str]
    order: list[str]  # source ids, index + 1 = the number

    def number_of(self, source_id: str) -> int:
        return self.order.index(source_id) + 1


def number_citations(
    texts: Sequence[str], known: Callable[[str], bool] | None = None
) -> Numbered:
    """Replace placeholders across `texts` (in reading order) with `[n]` markers.

    `known` says whether a source id can be listed as a reference; an unknown one raises,
    so a marker can never point at nothing.
    """
    order: list[str] = []
    seen: dict[str, int] = {}

    def number(sid: str) -> int:
        if sid not in seen:
            if known is not None and not known(sid):
                raise CitationError(f"cannot cite unknown source {sid!r}")
            order.append(sid)
            seen[sid] = len(order)
        return seen[sid]

    def marker(match: re.Match[str]) -> str:
        ids = _PLACEHOLDER.findall(match.group(0))
        nums = sorted({number(sid) for sid in ids})
        return " [" + ",".join(str(n) for n in nums) + "]"

    out = [_RUN.sub(marker, text) for text in texts]
    return Numbered(out, order)


def markers_in(text: str) -> list[int]:
    """Every citation number in `[1]`, `[2,3]` style markers (used by tests and audits)."""
    nums: list[int] = []
    for group in re.findall(r"\[(\d+(?:\s*,\s*\d+)*)\]", text):
        nums += [int(n) for n in group.split(",")]
    return nums


def check_consistent(texts: Iterable[str], reference_numbers: Iterable[int]) -> list[str]:
    """Problems, if any: markers with no reference, references with no marker."""
    used = {n for t in texts for n in markers_in(t)}
    refs = set(reference_numbers)
    problems = [f"marker [{n}] has no reference" for n in sorted(used - refs)]
    problems += [f"reference {n} is never cited" for n in sorted(refs - used)]
    return problems


def to_placeholders(text: str, order: Sequence[str]) -> str:
    """The inverse of numbering: `[n]` markers back to placeholders for the sources in
    `order` (index + 1 = n), so texts numbered apart can be numbered again as one."""
    def back(match: re.Match[str]) -> str:
        nums = [int(n) for n in re.split(r"\s*,\s*", match.group(1))]
        if any(not 1 <= n <= len(order) for n in nums):
            raise CitationError(f"marker [{match.group(1)}] has no reference")
        return cite(*(order[n - 1] for n in nums))

    return re.sub(r"\s?\[(\d+(?:\s*,\s*\d+)*)\]", back, text)


def comparable(text: str) -> str:
    """Text reduced to its words (no markers, emphasis, punctuation or case): how a sentence
    Synovia wrote is recognised again after an editor's hands (the publishing gate)."""
    text = re.sub(r"\s*\[\d+(?:\s*,\s*\d+)*\]", "", text)
    text = re.sub(r"\*\*?([^*]+)\*\*?", r"\1", text)
    return " ".join(re.findall(r"[^\W_]+", text.lower()))
