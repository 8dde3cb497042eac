"""PubMed XML (efetch / 'Save as XML'): one `PubmedArticle` per record, read as a stream so a
large file never sits in memory whole. defusedxml refuses entity declarations and external
references; PubMed's own DOCTYPE line (no entities) is allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import iterparse

from synovia.literature.medline import _strip_period
from synovia.literature.records import (
    BadRecord,
    LiteratureFormatError,
    LiteratureRecord,
    author_name,
    doi_of,
    squash,
    year_of,
)


def _text(elem: Element | None) -> str | None:
    """All text inside, markup such as <i> or <sup> flattened."""
    return None if elem is None else squash("".join(elem.itertext()))


def parse(stream: IO[bytes]) -> Iterator[LiteratureRecord | BadRecord]:
    position = 0
    seen_root = False
    try:
        for _event, elem in iterparse(stream, events=("end",), forbid_dtd=False):
            if elem.tag == "PubmedArticle":
                seen_root = True
                position += 1
                try:
                    record = _article(elem, position)
                except RecursionError:  # itertext() recurses into markup nested thousands deep
                    record = BadRecord(position, None, "markup nested too deeply")
                yield record
                elem.clear()
            elif elem.tag == "PubmedBookArticle":
                seen_root = True
                position += 1
                yield BadRecord(position, None, "a PubMed book record, not a journal article")
                elem.clear()
    except ParseError as exc:
        line, col = getattr(exc, "position", (None, None))
        raise LiteratureFormatError(
            f"line {line}, column {col}: the XML is not well-formed (after record {position})"
        ) from None
    except EntitiesForbidden as exc:
        raise LiteratureFormatError(
            f"the XML declares an entity ({exc.name!r}); entity declarations are refused, since "
            f"they can expand without bound, and PubMed's exports have none") from None
    except DefusedXmlException as exc:
        raise LiteratureFormatError(
            f"the XML refers to an external resource, which is refused ({exc})") from None
    if not seen_root:
        raise LiteratureFormatError("no <PubmedArticle> element: not a PubMed XML file")


def _article(elem: Element, position: int) -> LiteratureRecord | BadRecord:
    citation = elem.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    if citation is None or article is None:
        return BadRecord(position, None, "PubmedArticle without MedlineCitation/Article")
    pmid = _text(citation.find("PMID"))
    authors = []
    for a in article.findall("AuthorList/Author"):
        collective = _text(a.find("CollectiveName"))
        name = collective or author_name(_text(a.find("LastName")),
                                         _text(a.find("ForeName")) or _text(a.find("Initials")))
        if name:
            authors.append(name)
    parts = []
    for node in article.findall("Abstract/AbstractText"):
        text = _text(node)
        if text:
            label = node.get("Label")
            parts.append(f"{label}: {text}" if label else text)
    doi = None
    for node in article.findall("ELocationID"):
        if node.get("EIdType") == "doi":
            doi = doi_of(_text(node))
    for node in elem.findall("PubmedData/ArticleIdList/ArticleId"):
        if node.get("IdType") == "doi" and doi is None:
            doi = doi_of(_text(node))
    date = article.find("Journal/JournalIssue/PubDate")
    year = None
    if date is not None:
        year = year_of(_text(date.find("Year")) or _text(date.find("MedlineDate")))
    if year is None:
        year = year_of(_text(article.find("ArticleDate/Year")))
    keywords = [_text(k) for k in citation.findall("KeywordList/Keyword")]
    keywords += [_text(m) for m in citation.findall("MeshHeadingList/MeshHeading/DescriptorName")]
    return LiteratureRecord(
        position=position, title=_strip_period(_text(article.find("ArticleTitle")) or ""),
        authors=authors,
        journal=(_text(article.find("Journal/Title"))
                 or _text(article.find("Journal/ISOAbbreviation"))),
        year=year, doi=doi, pmid=pmid, abstract=" ".join(parts) or None,
        publication_types=[t for t in (_text(p) for p in article.findall(
            "PublicationTypeList/PublicationType")) if t],
        keywords=[k for k in keywords if k],
        volume=_text(article.find("Journal/JournalIssue/Volume")),
        issue=_text(article.find("Journal/JournalIssue/Issue")),
        pages=_text(article.find("Pagination/MedlinePgn")),
        language=_text(article.find("Language")),
    )
