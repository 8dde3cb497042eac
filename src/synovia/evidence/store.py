"""The store: one interface over SQLite (default) or PostgreSQL. It owns every connection and
transaction; nothing above this layer writes SQL."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, delete, event, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker

from synovia.evidence.models import (
    RECORD_TYPES,
    EvidenceBase,
    Finding,
    PathwayStep,
    Recommendation,
    Record,
    RegulatoryStatus,
    Source,
)
from synovia.evidence.tables import (
    ROW_TYPES,
    EvidenceChange,
    IndexState,
    RecordTerm,
    SearchDoc,
    SourceRow,
)

MIGRATIONS = Path(__file__).parent / "migrations"
INDEX_PENDING = "search-index-pending"
FRESH_FOR = 1.0  # seconds a fingerprint read is trusted before the database is asked again
BATCH = 1000
LOAD_LOCK = zlib.crc32(b"synovia-evidence-load")


@dataclass
class LoadSummary:
    """What a load did, per record type."""

    added: dict[str, int] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)
    load_id: str = ""
    changed_ids: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def total_changes(self) -> int:
        return sum(self.added.values()) + sum(self.changed.values()) + sum(self.removed.values())


def content_hash(record: Record) -> str:
    payload = json.dumps(record.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def record_terms(record: Record) -> tuple[set[str], set[str]]:
    """(treatments, joints) a record is about."""
    if isinstance(record, Finding):
        return set(record.treatments), set(record.joints)
    if isinstance(record, Recommendation):
        return {record.treatment}, {record.joint} if record.joint else set()
    if isinstance(record, RegulatoryStatus):
        return {record.treatment}, set()
    if isinstance(record, PathwayStep):
        return set(record.treatments), set()
    if isinstance(record, Source):
        return set(record.treatments), set(record.population.joints)
    return set(), set()


def _columns(kind: str, record: Record) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": record.id,
        "verification": record.verification,
        "data": record.model_dump(mode="json"),
        "content_hash": content_hash(record),
    }
    if isinstance(record, Source):
        row.update(kind=record.kind, title=record.title, year=record.year, doi=record.doi,
                   pmid=record.pmid, url=record.url, origin=record.origin,
                   review_status=record.review_status)
    elif isinstance(record, Finding):
        row.update(source_id=record.source, outcome=record.outcome, direction=record.direction)
    elif isinstance(record, Recommendation):
        row.update(source_id=record.source, treatment=record.treatment, joint=record.joint)
    elif isinstance(record, RegulatoryStatus):
        row.update(source_id=record.source, treatment=record.treatment,
                   jurisdiction=record.jurisdiction)
    elif isinstance(record, PathwayStep):
        row.update(step=record.step)
    return row


class Store:
    """The evidence store. Create one per process; it is safe to share between threads."""

    def __init__(self, url: str, echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 60, "check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            self._sqlite_pragmas(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # Reads take no write lock: on SQLite (WAL) they run beside a writer instead of queueing
        # behind it, and a read inside a write (the publishing gate) cannot deadlock.
        self._readers = sessionmaker(self.engine.execution_options(synovia_read=True),
                                     expire_on_commit=False)
        self._cache: EvidenceBase | None = None
        self._cache_key: tuple | None = None
        # Fingerprints read in the last FRESH_FOR seconds (another process's change shows up
        # within that time; this process's own writes clear them at once).
        self._fresh: dict[str, tuple[float, tuple]] = {}

    @staticmethod
    def _sqlite_pragmas(engine: Engine) -> None:
        @event.listens_for(engine, "connect")
        def _connect(dbapi_conn, _record) -> None:  # pragma: no cover - driver hook
            dbapi_conn.isolation_level = None  # we issue BEGIN ourselves
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=60000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn) -> None:  # pragma: no cover - driver hook
            # IMMEDIATE takes the write lock up front, so two writers queue instead of
            # failing half-way with "database is locked". Readers begin deferred.
            if conn.get_execution_options().get("synovia_read"):
                conn.exec_driver_sql("BEGIN")
            else:
                conn.exec_driver_sql("BEGIN IMMEDIATE")

    # -- schema ------------------------------------------------------------------------------
    def _alembic(self, action: str, revision: str) -> None:
        from alembic import command
        from alembic.config import Config

        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            getattr(command, action)(cfg, revision)

    def upgrade(self, revision: str = "head") -> None:
        self._alembic("upgrade", revision)

    def downgrade(self, revision: str = "base") -> None:
        self._alembic("downgrade", revision)

    def current_revision(self) -> str | None:
        with self.engine.connect() as conn:
            try:
                return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except Exception:  # noqa: BLE001 - no table means no revision yet
                return None

    def table_names(self) -> set[str]:
        from sqlalchemy import inspect

        return set(inspect(self.engine).get_table_names())

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on any error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        finally:
            self._fresh.clear()  # a write here: look at the database again next time

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only unit of work: sees one consistent snapshot and takes no write lock."""
        with self._readers() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()

    # -- loading -----------------------------------------------------------------------------
    def _upsert(self, session: Session, table, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        insert = sqlite_insert if self.is_sqlite else pg_insert
        pk = [c.name for c in table.__table__.primary_key.columns]
        for i in range(0, len(rows), BATCH):
            chunk = rows[i:i + BATCH]
            stmt = insert(table.__table__)
            updates = {c: stmt.excluded[c] for c in chunk[0] if c not in pk}
            stmt = (stmt.on_conflict_do_update(index_elements=pk, set_=updates) if updates
                    else stmt.on_conflict_do_nothing(index_elements=pk))
            session.execute(stmt, chunk)

    def load(
        self,
        base: EvidenceBase,
        progress: Callable[[int], None] | None = None,
        prune: bool = True,
    ) -> LoadSummary:
        """Make the store hold exactly `base` (curated records): insert new, update changed,
        remove what the files no longer hold. One transaction; concurrent loads serialise."""
        summary = LoadSummary(load_id=uuid.uuid4().hex)
        with self.session() as session:
            if not self.is_sqlite:
                session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOAD_LOCK})
            derived = _source_terms(base)
            for kind, row_type in ROW_TYPES.items():
                records: dict[str, Record] = getattr(base, kind)
                query = select(row_type.id, row_type.content_hash)
                if kind == "sources":
                    query = query.where(SourceRow.origin == "curated")
                existing = dict(session.execute(query).all())
                new_rows, term_rows, touched = [], [], []
                added = changed = same = 0
                for rid, record in records.items():
                    row = _columns(kind, record)
                    old = existing.get(rid)
                    if old == row["content_hash"]:
                        same += 1
                        continue
                    if old is None:
                        added += 1
                        change = "added"
                    else:
                        changed += 1
                        change = "changed"
                    new_rows.append(row)
                    touched.append(rid)
                    summary.changed_ids.append((kind, rid, change))
                    treatments, joints = record_terms(record)
                    if kind == "sources":
                        treatments |= derived[0].get(rid, set())
                        joints |= derived[1].get(rid, set())
                    term_rows += [dict(record_type=kind, record_id=rid, field="treatment", term=t)
                                  for t in sorted(treatments)]
                    term_rows += [dict(record_type=kind, record_id=rid, field="joint", term=j)
                                  for j in sorted(joints)]
                gone = sorted(set(existing) - set(records)) if prune else []
                for rid in gone:
                    summary.changed_ids.append((kind, rid, "removed"))
                stale = touched + gone
                for i in range(0, len(stale), BATCH):
                    chunk = stale[i:i + BATCH]
                    session.execute(delete(RecordTerm).where(
                        RecordTerm.record_type == kind, RecordTerm.record_id.in_(chunk)))
                for i in range(0, len(gone), BATCH):
                    session.execute(delete(row_type).where(row_type.id.in_(gone[i:i + BATCH])))
                self._upsert(session, row_type, new_rows)
                self._upsert(session, RecordTerm, term_rows)
                summary.added[kind], summary.changed[kind] = added, changed
                summary.removed[kind], summary.unchanged[kind] = len(gone), same
                if progress:
                    progress(len(records))
            if summary.changed_ids:
                rows = [dict(load_id=summary.load_id, record_type=k, record_id=r, change=c)
                        for k, r, c in summary.changed_ids]
                for i in range(0, len(rows), BATCH):
                    session.execute(EvidenceChange.__table__.insert(), rows[i:i + BATCH])
                # The index is now behind: say so durably, in this same transaction.
                session.merge(IndexState(key=INDEX_PENDING, value=summary.load_id))
        self._cache = None
        return summary

    def pending_load(self) -> str | None:
        """The load whose index is not built yet, if any (see `index_pending`)."""
        with self.reading() as session:
            row = session.get(IndexState, INDEX_PENDING)
            return row.value if row is not None else None

    def index_pending(self) -> bool:
        """Whether the search index is behind the evidence: a load committed and its index
        was never rebuilt (killed, or `--no-index`), or records exist and no index at all."""
        with self.reading() as session:
            if session.get(IndexState, INDEX_PENDING) is not None:
                return True
            has_docs = session.scalar(select(SearchDoc.doc_id).limit(1)) is not None
            has_records = session.scalar(select(SourceRow.id).limit(1)) is not None
            return has_records and not has_docs

    def upsert_sources(self, sources: Iterable[Source]) -> None:
        """Add or replace individual sources (imports); leaves every other record alone."""
        with self.session() as session:
            rows, terms = [], []
            for src in sources:
                rows.append(_columns("sources", src))
                treatments, joints = record_terms(src)
                terms += [dict(record_type="sources", record_id=src.id, field="treatment", term=t)
                          for t in treatments]
                terms += [dict(record_type="sources", record_id=src.id, field="joint", term=j)
                          for j in joints]
            self._upsert(session, SourceRow, rows)
            self._upsert(session, RecordTerm, terms)
        self._cache = None

    # -- reading -----------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        with self.reading() as session:
            return {kind: session.scalar(select(func.count()).select_from(row)) or 0
                    for kind, row in ROW_TYPES.items()}

    def _version(self, session: Session) -> tuple:
        """Cheap fingerprint of the evidence tables: the cache is dropped when it moves."""
        last = session.scalar(select(func.max(EvidenceChange.id)))
        n = session.scalar(select(func.count()).select_from(SourceRow))
        return (last, n)

    def _recent(self, name: str) -> tuple | None:
        seen = self._fresh.get(name)
        if seen and time.monotonic() - seen[0] < FRESH_FOR:
            return seen[1]
        return None

    def evidence(self, include_unreviewed: bool = False) -> EvidenceBase:
        """The whole accepted evidence base in memory (small; cached until the data changes)."""
        recent = self._recent("evidence")
        if recent is not None and self._cache is not None and self._cache_key == (
                recent, include_unreviewed):
            return self._cache
        with self.reading() as session:
            key = (self._version(session), include_unreviewed)
            if self._cache is not None and self._cache_key == key:
                self._fresh["evidence"] = (time.monotonic(), key[0])
                return self._cache
            base = EvidenceBase()
            for kind, row_type in ROW_TYPES.items():
                model = RECORD_TYPES[kind]
                query = select(row_type.data)
                if kind == "sources" and not include_unreviewed:
                    query = query.where(SourceRow.review_status == "accepted")
                target = getattr(base, kind)
                for (data,) in session.execute(query):
                    record = model.model_validate(data)
                    target[record.id] = record
        self._cache, self._cache_key = base, key
        self._fresh["evidence"] = (time.monotonic(), key[0])
        return base

    def get(self, record_id: str) -> tuple[str, Record] | None:
        """Any record by id: (kind, record)."""
        with self.reading() as session:
            for kind, row_type in ROW_TYPES.items():
                data = session.scalar(select(row_type.data).where(row_type.id == record_id))
                if data is not None:
                    return kind, RECORD_TYPES[kind].model_validate(data)
        return None

    def list_records(
        self,
        kind: str,
        treatment: str | None = None,
        joint: str | None = None,
        source_kind: str | None = None,
        limit: int | None = None,
        review_status: str | None = "accepted",
    ) -> list[Record]:
        """Records of one kind, filtered by treatment, joint and (for sources) study kind."""
        row_type = ROW_TYPES[kind]
        query = select(row_type.data).order_by(row_type.id)
        for field_name, value in (("treatment", treatment), ("joint", joint)):
            if value:
                sub = select(RecordTerm.record_id).where(
                    RecordTerm.record_type == kind, RecordTerm.field == field_name,
                    RecordTerm.term == value)
                query = query.where(row_type.id.in_(sub))
        if kind == "sources":
            if source_kind:
                query = query.where(SourceRow.kind == source_kind)
            if review_status:
                query = query.where(SourceRow.review_status == review_status)
        elif source_kind and hasattr(row_type, "source_id"):
            sub = select(SourceRow.id).where(SourceRow.kind == source_kind)
            query = query.where(row_type.source_id.in_(sub))
        if limit:
            query = query.limit(limit)
        model = RECORD_TYPES[kind]
        with self.reading() as session:
            return [model.model_validate(d) for (d,) in session.execute(query)]

    def find_source(self, doi: str | None = None, pmid: str | None = None) -> Source | None:
        with self.reading() as session:
            for column, value in ((SourceRow.doi, doi), (SourceRow.pmid, pmid)):
                if value:
                    data = session.scalar(select(SourceRow.data).where(column == value).limit(1))
                    if data is not None:
                        return Source.model_validate(data)
        return None

    def changes_since(self, change_id: int = 0) -> list[EvidenceChange]:
        with self.reading() as session:
            rows = session.scalars(
                select(EvidenceChange).where(EvidenceChange.id > change_id)
                .order_by(EvidenceChange.id)).all()
            return list(rows)

    # -- search documents --------------------------------------------------------------------
    def replace_search_docs(self, docs: list[dict[str, Any]],
                            built_for: str | None = None) -> None:
        """Rebuild the keyword index from `docs` (doc_id, record_type, record_id, text, status,
        vector) in one transaction, which also clears the pending note of the load the docs
        were built from (`built_for`; a newer load's note stays)."""
        with self.session() as session:
            if built_for is not None:
                session.execute(delete(IndexState).where(IndexState.key == INDEX_PENDING,
                                                         IndexState.value == built_for))
            session.execute(delete(SearchDoc))
            if self.is_sqlite:
                session.execute(text("DELETE FROM search_fts"))
            for i in range(0, len(docs), BATCH):
                chunk = docs[i:i + BATCH]
                session.execute(SearchDoc.__table__.insert(), chunk)
                if self.is_sqlite:
                    session.execute(
                        text("INSERT INTO search_fts(doc_id, text) VALUES (:doc_id, :text)"),
                        [{"doc_id": d["doc_id"], "text": d["text"]} for d in chunk])

    def search_fingerprint(self) -> tuple:
        """Changes whenever the search documents do: lets callers keep vectors in memory
        instead of reading every blob on each query."""
        recent = self._recent("search")
        if recent is not None:
            return recent
        with self.reading() as session:
            docs = session.execute(select(
                func.count(), func.min(SearchDoc.doc_id), func.max(SearchDoc.doc_id))).one()
            last_load = session.scalar(select(func.max(EvidenceChange.id)))
            key = (*docs, last_load)
        self._fresh["search"] = (time.monotonic(), key)
        return key

    def search_vectors(self) -> list[tuple[str, str, bytes | None]]:
        with self.reading() as session:
            return list(session.execute(
                select(SearchDoc.doc_id, SearchDoc.status, SearchDoc.vector)
                .order_by(SearchDoc.doc_id)).all())

    def keyword_search(self, query: str, limit: int = 50, status: str = "accepted"
                       ) -> list[tuple[str, float]]:
        """(doc_id, score) best first; FTS5 bm25 on SQLite, ts_rank on PostgreSQL."""
        terms = [t for t in _query_terms(query)]
        if not terms:
            return []
        with self.reading() as session:
            if self.is_sqlite:
                match = " OR ".join(f'"{t}"' for t in terms)
                rows = session.execute(text(
                    "SELECT f.doc_id, bm25(search_fts) AS score FROM search_fts f "
                    "JOIN search_docs d ON d.doc_id = f.doc_id "
                    "WHERE search_fts MATCH :m AND d.status = :s ORDER BY score LIMIT :n"),
                    {"m": match, "s": status, "n": limit}).all()
                return [(r[0], -float(r[1])) for r in rows]
            tsq = " | ".join(terms)
            rows = session.execute(text(
                "SELECT doc_id, ts_rank_cd(tsv, q) AS score FROM search_docs, "
                "to_tsquery('english', :q) q WHERE tsv @@ q AND status = :s "
                "ORDER BY score DESC LIMIT :n"), {"q": tsq, "s": status, "n": limit}).all()
            return [(r[0], float(r[1])) for r in rows]


def _query_terms(query: str) -> list[str]:
    import re

    words = re.findall(r"[a-z0-9]+", query.lower())
    return [w for w in words if len(w) > 1 and w not in _STOP][:40]


#: Words nearly every document holds: they cost a full scan and rank nothing (the treatments
#: and joints a question names are filtered on separately).
_DOMAIN_STOP = {"injection", "injections", "injected", "shot", "shots", "jab", "jabs", "arthritis",
                "osteoarthritis", "oa", "help", "helps", "work", "works", "good", "treatment",
                "treatments", "therapy", "evidence", "worth", "try", "get", "any", "about"}
_STOP = _DOMAIN_STOP | set(
    ["a", "an", "and", "are", "as", "at", "be", "but", "by", "can", "do", "does", "did", "for",
     "from", "has", "have", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of",
     "on", "or", "our", "should", "so", "than", "that", "the", "their", "them", "then", "there",
     "these", "this", "to", "was", "we", "were", "what", "when", "where", "which", "who", "why",
     "will", "with", "would", "you", "your"]
)


def _source_terms(base: EvidenceBase) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Sources inherit the treatments and joints of the records that cite them."""
    treatments: dict[str, set[str]] = {}
    joints: dict[str, set[str]] = {}
    for kind in ("findings", "recommendations", "regulatory", "pathway"):
        for record in getattr(base, kind).values():
            refs = record.sources if isinstance(record, PathwayStep) else [record.source]
            t, j = record_terms(record)
            for ref in refs:
                treatments.setdefault(ref, set()).update(t)
                joints.setdefault(ref, set()).update(j)
    return treatments, joints
