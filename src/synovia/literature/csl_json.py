"""CSL-JSON (Zotero, Mendeley, PubMed's citation API, citeproc): a JSON array of items."""

from __future__ import annotations

import json
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
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise LiteratureFormatError(
            f"line {exc.lineno}, column {exc.colno}: not valid JSON ({exc.msg})") from None
    if isinstance(data, dict):
        data = data.get("items", [data])
    if not isinstance(data, list):
        raise LiteratureFormatError("CSL-JSON must be an array of items")
    for position, item in enumerate(data, 1):
        if not isinstance(item, dict):
            yield BadRecord(position, None, "item is not a JSON object")
            continue
        try:
            yield _item(item, position)
        except (TypeError, ValueError, AttributeError) as exc:
            yield BadRecord(position, None, f"malformed item: {exc}")


def _str(value: object) -> str | None:
    if isinstance(value, list):
        value = value[0] if value else None
    return squash(str(value)) if value not in (None, "") else None


def _year(issued: object) -> int | None:
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if parts and parts[0] and parts[0][0] not in (None, ""):
            return int(str(parts[0][0]))
        return year_of(issued.get("raw") or issued.get("literal"))
    return year_of(_str(issued))


def _item(item: dict, position: int) -> LiteratureRecord:
    authors = []
    for a in item.get("author") or []:
        name = a.get("literal") or author_name(a.get("family"), a.get("given"))
        if name:
            authors.append(squash(name))
    keywords = [k.strip() for k in (_str(item.get("keyword")) or "").split(",") if k.strip()]
    return LiteratureRecord(
        position=position, title=_str(item.get("title")) or "", authors=authors,
        journal=_str(item.get("container-title")) or _str(item.get("container-title-short")),
        year=_year(item.get("issued")), doi=doi_of(_str(item.get("DOI"))),
        pmid=_str(item.get("PMID")), abstract=_str(item.get("abstract")),
        publication_types=[t for t in [_str(item.get("genre"))] if t],
        keywords=keywords, url=_str(item.get("URL")), volume=_str(item.get("volume")),
        issue=_str(item.get("issue")), pages=_str(item.get("page")),
        language=_str(item.get("language")),
    )
