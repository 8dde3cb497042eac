"""Import a bibliographic export into sources waiting for review. One transaction: a file with
a malformed record writes nothing unless the caller skips bad records; re-importing the same
file changes nothing; a record that matches a stored source by DOI or PMID updates it."""

from __future__ import annotations

import hashlib
import re
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from synovia.evidence import Source, Store
from synovia.evidence.importers import ExistingSource, LiteratureStore
from synovia.evidence.importers.store import ImportedSource
from synovia.literature.classify import species_of, study_kind, tag_terms
from synovia.literature.formats import read_records
from synovia.literature.records import BadRecord, LiteratureRecord
from synovia.search.literature import literature_text
from synovia.vocab import Vocabulary

CHUNK = 2000
#: Fields a bibliographic database owns; a change in them sends a reviewed source back.
BIBLIOGRAPHIC = ("title", "author", "journal", "year", "doi", "pmid", "url", "abstract")
MARKERS = {"medline": rb"(?m)^PMID- ", "ris": rb"(?m)^TY  -", "pubmed-xml": rb"<PubmedArticle>",
           "bibtex": rb"(?m)^\s*@(?!string|comment|preamble)\w+\s*[{(]"}


@dataclass
class ImportReport:
    """What an import did (or, when `written` is False, would have done)."""

    format: str = ""
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    curated: list[str] = field(default_factory=list)
    bad: list[BadRecord] = field(default_factory=list)
    written: bool = False
    #: Updated sources: their answer-index documents follow them once the import commits.
    touched: list[Source] = field(default_factory=list)

    @property
    def records(self) -> int:
        return (self.added + self.updated + self.unchanged + self.duplicates + len(self.curated)
                + len(self.bad))


class _Abort(Exception):
    """Rolls the import's transaction back."""


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def source_id(record: LiteratureRecord) -> str:
    """'mcalindon-2017-28510679': first author, year, and the PMID (else a hash of the DOI or
    title), so the same reference gets the same id in every import."""
    surname = slug(record.authors[0].rsplit(" ", 1)[0]) if record.authors else ""
    surname = (surname or "anon")[:40].strip("-")
    if record.pmid:
        tail = record.pmid
    else:
        tail = hashlib.sha1((record.doi or record.url or record.title).encode()).hexdigest()[:8]
    return f"{surname}-{record.year}-{tail}"


def to_source(record: LiteratureRecord, vocab: Vocabulary) -> Source:
    """An unreviewed source from a record: kind from types or wording, terms from the vocab."""
    kind = study_kind(record)
    treatments, joints = tag_terms(record, vocab)
    return Source(
        id=source_id(record), kind=kind, title=record.title, year=record.year,
        author=record.authors[0] if record.authors else None, journal=record.journal,
        doi=record.doi, pmid=record.pmid, url=record.url, abstract=record.abstract,
        population={"joints": joints, "species": species_of(record, kind)},
        treatments=treatments, verification="unverified", review_status="unreviewed",
        origin="import")


def merge(old: Source, new: Source, new_types: bool = True) -> Source:
    """The stored source updated from a newer record; what the newer record lacks is kept.
    A reviewer's kind and terms stand; a changed title, abstract or identifier sends a
    reviewed source back to the queue."""
    update = {f: getattr(new, f) if getattr(new, f) is not None else getattr(old, f)
              for f in BIBLIOGRAPHIC}
    if old.review_status == "unreviewed":
        update.update(treatments=new.treatments, population=new.population)
        if new_types:  # a format without publication types must not undo one that had them
            update["kind"] = new.kind
    elif any(update[f] != getattr(old, f) for f in BIBLIOGRAPHIC):
        update["review_status"] = "unreviewed"
    return old.model_copy(update=update)


def merge_bib(old: dict | None, new: dict) -> dict:
    """Bibliographic details: the newer record's, except where it has none."""
    merged = dict(old or {})
    merged.update({k: v for k, v in new.items() if v not in (None, "", [])})
    return merged


def _chunks(items: Iterable, size: int) -> Iterator[list]:
    chunk: list = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def estimate_records(path: Path, fmt: str) -> int | None:
    """A quick count of record markers, for the progress bar (None for JSON)."""
    pattern = MARKERS.get(fmt)
    if pattern is None:
        return None
    regex = re.compile(pattern)
    count, tail = 0, b""
    with path.open("rb") as fh:
        while block := fh.read(1 << 22):
            cut = block.rfind(b"\n") + 1 or len(block)
            count += len(regex.findall(tail + block[:cut]))
            tail = block[cut:]
    return count + len(regex.findall(tail))


class Importer:
    """Turns records into sources and writes them through the literature store."""

    def __init__(self, store: Store, vocab: Vocabulary) -> None:
        self.store = store
        self.vocab = vocab
        self.records = LiteratureStore(store)

    def run(self, records: Iterable[LiteratureRecord | BadRecord], fmt: str = "",
            skip_bad: bool = False, progress: Callable[[int], None] | None = None
            ) -> ImportReport:
        report = ImportReport(format=fmt)
        load_id = f"import-{uuid.uuid4().hex[:24]}"
        seen: dict[str, str] = {}  # doi:/pmid: key -> source id written by this import
        try:
            with self.store.session() as session:
                self.records.lock(session)
                for chunk in _chunks(records, CHUNK):
                    good = []
                    for record in chunk:
                        problem = record if isinstance(record, BadRecord) else None
                        if problem is None:
                            message = record.problem()
                            if message is None:
                                try:
                                    good.append((record, to_source(record, self.vocab)))
                                except ValidationError as exc:
                                    message = exc.errors()[0]["msg"]
                            if message is not None:
                                problem = BadRecord(record.position, record.line, message)
                        if problem is not None:
                            report.bad.append(problem)
                    if report.bad and not skip_bad:
                        good = []  # keep reading to name every bad record; write no more
                    if good:
                        self._write(session, good, report, seen, load_id)
                    if progress:
                        progress(len(chunk))
                if report.bad and not skip_bad:
                    raise _Abort
        except _Abort:
            report.touched = []
            return report
        report.written = True
        self.store._cache = None
        return report

    def _write(self, session, good: list[tuple[LiteratureRecord, Source]], report: ImportReport,
               seen: dict[str, str], load_id: str) -> None:
        by_doi, by_pmid, taken = self.records.existing(
            session, [s.doi for _, s in good if s.doi], [s.pmid for _, s in good if s.pmid],
            [s.id for _, s in good])
        new: list[ImportedSource] = []
        changed: list[ImportedSource] = []
        for record, incoming in good:
            keys = [k for k in (f"doi:{incoming.doi}" if incoming.doi else None,
                                f"pmid:{incoming.pmid}" if incoming.pmid else None) if k]
            if any(k in seen for k in keys):
                report.duplicates += 1
                continue
            match: ExistingSource | None = (by_doi.get(incoming.doi) if incoming.doi else None) \
                or (by_pmid.get(incoming.pmid) if incoming.pmid else None)
            bib = record.bib()
            if match is not None and match.source.origin == "curated":
                report.curated.append(match.source.id)
                seen.update((k, match.source.id) for k in keys)
                continue
            if match is not None:
                merged = merge(match.source, incoming, bool(record.publication_types))
                bib = merge_bib(match.bib, bib)
                doc = literature_text(merged, bib.get("keywords", []), self.vocab)
                seen.update((k, merged.id) for k in keys)
                if merged == match.source and bib == match.bib and doc == match.text:
                    report.unchanged += 1
                    continue
                changed.append(ImportedSource(merged, bib, doc))
                report.updated += 1
                report.touched.append(merged)
                continue
            sid, n = incoming.id, 2
            while sid in taken:
                sid, n = f"{incoming.id}-{n}", n + 1
            incoming = incoming.model_copy(update={"id": sid}) if sid != incoming.id else incoming
            taken.add(sid)
            seen.update((k, sid) for k in keys)
            new.append(ImportedSource(incoming, bib,
                                      literature_text(incoming, record.keywords, self.vocab)))
            report.added += 1
        self.records.write(session, new, changed, load_id)


def import_file(store: Store, vocab: Vocabulary, path: Path, fmt: str = "auto",
                skip_bad: bool = False, progress: Callable[[int], None] | None = None
                ) -> ImportReport:
    """Parse `path` and import it (raises LiteratureFormatError for unreadable files)."""
    fmt, records = read_records(path, fmt)
    return Importer(store, vocab).run(records, fmt, skip_bad=skip_bad, progress=progress)
