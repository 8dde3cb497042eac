"""SQL for literature imports, on SQLite and PostgreSQL. Writes run inside a unit of work the
caller opens with `Store.session()`, so a whole import commits or rolls back as one."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    bindparam,
    delete,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from synovia.evidence.models import Source
from synovia.evidence.store import BATCH, LOAD_LOCK, Store, _columns, _query_terms, record_terms
from synovia.evidence.tables import EvidenceChange, RecordTerm, SearchDoc, SourceRow
from synovia.evidence.tables.literature import literature_records, source_reviews, vector_queue

#: Keyword matches ranked per query (newest first beyond that): bounds latency at 1M records.
KEYWORD_CANDIDATES = 5000

@dataclass(frozen=True)
class ExistingSource:
    """A stored source an incoming record may match, with its bibliographic record."""

    source: Source
    bib: dict | None
    text: str | None


@dataclass(frozen=True)
class ReviewEntry:
    source_id: str
    decision: str
    reviewer: str
    reason: str | None
    changes: dict | None
    at: dt.datetime | None


@dataclass(frozen=True)
class LiteratureHitRow:
    key: int
    source_id: str
    status: str
    score: float


@dataclass
class ImportedSource:
    """One source to write with what only imports carry: its bibliographic record and text."""

    source: Source
    bib: dict
    text: str


class LiteratureStore:
    """Imported sources in bulk: executemany on SQLite, COPY on PostgreSQL for new rows."""

    def __init__(self, store: Store) -> None:
        self.store = store

    # -- locking and lookups ----------------------------------------------------------------
    def lock(self, session: Session) -> None:
        """Imports queue behind curated loads (and each other) on PostgreSQL."""
        if not self.store.is_sqlite:
            session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOAD_LOCK})

    def existing(self, session: Session, dois: Iterable[str], pmids: Iterable[str],
                 ids: Iterable[str]) -> tuple[dict[str, ExistingSource], dict[str, ExistingSource],
                                              set[str]]:
        """Stored sources by DOI and by PMID, and which of `ids` are taken."""
        by_doi: dict[str, ExistingSource] = {}
        by_pmid: dict[str, ExistingSource] = {}
        dois, pmids, ids = list(set(dois)), list(set(pmids)), list(set(ids))
        lr = literature_records
        query = select(SourceRow.data, lr.c.bib, lr.c.text).select_from(
            SourceRow.__table__.outerjoin(lr, lr.c.source_id == SourceRow.id))
        for column, values, target in ((SourceRow.doi, dois, by_doi),
                                       (SourceRow.pmid, pmids, by_pmid)):
            for i in range(0, len(values), BATCH):
                chunk = values[i:i + BATCH]
                for data, bib, doc_text in session.execute(query.where(column.in_(chunk))):
                    src = Source.model_validate(data)
                    key = src.doi if column is SourceRow.doi else src.pmid
                    target.setdefault(key, ExistingSource(src, bib, doc_text))
        taken: set[str] = set()
        for i in range(0, len(ids), BATCH):
            taken.update(session.scalars(
                select(SourceRow.id).where(SourceRow.id.in_(ids[i:i + BATCH]))))
        return by_doi, by_pmid, taken

    # -- writing ----------------------------------------------------------------------------
    def write(self, session: Session, new: Sequence[ImportedSource],
              changed: Sequence[ImportedSource], load_id: str) -> None:
        """Insert new imported sources and replace changed ones, with terms, bibliographic
        records, keyword index rows and one change-log row each."""
        if changed:
            self._replace(session, changed, load_id)
        if new:
            self._insert(session, new, load_id)

    def _term_rows(self, items: Sequence[ImportedSource]) -> list[dict[str, Any]]:
        rows = []
        for item in items:
            treatments, joints = record_terms(item.source)
            rows += [dict(record_type="sources", record_id=item.source.id, field="treatment",
                          term=t) for t in sorted(treatments)]
            rows += [dict(record_type="sources", record_id=item.source.id, field="joint",
                          term=j) for j in sorted(joints)]
        return rows

    def _insert(self, session: Session, items: Sequence[ImportedSource], load_id: str) -> None:
        now = dt.datetime.now(dt.UTC)
        sources = [_columns("sources", i.source) for i in items]
        terms = self._term_rows(items)
        changes = [dict(load_id=load_id, record_type="sources", record_id=i.source.id,
                        change="added") for i in items]
        records = [dict(source_id=i.source.id, status=i.source.review_status, text=i.text,
                        bib=i.bib, imported_at=now) for i in items]
        if self.store.is_sqlite:
            last = session.scalar(select(func.max(literature_records.c.id))) or 0
            session.execute(insert(SourceRow.__table__), sources)
            if terms:
                session.execute(insert(RecordTerm.__table__), terms)
            session.execute(insert(EvidenceChange.__table__), changes)
            session.execute(insert(literature_records), records)
            session.execute(text(
                "INSERT INTO literature_fts(rowid, text) SELECT id, text FROM literature_records "
                "WHERE id > :last"), {"last": last})
            session.execute(text(
                "INSERT INTO literature_vector_queue(record_id) SELECT id FROM literature_records "
                "WHERE id > :last"), {"last": last})
            return
        for row in sources:
            row["updated_at"] = now
        self._copy(session, "sources", sources, json_columns={"data"})
        self._copy(session, "record_terms", terms)
        for row in changes:
            row["at"] = now
        self._copy(session, "evidence_changes", changes)
        self._copy(session, "literature_records", records, json_columns={"bib"})
        self._queue_vectors(session, [i.source.id for i in items])

    def _queue_vectors(self, session: Session, source_ids: list[str]) -> None:
        """Mark these sources' records as needing a (new) vector."""
        for i in range(0, len(source_ids), BATCH):
            chunk = source_ids[i:i + BATCH]
            ids = select(literature_records.c.id).where(
                literature_records.c.source_id.in_(chunk)).scalar_subquery()
            session.execute(delete(vector_queue).where(vector_queue.c.record_id.in_(ids)))
            session.execute(vector_queue.insert().from_select(
                ["record_id"], select(literature_records.c.id).where(
                    literature_records.c.source_id.in_(chunk))))

    def _copy(self, session: Session, table: str, rows: list[dict[str, Any]],
              json_columns: set[str] = frozenset()) -> None:
        """COPY rows in: several times faster than INSERT for bulk imports on PostgreSQL."""
        if not rows:
            return
        columns = list(rows[0])
        raw = session.connection().connection.driver_connection
        with raw.cursor() as cur, cur.copy(
                f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in json_columns
                                else row[c] for c in columns])

    def _replace(self, session: Session, items: Sequence[ImportedSource], load_id: str) -> None:
        ids = [i.source.id for i in items]
        for i in range(0, len(ids), BATCH):
            chunk = ids[i:i + BATCH]
            session.execute(delete(RecordTerm).where(
                RecordTerm.record_type == "sources", RecordTerm.record_id.in_(chunk)))
            if self.store.is_sqlite:
                session.execute(text(
                    "INSERT INTO literature_fts(literature_fts, rowid, text) SELECT 'delete', id, "
                    "text FROM literature_records WHERE source_id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": chunk})
        self.store._upsert(session, SourceRow, [_columns("sources", i.source) for i in items])
        terms = self._term_rows(items)
        if terms:
            session.execute(insert(RecordTerm.__table__), terms)
        session.execute(insert(EvidenceChange.__table__), [
            dict(load_id=load_id, record_type="sources", record_id=i, change="changed")
            for i in ids])
        have = set()
        for i in range(0, len(ids), BATCH):
            have.update(session.scalars(select(literature_records.c.source_id).where(
                literature_records.c.source_id.in_(ids[i:i + BATCH]))))
        now = dt.datetime.now(dt.UTC)
        for item in items:
            values = dict(status=item.source.review_status, text=item.text, bib=item.bib)
            if item.source.id in have:
                session.execute(update(literature_records).where(
                    literature_records.c.source_id == item.source.id).values(**values))
            else:
                session.execute(insert(literature_records).values(
                    source_id=item.source.id, imported_at=now, **values))
        if self.store.is_sqlite:
            for i in range(0, len(ids), BATCH):
                session.execute(text(
                    "INSERT INTO literature_fts(rowid, text) SELECT id, text FROM "
                    "literature_records WHERE source_id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": ids[i:i + BATCH]})
        self._queue_vectors(session, ids)

    # -- review decisions -------------------------------------------------------------------
    def decide(self, source: Source, decision: str, reviewer: str, reason: str | None,
               changes: dict | None, change: str | None, text_: str | None = None) -> None:
        """Store a reviewed source, its status in the keyword index, and the decision."""
        with self.store.session() as session:
            self.lock(session)
            items = [ImportedSource(source, {}, text_ or "")]
            session.execute(delete(RecordTerm).where(
                RecordTerm.record_type == "sources", RecordTerm.record_id == source.id))
            self.store._upsert(session, SourceRow, [_columns("sources", source)])
            terms = self._term_rows(items)
            if terms:
                session.execute(insert(RecordTerm.__table__), terms)
            values: dict[str, Any] = {"status": source.review_status}
            if text_ is not None:
                if self.store.is_sqlite:
                    session.execute(text(
                        "INSERT INTO literature_fts(literature_fts, rowid, text) SELECT 'delete', "
                        "id, text FROM literature_records WHERE source_id = :s"), {"s": source.id})
                values.update(text=text_)
            session.execute(update(literature_records).where(
                literature_records.c.source_id == source.id).values(**values))
            if text_ is not None:
                if self.store.is_sqlite:
                    session.execute(text(
                        "INSERT INTO literature_fts(rowid, text) SELECT id, text FROM "
                        "literature_records WHERE source_id = :s"), {"s": source.id})
                self._queue_vectors(session, [source.id])
            if change:  # moves the evidence cache's version in every process
                session.execute(insert(EvidenceChange.__table__).values(
                    load_id=f"review-{source.id}"[:40], record_type="sources",
                    record_id=source.id, change=change))
            session.execute(insert(source_reviews).values(
                source_id=source.id, decision=decision, reviewer=reviewer, reason=reason,
                changes=changes, at=dt.datetime.now(dt.UTC)))
        self.store._cache = None

    def reviews(self, source_id: str) -> list[ReviewEntry]:
        with self.store.reading() as session:
            rows = session.execute(select(source_reviews).where(
                source_reviews.c.source_id == source_id).order_by(source_reviews.c.id)).all()
        return [ReviewEntry(r.source_id, r.decision, r.reviewer, r.reason, r.changes, r.at)
                for r in rows]

    def queue(self, status: str = "unreviewed", limit: int = 50, offset: int = 0
              ) -> tuple[int, list[tuple[Source, dict]]]:
        """Imported sources with `status`, oldest import first, and how many there are."""
        lr = literature_records
        with self.store.reading() as session:
            total = session.scalar(select(func.count()).select_from(lr).where(
                lr.c.status == status)) or 0
            rows = session.execute(
                select(SourceRow.data, lr.c.bib).join(lr, lr.c.source_id == SourceRow.id)
                .where(lr.c.status == status).order_by(lr.c.id).limit(limit).offset(offset)).all()
        return total, [(Source.model_validate(d), b) for d, b in rows]

    def bib(self, source_ids: Iterable[str]) -> dict[str, dict]:
        ids = list(source_ids)
        out: dict[str, dict] = {}
        with self.store.reading() as session:
            for i in range(0, len(ids), BATCH):
                out.update(session.execute(select(
                    literature_records.c.source_id, literature_records.c.bib).where(
                    literature_records.c.source_id.in_(ids[i:i + BATCH]))).all())
        return out

    def counts(self) -> dict[str, int]:
        with self.store.reading() as session:
            return dict(session.execute(select(
                literature_records.c.status, func.count()).group_by(
                literature_records.c.status)).all())

    # -- keyword index and vectors ----------------------------------------------------------
    def keyword(self, query: str, status: str | None = "unreviewed", limit: int = 50
                ) -> list[LiteratureHitRow]:
        """Best matches first: every query word must appear; if too few do, any may."""
        terms = _query_terms(query)
        if not terms:
            return []
        hits = self._keyword(terms, status, limit, every=True)
        if len(hits) < min(limit, 10) and len(terms) > 1:
            seen = {h.key for h in hits}
            hits += [h for h in self._keyword(terms, status, limit, every=False)
                     if h.key not in seen][:limit - len(hits)]
        return hits

    def _keyword(self, terms: list[str], status: str | None, limit: int, every: bool
                 ) -> list[LiteratureHitRow]:
        """Ranks at most KEYWORD_CANDIDATES matches (SQLite: the most recently imported;
        PostgreSQL: the first in storage order): a query whose words are in half a million
        abstracts would otherwise score them all (seconds at 1M). Vector ranks, fused above,
        still search the whole corpus."""
        where_status = "AND r.status = :s" if status else ""
        params: dict[str, Any] = {"s": status, "n": limit, "cap": KEYWORD_CANDIDATES}
        with self.store.reading() as session:
            if self.store.is_sqlite:
                # Candidates first, without touching the wide records table; statuses are
                # then looked up for the best-ranked candidates only.
                params["m"] = (" AND " if every else " OR ").join(f'"{t}"' for t in terms)
                ranked = session.execute(text(
                    "SELECT id, score FROM (SELECT rowid AS id, bm25(literature_fts) AS score "
                    "FROM literature_fts WHERE literature_fts MATCH :m "
                    "ORDER BY rowid DESC LIMIT :cap) ORDER BY score"), params).all()
                hits: list[LiteratureHitRow] = []
                step = max(4 * limit, 200)
                for i in range(0, len(ranked), step):
                    chunk = ranked[i:i + step]
                    found = {r[0]: (r[1], r[2]) for r in session.execute(
                        select(literature_records.c.id, literature_records.c.source_id,
                               literature_records.c.status).where(
                            literature_records.c.id.in_([k for k, _ in chunk])))}
                    for key, score in chunk:
                        sid, st = found.get(key, (None, None))
                        if sid is not None and (status is None or st == status):
                            hits.append(LiteratureHitRow(key, sid, st, -float(score)))
                            if len(hits) >= limit:
                                return hits
                return hits
            params["q"] = (" & " if every else " | ").join(terms)
            # Always through the GIN index, stopping after `cap` matches in storage order:
            # the planner's other choices (a backward scan of the primary key, or a sequential
            # scan, filtering every row) took seconds at 1M rows for half-common words.
            session.execute(text("SET LOCAL enable_seqscan = off"))
            session.execute(text("SET LOCAL enable_indexscan = off"))
            rows = session.execute(text(
                "SELECT id, source_id, status, ts_rank(tsv, q) AS score FROM ("
                "SELECT r.id, r.source_id, r.status, r.tsv, q FROM literature_records r, "
                f"to_tsquery('english', :q) q WHERE r.tsv @@ q {where_status} "
                "LIMIT :cap) c ORDER BY score DESC LIMIT :n"),
                params).all()
            return [LiteratureHitRow(r[0], r[1], r[2], float(r[3])) for r in rows]

    def by_keys(self, keys: Iterable[int]) -> dict[int, tuple[str, str]]:
        """key -> (source_id, status) for vector hits."""
        keys = [int(k) for k in keys]
        out: dict[int, tuple[str, str]] = {}
        with self.store.reading() as session:
            for i in range(0, len(keys), BATCH):
                for k, sid, status in session.execute(select(
                        literature_records.c.id, literature_records.c.source_id,
                        literature_records.c.status).where(
                        literature_records.c.id.in_(keys[i:i + BATCH]))):
                    out[k] = (sid, status)
        return out

    def keys_of(self, source_ids: Iterable[str]) -> dict[str, int]:
        ids = list(source_ids)
        out: dict[str, int] = {}
        with self.store.reading() as session:
            for i in range(0, len(ids), BATCH):
                out.update(session.execute(select(
                    literature_records.c.source_id, literature_records.c.id).where(
                    literature_records.c.source_id.in_(ids[i:i + BATCH]))).all())
        return out

    def pending_vectors(self, limit: int = 1000) -> list[tuple[int, str]]:
        """(key, text) of records whose vector is missing or stale."""
        lr = literature_records
        with self.store.reading() as session:
            return list(session.execute(
                select(lr.c.id, lr.c.text).join(vector_queue, vector_queue.c.record_id == lr.c.id)
                .order_by(lr.c.id).limit(limit)).all())

    def count_pending_vectors(self) -> int:
        with self.store.reading() as session:
            return session.scalar(select(func.count()).select_from(vector_queue)) or 0

    def mark_embedded(self, keys: Iterable[int]) -> None:
        keys = [int(k) for k in keys]
        with self.store.session() as session:
            for i in range(0, len(keys), BATCH):
                session.execute(delete(vector_queue).where(
                    vector_queue.c.record_id.in_(keys[i:i + BATCH])))

    # -- the answer index (search_docs), one document at a time -----------------------------
    def put_search_docs(self, docs: list[dict[str, Any]]) -> None:
        """Add or replace documents of the answer index (accepted imported sources)."""
        ids = [d["doc_id"] for d in docs]
        with self.store.session() as session:
            self._drop_search_docs(session, ids)
            if docs:
                session.execute(insert(SearchDoc.__table__), docs)
                if self.store.is_sqlite:
                    session.execute(text(
                        "INSERT INTO search_fts(doc_id, text) VALUES (:doc_id, :text)"),
                        [{"doc_id": d["doc_id"], "text": d["text"]} for d in docs])

    def drop_search_docs(self, doc_ids: list[str]) -> None:
        with self.store.session() as session:
            self._drop_search_docs(session, doc_ids)

    def _drop_search_docs(self, session: Session, doc_ids: list[str]) -> None:
        for i in range(0, len(doc_ids), BATCH):
            chunk = doc_ids[i:i + BATCH]
            session.execute(delete(SearchDoc).where(SearchDoc.doc_id.in_(chunk)))
            if self.store.is_sqlite:
                session.execute(text("DELETE FROM search_fts WHERE doc_id IN :ids").bindparams(
                    bindparam("ids", expanding=True)), {"ids": chunk})

    def search_doc_ids(self, doc_ids: list[str]) -> set[str]:
        with self.store.reading() as session:
            return set(session.scalars(select(SearchDoc.doc_id).where(
                SearchDoc.doc_id.in_(doc_ids))))
