"""The evidence layer: the domain model, the curated files and the store.

Other layers use only the names below.
"""

from synovia.evidence.models import (
    DOI_RE,
    EvidenceBase,
    Finding,
    PathwayStep,
    Population,
    Recommendation,
    Record,
    RegulatoryStatus,
    Source,
    clean_doi,
)
from synovia.evidence.store import LoadSummary, Store
from synovia.evidence.validate import KnownTerms, Problem, read_evidence

__all__ = [
    "DOI_RE",
    "EvidenceBase",
    "Finding",
    "KnownTerms",
    "LoadSummary",
    "PathwayStep",
    "Population",
    "Problem",
    "Recommendation",
    "Record",
    "RegulatoryStatus",
    "Source",
    "Store",
    "clean_doi",
    "read_evidence",
]
