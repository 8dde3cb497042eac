"""The store's side of literature imports: bulk writes of imported sources with their terms,
bibliographic records and keyword index, reviewers' decisions, and incremental updates of the
answer index. SQL for imports lives here so that nothing above the evidence layer writes it."""

from synovia.evidence.importers.store import (
    ExistingSource,
    LiteratureHitRow,
    LiteratureStore,
    ReviewEntry,
)

__all__ = ["ExistingSource", "LiteratureHitRow", "LiteratureStore", "ReviewEntry"]
