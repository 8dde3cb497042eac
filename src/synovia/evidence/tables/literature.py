"""Tables of literature imports: each imported source's bibliographic record and text (its
integer id is also its key in the vector index), the queue of records waiting for a vector,
and the log of reviewers' decisions. The keyword index beside them is engine-specific (an
FTS5 table on SQLite, a generated tsvector column on PostgreSQL) and made by the migration."""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, Index, Integer, String, Table, Text, func

from synovia.evidence.tables.core import Base

literature_records = Table(
    "literature_records", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(200), nullable=False, unique=True),
    Column("status", String(20), nullable=False, server_default="unreviewed"),
    Column("text", Text, nullable=False),
    Column("bib", JSON, nullable=False),
    Column("imported_at", DateTime(timezone=True), server_default=func.now()),
    Index("ix_literature_records_status", "status"),
)
vector_queue = Table(
    "literature_vector_queue", Base.metadata,
    Column("record_id", Integer, primary_key=True, autoincrement=False),
)
source_reviews = Table(
    "source_reviews", Base.metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("source_id", String(200), nullable=False),
    Column("decision", String(20), nullable=False),
    Column("reviewer", String(200), nullable=False),
    Column("reason", Text),
    Column("changes", JSON),
    Column("at", DateTime(timezone=True), server_default=func.now()),
    Index("ix_source_reviews_source_id", "source_id"),
)
