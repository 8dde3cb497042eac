"""Hybrid retrieval: keyword ranks (FTS5 / PostgreSQL full text) and dense-vector ranks fused
with reciprocal-rank fusion, then filtered to the treatments and joints understood."""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from synovia.evidence import Store
from synovia.search.embed import DIM, get_encoder

RRF_K = 60


@dataclass(frozen=True)
class Hit:
    doc_id: str
    score: float

    @property
    def record_type(self) -> str:
        return self.doc_id.split(":", 1)[0]

    @property
    def record_id(self) -> str:
        return self.doc_id.split(":", 1)[1]


class VectorIndex:
    """All document vectors in one matrix; brute-force cosine is ~1 ms at 10k documents."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._ids: list[str] = []
        self._matrix = np.zeros((0, DIM), dtype=np.float32)
        self._key: tuple | None = None

    def _refresh(self) -> None:
        key = self.store.search_fingerprint()
        if key == self._key:
            return
        rows = self.store.search_vectors()
        ids, vecs = [], []
        for doc_id, status, blob in rows:
            if blob and status == "accepted":
                ids.append(doc_id)
                vecs.append(np.frombuffer(blob, dtype=np.float32))
        self._ids = ids
        self._matrix = np.vstack(vecs) if vecs else np.zeros((0, DIM), dtype=np.float32)
        self._key = key

    def snapshot(self) -> tuple[tuple, list[str], np.ndarray]:
        """(fingerprint, ids, matrix) as of now: one read of the vectors per index change."""
        with self._lock:
            self._refresh()
            return self._key, self._ids, self._matrix

    def search(self, vector: np.ndarray, limit: int = 50) -> list[tuple[str, float]]:
        with self._lock:
            self._refresh()
            if not self._ids:
                return []
            scores = self._matrix @ vector
            n = min(limit, len(scores))
            top = np.argpartition(-scores, n - 1)[:n]
            top = top[np.argsort(-scores[top])]
            return [(self._ids[i], float(scores[i])) for i in top]


def fuse(*rankings: list[tuple[str, float]], k: int = RRF_K) -> list[Hit]:
    """Reciprocal-rank fusion: robust to the two scorers' incomparable scales."""
    scores: dict[str, float] = {}
    for ranking in rankings:
        for rank, (doc_id, _score) in enumerate(ranking):
            scores[doc_id] = scores.get(doc_id, 0.0) + 1.0 / (k + rank + 1)
    return [Hit(d, s) for d, s in sorted(scores.items(), key=lambda kv: -kv[1])]


class Retriever:
    def __init__(self, store: Store, use_vectors: bool = True) -> None:
        self.store = store
        self.use_vectors = use_vectors
        self.vectors = VectorIndex(store)

    def keyword(self, query: str, limit: int = 50) -> list[tuple[str, float]]:
        return self.store.keyword_search(query, limit)

    def dense(self, query: str, limit: int = 50) -> list[tuple[str, float]]:
        if not self.use_vectors:
            return []
        vec = get_encoder().encode([query])[0]
        return self.vectors.search(vec, limit)

    def search(self, query: str, limit: int = 10, allowed: set[str] | None = None,
               depth: int = 60) -> list[Hit]:
        """Fused hits; `allowed` (doc ids) keeps only documents about what was understood."""
        hits = fuse(self.keyword(query, depth), self.dense(query, depth))
        if allowed is not None:
            hits = [h for h in hits if h.doc_id in allowed]
        return hits[:limit]
