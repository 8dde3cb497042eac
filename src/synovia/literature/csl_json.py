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
    except RecursionError:
        raise LiteratureFormatError("the JSON is nested too deeply to be CSL-JSON") from None
    except ValueError:  # Python refuses integers of more than 4,300 digits
        raise LiteratureFormatError("a number in the JSON is too long to be a date or an "
                                    "identifier") from None
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
    """A text field: a string or number (the first, for a list); objects are not text."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return None
    return squash(str(value))


def _year(issued: object) -> int | None:
    """From `{"date-parts": [[2017, 5]]}`, else the `raw`/`literal` text, else a plain date."""
    if isinstance(issued, dict):
        parts = issued.get("date-parts")
        if parts is not None and not (isinstance(parts, list) and
                                      all(isinstance(p, list) for p in parts)):
            raise ValueError("'issued.date-parts' is not a list of dates like [[2017, 5, 16]]")
        first = parts[0] if parts else None
        year = first[0] if first else None
        if isinstance(year, float) and year.is_integer():
            year = int(year)
        if isinstance(year, int) and not isinstance(year, bool):
            return year
        if isinstance(year, str) and year.strip().isdigit():
            return int(year)
        if year not in (None, ""):
            shown = repr(year[:20]) if isinstance(year, str) else f"a {type(year).__name__}"
            raise ValueError(f"the year in 'issued.date-parts' ({shown}) is not a number")
        return year_of(_str(issued.get("raw")) or _str(issued.get("literal")))
    return year_of(_str(issued))


def _item(item: dict, position: int) -> LiteratureRecord:
    listed = item.get("author") or []
    if not isinstance(listed, list):
        raise ValueError("'author' is not a list")
    authors = []
    for a in listed:
        if not isinstance(a, dict):
            raise ValueError("an author is not an object")
        name = _str(a.get("literal")) or author_name(_str(a.get("family")), _str(a.get("given")))
        if name:
            authors.append(name)
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
