"""PubMed/MEDLINE text (.nbib): 'TAG - value' lines, 6-space continuations, blank lines between
records. Short enough to read directly; it keeps line numbers for error messages and reads the
DOI from `LID`/`AID ... [doi]`, which the `nbib` package missed."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from synovia.literature.records import (
    BadRecord,
    LiteratureRecord,
    author_name,
    doi_of,
    split_name,
    squash,
    year_of,
)

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9]{0,3}) {0,3}- ?(.*)$")


def parse(lines: Iterable[str]) -> Iterator[LiteratureRecord | BadRecord]:
    fields: list[list] = []  # [tag, value, line]
    start = 0
    position = 0
    broken: str | None = None
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n")
        if not line.strip():
            if fields or broken:
                position += 1
                yield _record(fields, position, start, broken)
                fields, broken = [], None
            continue
        if not fields and broken is None:
            start = n
        if line.startswith("      ") and fields:
            fields[-1][1] += " " + line.strip()
            continue
        m = TAG_LINE.match(line)
        if m is None:
            broken = broken or f"line {n} is not a 'TAG - value' line: {line[:40]!r}"
            continue
        fields.append([m.group(1), m.group(2), n])
    if fields or broken:
        yield _record(fields, position + 1, start, broken)


def _record(fields: list[list], position: int, line: int, broken: str | None
            ) -> LiteratureRecord | BadRecord:
    if broken:
        return BadRecord(position, line, broken)
    values: dict[str, list[str]] = {}
    for tag, value, _n in fields:
        values.setdefault(tag, []).append(value.strip())

    def first(tag: str) -> str | None:
        return squash(values.get(tag, [None])[0])

    if "PMID" not in values and "TI" not in values:
        return BadRecord(position, line, "not a MEDLINE record (no PMID or TI line)")
    authors = [author_name(*split_name(a)) for a in values.get("FAU", [])]
    if not authors:
        authors = [squash(a) for a in values.get("AU", [])]
    authors += [squash(c) for c in values.get("CN", [])]
    doi = None
    for tag in ("LID", "AID"):
        for value in values.get(tag, []):
            if value.lower().endswith("[doi]") and doi is None:
                doi = doi_of(value)
    title = first("TI") or ""
    return LiteratureRecord(
        position=position, line=line, title=_strip_period(title),
        authors=[a for a in authors if a], journal=first("JT") or first("TA"),
        year=year_of(first("DP")), doi=doi, pmid=first("PMID"), abstract=first("AB"),
        publication_types=[squash(v) for v in values.get("PT", []) if v],
        keywords=[squash(v) for v in values.get("OT", []) + values.get("MH", []) if v],
        volume=first("VI"), issue=first("IP"), pages=first("PG"), language=first("LA"),
    )


def _strip_period(title: str) -> str:
    """PubMed ends every title with a full stop; curated titles carry none."""
    return title[:-1] if title.endswith(".") and not title.endswith("..") else title
