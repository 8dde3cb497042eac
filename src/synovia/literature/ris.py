"""RIS (EndNote, Zotero, Mendeley, Scopus, PubMed's citation managers): 'TY  - ' opens a record,
'ER  - ' closes it. Written here rather than with `rispy`, which raised KeyError on a plain
`DO` tag in 0.10 and gives no line numbers; the tag aliases below are the exporters' real ones."""

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

TAG_LINE = re.compile(r"^([A-Z][A-Z0-9])  -(?: (.*))?$")
PMID_NOTE = re.compile(r"PMID:?\s*(\d+)", re.I)


def parse(lines: Iterable[str]) -> Iterator[LiteratureRecord | BadRecord]:
    fields: list[list] | None = None  # None: between records
    start = 0
    position = 0
    for n, raw in enumerate(lines, 1):
        line = raw.rstrip("\r\n").lstrip("\ufeff")
        m = TAG_LINE.match(line)
        if m is None:
            if not line.strip():
                continue
            if fields:  # exporters wrap long values onto unmarked lines
                fields[-1][1] += " " + line.strip()
                continue
            position += 1
            yield BadRecord(position, n, f"text outside a record (no 'TY  - ' line before it): "
                                         f"{line[:40]!r}")
            continue
        tag, value = m.group(1), (m.group(2) or "").strip()
        if tag == "TY":
            if fields is not None:
                position += 1
                yield BadRecord(position, start, "no 'ER  - ' line ends this record")
            fields, start = [[tag, value]], n
        elif tag == "ER":
            if fields is None:
                position += 1
                yield BadRecord(position, n, "'ER  - ' without a record before it")
                continue
            position += 1
            yield _record(fields, position, start)
            fields = None
        elif fields is None:
            position += 1
            yield BadRecord(position, n, f"tag {tag} outside a record (no 'TY  - ' line before it)")
        else:
            fields.append([tag, value])
    if fields is not None:
        yield BadRecord(position + 1, start, "no 'ER  - ' line ends this record")


def _record(fields: list[list], position: int, line: int) -> LiteratureRecord | BadRecord:
    values: dict[str, list[str]] = {}
    for tag, value in fields:
        if value:
            values.setdefault(tag, []).append(value)

    def first(*tags: str) -> str | None:
        for tag in tags:
            if values.get(tag):
                return squash(values[tag][0])
        return None

    authors = [author_name(*split_name(a)) for a in values.get("AU", []) + values.get("A1", [])]
    database = (first("DB", "DP") or "").lower()
    pmid = None
    if "pubmed" in database or "medline" in database:
        pmid = first("AN")
    if pmid is None and "scopus" in database:
        pmid = first("C2")
    urls = values.get("UR", []) + values.get("L2", [])
    for text in values.get("N1", []) + values.get("M1", []) + urls:
        m = PMID_NOTE.search(text) or re.search(r"pubmed\.ncbi\.nlm\.nih\.gov/(\d+)|"
                                                r"ncbi\.nlm\.nih\.gov/pubmed/(\d+)", text)
        if pmid is None and m:
            pmid = next(g for g in m.groups() if g)
    doi = doi_of(first("DO"))
    if doi is None:
        for text in urls + values.get("M3", []) + values.get("N1", []):
            m = re.search(r"(?:doi\.org/|doi:\s*)(10\.\S+)", text, re.I)
            if m:
                doi = doi_of(m.group(1))
                break
    url = next((u for u in urls if u.startswith(("http://", "https://"))), None)
    start, end = first("SP"), first("EP")
    pages = f"{start}-{end}" if start and end else start
    ref_type = first("TY")
    kinds = [squash(v) for v in values.get("M3", []) if v and not v.lower().startswith("10.")]
    return LiteratureRecord(
        position=position, line=line, title=first("TI", "T1") or "",
        authors=[a for a in authors if a],
        journal=first("T2", "JO", "JF", "JA", "J2") if ref_type in ("JOUR", "EJOUR", None)
        else first("T2", "JO", "JF"),
        year=year_of(first("PY", "Y1", "DA")), doi=doi, pmid=pmid,
        abstract=first("AB", "N2"), publication_types=kinds,
        keywords=[squash(k) for k in values.get("KW", [])], url=url,
        volume=first("VL"), issue=first("IS"), pages=pages, language=first("LA"),
    )
