"""SQLAlchemy tables for the evidence base. Each record keeps its full validated shape as JSON
(the YAML is the truth; columns exist for filtering) and a hash to detect changes on load."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, Float, Index, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class _RecordColumns:
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    verification: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    # Nullable in the schema (as migrated); always filled by the database's default.
    updated_at: Mapped[datetime | None] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )


class SourceRow(_RecordColumns, Base):
    __tablename__ = "sources"

    kind: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(Text)
    year: Mapped[int] = mapped_column(Integer)
    doi: Mapped[str | None] = mapped_column(String(300), index=True)
    pmid: Mapped[str | None] = mapped_column(String(20), index=True)
    url: Mapped[str | None] = mapped_column(Text)
    origin: Mapped[str] = mapped_column(String(20), default="curated", index=True)
    review_status: Mapped[str] = mapped_column(String(20), default="accepted", index=True)


class FindingRow(_RecordColumns, Base):
    __tablename__ = "findings"

    source_id: Mapped[str] = mapped_column(String(200), index=True)
    outcome: Mapped[str] = mapped_column(String(40))
    direction: Mapped[str] = mapped_column(String(40))


class RecommendationRow(_RecordColumns, Base):
    __tablename__ = "recommendations"

    source_id: Mapped[str] = mapped_column(String(200), index=True)
    treatment: Mapped[str] = mapped_column(String(80), index=True)
    joint: Mapped[str | None] = mapped_column(String(40))


class RegulatoryRow(_RecordColumns, Base):
    __tablename__ = "regulatory"

    source_id: Mapped[str] = mapped_column(String(200), index=True)
    treatment: Mapped[str] = mapped_column(String(80), index=True)
    jurisdiction: Mapped[str] = mapped_column(String(20))


class PathwayRow(_RecordColumns, Base):
    __tablename__ = "pathway"

    step: Mapped[float] = mapped_column(Float)


class RecordTerm(Base):
    """Which treatments and joints a record is about: the filter behind `--treatment/--joint`."""

    __tablename__ = "record_terms"

    record_type: Mapped[str] = mapped_column(String(20), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    field: Mapped[str] = mapped_column(String(20), primary_key=True)
    term: Mapped[str] = mapped_column(String(80), primary_key=True)

    __table_args__ = (Index("ix_record_terms_lookup", "field", "term", "record_type"),)


class EvidenceChange(Base):
    """What each load added, changed or removed: feeds re-review flags on published articles."""

    __tablename__ = "evidence_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    load_id: Mapped[str] = mapped_column(String(40), index=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    change: Mapped[str] = mapped_column(String(10))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                server_default=func.now())


class SearchDoc(Base):
    """One searchable text per record (keyword index and its embedding vector)."""

    __tablename__ = "search_docs"

    doc_id: Mapped[str] = mapped_column(String(220), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(20))
    record_id: Mapped[str] = mapped_column(String(200), index=True)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="accepted")
    vector: Mapped[bytes | None] = mapped_column(LargeBinary)


class IndexState(Base):
    """A durable note that the search index is behind the evidence: written in the same
    transaction as an evidence load, removed in the same transaction as the rebuilt index. A
    load killed between the two leaves it, and the next start rebuilds the index."""

    __tablename__ = "index_state"

    key: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                server_default=func.now())


ROW_TYPES = {
    "sources": SourceRow,
    "findings": FindingRow,
    "recommendations": RecommendationRow,
    "regulatory": RegulatoryRow,
    "pathway": PathwayRow,
}
