"""Search and incremental indexing of imported literature: keyword ranks from the literature
keyword index fused with vector ranks from the vector file. Imports index only what they
added or changed; reviewers' decisions move accepted sources into the answer index."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

from synovia.evidence import Source, Store
from synovia.evidence.importers import LiteratureStore
from synovia.search.embed import get_encoder
from synovia.search.index import document_text
from synovia.search.retrieve import fuse
from synovia.search.vectors import VectorStore, vector_path
from synovia.vocab import Vocabulary


@dataclass(frozen=True)
class LiteratureHit:
    source_id: str
    status: str
    score: float


class LiteratureIndex:
    """The reviewers' search over imported abstracts (any status, unreviewed by default)."""

    def __init__(self, store: Store, vectors: VectorStore | None = None,
                 use_vectors: bool = True) -> None:
        self.store = store
        self.records = LiteratureStore(store)
        self.vectors = vectors or VectorStore(vector_path(store.url))
        self.use_vectors = use_vectors

    def embed_pending(self, progress: Callable[[int], None] | None = None,
                      batch: int = 256, flush: int = 4096) -> int:
        """Embed every imported record whose vector is missing or stale; returns how many.
        Vectors are written every `flush` records: each write rewrites the index file."""
        done = 0
        encoder = get_encoder()
        while True:
            rows = self.records.pending_vectors(flush)
            if not rows:
                return done
            keys = np.array([k for k, _ in rows], dtype=np.uint64)
            parts = []
            for i in range(0, len(rows), batch):
                parts.append(encoder.encode([t for _, t in rows[i:i + batch]]))
                if progress:
                    progress(len(rows[i:i + batch]))
            self.vectors.add(keys, np.vstack(parts))
            self.records.mark_embedded(keys.tolist())
            done += len(rows)

    def add_vectors(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        """Vectors computed elsewhere (the benchmark's synthetic ones): stored, marked done."""
        self.vectors.add(keys, vectors, threads=0)
        self.records.mark_embedded(np.asarray(keys).tolist())

    def search(self, query: str, status: str | None = "unreviewed", limit: int = 20,
               depth: int = 100, query_vector: np.ndarray | None = None) -> list[LiteratureHit]:
        keyword = self.records.keyword(query, status, depth)
        statuses = {h.source_id: h.status for h in keyword}
        rankings = [[(h.source_id, h.score) for h in keyword]]
        if self.use_vectors and len(self.vectors):
            vec = query_vector if query_vector is not None else get_encoder().encode([query])[0]
            found = self.vectors.search(vec, depth)
            rows = self.records.by_keys(k for k, _ in found)
            dense = []
            for key, score in found:
                if key in rows and (status is None or rows[key][1] == status):
                    dense.append((rows[key][0], score))
                    statuses[rows[key][0]] = rows[key][1]
            rankings.append(dense)
        return [LiteratureHit(h.doc_id, statuses[h.doc_id], h.score)
                for h in fuse(*rankings)[:limit]]


def literature_text(source: Source, keywords: Iterable[str], vocab: Vocabulary | None) -> str:
    """What the keyword index and the vector see: title, abstract, keywords, and the
    vocabulary's names for the tagged treatments (so 'PRP' finds 'platelet-rich plasma')."""
    parts = [source.title, source.abstract or "", " ".join(keywords)]
    if vocab:
        parts += [vocab.label("treatment", t, "clinician") for t in source.treatments]
    return " ".join(p for p in parts if p)


def sync_answer_docs(store: Store, vocab: Vocabulary | None, sources: Iterable[Source],
                     with_vectors: bool = True) -> None:
    """Accepted sources get a document in the answer index; others lose theirs. Only these
    sources are touched, never a full rebuild."""
    from synovia.evidence import EvidenceBase

    records = LiteratureStore(store)
    sources = list(sources)
    accepted = [s for s in sources if s.review_status == "accepted"]
    others = [f"sources:{s.id}" for s in sources if s.review_status != "accepted"]
    if others:
        records.drop_search_docs(others)
    if not accepted:
        return
    base = EvidenceBase()
    docs = [{"doc_id": f"sources:{s.id}", "record_type": "sources", "record_id": s.id,
             "text": document_text(s, base, vocab), "status": "accepted", "vector": None}
            for s in accepted]
    if with_vectors:
        vecs = get_encoder().encode([d["text"] for d in docs])
        for d, v in zip(docs, vecs, strict=True):
            d["vector"] = v.astype(np.float32).tobytes()
    records.put_search_docs(docs)
