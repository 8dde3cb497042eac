"""The directory's controlled lists (regions, registers, specialties, guidance, outcome scores,
sectors, licence statuses, transparency items) from data/directory/terms.yaml, validated on
load, so a CSV, a filter and a page all accept and show the same values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from synovia.yamldata import load_text

KINDS = ("regions", "registration_bodies", "specialties", "image_guidance", "outcome_scores",
         "sectors", "licence_statuses", "transparency")


class DirectoryDataError(ValueError):
    """A shipped directory data file is missing or malformed."""


@dataclass(frozen=True)
class Term:
    id: str
    label: str
    pattern: re.Pattern[str] | None = None  # registration bodies: the number's shape
    question: str | None = None  # transparency items: the matching clinic question


@dataclass
class DirectoryTerms:
    lists: dict[str, dict[str, Term]] = field(default_factory=dict)

    def ids(self, kind: str) -> list[str]:
        return list(self.lists[kind])

    def get(self, kind: str, term_id: str) -> Term | None:
        return self.lists[kind].get(term_id)

    def label(self, kind: str, term_id: str) -> str:
        term = self.lists[kind].get(term_id)
        return term.label if term else term_id

    def resolve(self, kind: str, text: str) -> str | None:
        """An id from its id or its label, ignoring case ('Yorkshire and the Humber')."""
        key = text.strip().lower()
        for term in self.lists[kind].values():
            if key in (term.id.lower(), term.label.lower()):
                return term.id
        return None


def load_terms(path: Path) -> DirectoryTerms:
    try:
        data = load_text(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DirectoryDataError(f"{path}: cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise DirectoryDataError(f"{path}: malformed YAML: {exc}") from None
    if not isinstance(data, dict):
        raise DirectoryDataError(f"{path}: top level must be a mapping")
    terms = DirectoryTerms()
    for kind in KINDS:
        entries = data.get(kind)
        if not isinstance(entries, list) or not entries:
            raise DirectoryDataError(f"{path}: '{kind}' must be a non-empty list")
        terms.lists[kind] = {}
        for entry in entries:
            if not isinstance(entry, dict) or not entry.get("id") or not entry.get("label"):
                raise DirectoryDataError(f"{path}: every entry of '{kind}' needs an id and a label")
            pattern = None
            if entry.get("pattern"):
                try:
                    pattern = re.compile(str(entry["pattern"]))
                except re.error as exc:
                    raise DirectoryDataError(
                        f"{path}: {kind} {entry['id']}: bad pattern: {exc}") from None
            tid = str(entry["id"])
            terms.lists[kind][tid] = Term(tid, str(entry["label"]), pattern,
                                          entry.get("question"))
    return terms


@lru_cache(maxsize=4)
def cached_terms(path: Path) -> DirectoryTerms:
    return load_terms(path)
