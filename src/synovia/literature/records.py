"""What every bibliographic format is read into: one `LiteratureRecord` per reference, or a
`BadRecord` naming where a malformed one sits, so one import routine serves five formats."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synovia.evidence import DOI_RE, clean_doi
from synovia.text import unstorable

YEAR_RE = re.compile(r"(1[89]\d\d|20\d\d|2100)")


class LiteratureFormatError(ValueError):
    """The file as a whole cannot be read (empty, binary, not the format, broken XML/JSON)."""


@dataclass
class BadRecord:
    """A record that cannot become a source: its 1-based position, line and the reason."""

    position: int
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"record {self.position}"
        if self.line:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


@dataclass
class LiteratureRecord:
    """One reference as an exporter wrote it, normalised: authors as 'Surname Initials'."""

    position: int
    line: int | None = None
    title: str = ""
    authors: list[str] = field(default_factory=list)
    journal: str | None = None
    year: int | None = None
    doi: str | None = None
    pmid: str | None = None
    abstract: str | None = None
    publication_types: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    url: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    language: str | None = None

    def problem(self) -> str | None:
        """Why this record cannot be imported, or None when it can."""
        for name, value in vars(self).items():
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str) and (found := unstorable(text)):
                    return f"the {name} field contains {found}"
        if not self.title.strip():
            return "no title"
        if self.year is None:
            return "no publication year"
        if not 1900 <= self.year <= 2100:
            return f"publication year {self.year} is out of range"
        if self.doi and not DOI_RE.match(self.doi):
            return f"malformed DOI {self.doi!r}"
        if self.pmid and not self.pmid.isdigit():
            return f"PMID {self.pmid!r} must be digits"
        if self.url and not re.match(r"^https?://\S+$", self.url):
            return f"URL {self.url!r} must start with http:// or https://"
        if not (self.doi or self.pmid or self.url):
            return "no DOI, PMID or URL to identify it"
        return None

    def bib(self) -> dict:
        """The details a source has no field for (all authors, volume, pages ...), as JSON."""
        return {"authors": list(self.authors), "journal": self.journal,
                "publication_types": list(self.publication_types),
                "keywords": list(self.keywords), "volume": self.volume, "issue": self.issue,
                "pages": self.pages, "language": self.language}


def squash(text: str | None) -> str | None:
    """One line of text with single spaces (exporters wrap and indent long fields)."""
    if text is None:
        return None
    out = re.sub(r"\s+", " ", text).strip()
    return out or None


def year_of(text: str | None) -> int | None:
    """The first four-digit year in a date as exporters write it ('2017 May 16', '2017///')."""
    if not text:
        return None
    m = YEAR_RE.search(str(text))
    return int(m.group(1)) if m else None


def doi_of(text: str | None) -> str | None:
    """A bare DOI from '10.1/x [doi]', 'https://doi.org/10.1/x' or 'doi:10.1/x'."""
    if not text:
        return None
    text = re.sub(r"\s*\[doi\]\s*$", "", str(text).strip(), flags=re.I)
    return clean_doi(text)


def author_name(family: str | None, given: str | None = None) -> str | None:
    """'McAlindon TE' from ('McAlindon', 'Timothy E.'), PubMed's short form."""
    family = squash(family)
    if not family:
        return squash(given)
    # 'Timothy E.' -> 'TE'; given names already written as initials ('TE') stay whole.
    initials = "".join(part if part.isupper() and len(part) <= 3 else part[0]
                       for part in re.split(r"[\s.\-]+", given or "") if part)
    return f"{family} {initials.upper()}".strip()


def split_name(full: str) -> tuple[str, str]:
    """('Family', 'Given') from 'Family, Given' or 'Given Family'."""
    full = squash(full) or ""
    if "," in full:
        family, given = full.split(",", 1)
        return family.strip(), given.strip()
    parts = full.rsplit(" ", 1)
    return (parts[1], parts[0]) if len(parts) == 2 else (full, "")
