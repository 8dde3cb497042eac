"""Which format a file is in, and its records as a stream: the one entry point for parsing.
Whole-file problems (empty, binary, not UTF-8, unknown format) raise LiteratureFormatError."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from synovia.literature import bibtex, csl_json, medline, pubmed_xml, ris
from synovia.literature.records import BadRecord, LiteratureFormatError, LiteratureRecord

FORMATS = ("medline", "pubmed-xml", "ris", "bibtex", "csl-json")
EXTENSIONS = {
    ".nbib": "medline", ".medline": "medline", ".xml": "pubmed-xml", ".ris": "ris",
    ".bib": "bibtex", ".bibtex": "bibtex", ".json": "csl-json", ".csl": "csl-json",
}
SNIFF = 8192


def sniff(head: bytes) -> str | None:
    """The format the first bytes look like, or None."""
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        return "pubmed-xml" if "PubmedArticle" in text or "<?xml" in text[:10] else None
    if text[:1] in "[{":
        return "csl-json"
    if re.search(r"^\s*@\w+\s*[{(]", text, re.M) and not re.match(r"PMID-|TY  -", text):
        return "bibtex"
    if re.match(r"PMID- ", text):
        return "medline"
    if re.match(r"TY  -", text):
        return "ris"
    return None


def detect_format(path: Path, head: bytes) -> str:
    by_content = sniff(head)
    by_name = EXTENSIONS.get(path.suffix.lower())
    found = by_content or by_name
    if found is None:
        raise LiteratureFormatError(
            f"cannot tell the format of {path.name}; name it with --format "
            f"({', '.join(FORMATS)})")
    return found


def check_head(head: bytes) -> None:
    if not head.strip(b"\xef\xbb\xbf \t\r\n"):
        raise LiteratureFormatError("the file is empty")
    if b"\x00" in head:
        raise LiteratureFormatError("a binary file, not a bibliographic export")


def _lines(path: Path) -> Iterator[str]:
    with path.open("rb") as fh:
        for n, raw in enumerate(fh, 1):
            try:
                yield raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError:
                raise LiteratureFormatError(f"line {n}: not UTF-8 text") from None


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise LiteratureFormatError(f"line {line}: not UTF-8 text") from None


def read_records(path: Path, fmt: str = "auto"
                 ) -> tuple[str, Iterator[LiteratureRecord | BadRecord]]:
    """(format, records in file order). Parsing is lazy: problems surface while iterating."""
    try:
        with path.open("rb") as fh:
            head = fh.read(SNIFF)
    except OSError as exc:
        raise LiteratureFormatError(f"cannot read {path}: {exc.strerror or exc}") from None
    check_head(head)
    if fmt == "auto":
        fmt = detect_format(path, head)
    if fmt not in FORMATS:
        raise LiteratureFormatError(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    if fmt == "medline":
        return fmt, medline.parse(_lines(path))
    if fmt == "ris":
        return fmt, ris.parse(_lines(path))
    if fmt == "pubmed-xml":
        return fmt, _xml(path)
    if fmt == "bibtex":
        return fmt, bibtex.parse(_text(path))
    return fmt, csl_json.parse(_text(path))


def _xml(path: Path) -> Iterator[LiteratureRecord | BadRecord]:
    with path.open("rb") as fh:
        yield from pubmed_xml.parse(fh)
