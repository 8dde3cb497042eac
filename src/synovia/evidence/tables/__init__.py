"""Every table Synovia stores, on one metadata (`Base.metadata`), so the migrations and the
table definitions can be compared: the evidence base and its search index (`core`), articles
and accounts, conversations, the specialist directory, and literature imports. Importing this
package declares them all."""

from synovia.evidence.tables import articles, conversations, directory, literature
from synovia.evidence.tables.conversations import ConversationRow, TurnRow
from synovia.evidence.tables.core import (
    ROW_TYPES,
    Base,
    EvidenceChange,
    FindingRow,
    IndexState,
    PathwayRow,
    RecommendationRow,
    RecordTerm,
    RegulatoryRow,
    SearchDoc,
    SourceRow,
)

#: Keyword indexes are engine-specific and made by the migrations alone: FTS5 virtual tables and
#: their shadow tables on SQLite, generated `tsv` columns and their GIN indexes on PostgreSQL.
ENGINE_SPECIFIC = ("search_fts", "literature_fts")


def include_in_comparison(obj, name, type_, reflected, compare_to) -> bool:
    """Alembic's filter: compare everything the code declares, not the keyword indexes."""
    if type_ == "table" and name and name.startswith(ENGINE_SPECIFIC):
        return False
    if type_ == "column" and name == "tsv":
        return False
    return not (type_ == "index" and name and name.endswith("_tsv"))


__all__ = [
    "ROW_TYPES", "Base", "ConversationRow", "EvidenceChange", "FindingRow", "IndexState",
    "PathwayRow", "RecommendationRow", "RecordTerm", "RegulatoryRow", "SearchDoc", "SourceRow",
    "TurnRow",
    "articles", "conversations", "directory", "include_in_comparison", "literature",
]
