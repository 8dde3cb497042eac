"""BibTeX and BibLaTeX through `bibtexparser` 2: it resolves @string macros, nested braces and
LaTeX accents, which a short function would get wrong."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from synovia.literature.records import (
    BadRecord,
    LiteratureFormatError,
    LiteratureRecord,
    author_name,
    doi_of,
    squash,
    year_of,
)


def parse(text: str) -> Iterator[LiteratureRecord | BadRecord]:
    import bibtexparser
    from bibtexparser import middlewares

    logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)
    library = bibtexparser.parse_string(text, append_middleware=[
        middlewares.LatexDecodingMiddleware(), middlewares.SeparateCoAuthors(),
        middlewares.SplitNameParts()])
    blocks = sorted(list(library.entries) + list(library.failed_blocks),
                    key=lambda b: b.start_line)
    if not blocks:
        raise LiteratureFormatError("no @entry found: not a BibTeX file")
    for position, block in enumerate(blocks, 1):
        line = block.start_line + 1
        if block in library.failed_blocks:
            reason = str(getattr(block, "error", "") or "").splitlines()
            message = "duplicate citation key" if "Duplicate" in type(block).__name__ else (
                "malformed entry" + (f": {reason[-1].strip()}" if reason else ""))
            yield BadRecord(position, line, message)
            continue
        yield _entry(block, position, line)


def _entry(entry, position: int, line: int) -> LiteratureRecord:
    fields = {k.lower(): f.value for k, f in entry.fields_dict.items()}

    def get(*names: str) -> str | None:
        for name in names:
            value = fields.get(name)
            if isinstance(value, str) and value.strip():
                return squash(value)
        return None

    authors = []
    for name in fields.get("author") or []:
        if isinstance(name, str):
            authors.append(squash(name))
            continue
        family = " ".join(name.von + name.last)
        authors.append(author_name(family, " ".join(name.first)))
    pmid = get("pmid")
    if pmid is None and (get("eprinttype") or "").lower() == "pubmed":
        pmid = get("eprint")
    if pmid is None:
        m = re.search(r"PMID:?\s*(\d+)", get("note") or "", re.I)
        pmid = m.group(1) if m else None
    keywords = [k.strip() for k in re.split(r"[;,]", get("keywords") or "") if k.strip()]
    return LiteratureRecord(
        position=position, line=line, title=get("title") or "",
        authors=[a for a in authors if a], journal=get("journal", "journaltitle"),
        year=year_of(get("year", "date")), doi=doi_of(get("doi")), pmid=pmid,
        abstract=get("abstract"), keywords=keywords, url=get("url"), volume=get("volume"),
        issue=get("number", "issue"),
        pages=re.sub(r"\s*(--|\u2013)\s*", "-", get("pages") or "") or None,
        language=get("language", "langid"),
    )
