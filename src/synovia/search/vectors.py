"""Vectors of imported abstracts in an HNSW index file (usearch, int8): searched through a
memory map, so a million vectors take little resident memory and ~1 ms a query, and grown in
place as imports arrive. Keys are `literature_records.id`. SQLite here cannot load vector
extensions and PostgreSQL has no pgvector, so the file lives beside the database."""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import numpy as np
from platformdirs import user_data_dir

from synovia.search.embed import DIM

CONNECTIVITY = 16
EXPANSION_ADD = 64
EXPANSION_SEARCH = 128


def vector_path(database_url: str) -> Path:
    """Where a database's literature vectors live: $SYNOVIA_VECTOR_DIR, else beside a SQLite
    file, else in the user data directory under a name derived from the database URL."""
    name = hashlib.sha1(database_url.split("@")[-1].encode()).hexdigest()[:12]
    from synovia.config import get_settings

    folder = get_settings().vector_dir
    if folder:
        return folder / f"literature-{name}.usearch"
    if database_url.startswith("sqlite:///") and len(database_url) > len("sqlite:///"):
        db = Path(database_url.removeprefix("sqlite:///"))
        return db.with_name(db.name + ".literature.usearch")
    return Path(user_data_dir("synovia", appauthor=False)) / "vectors" / f"{name}.usearch"


class VectorStore:
    """One index file; writers replace it atomically, readers reopen it when it changes."""

    def __init__(self, path: Path, dim: int = DIM) -> None:
        self.path = path
        self.dim = dim
        self._lock = threading.Lock()
        self._view = None
        self._stamp: tuple | None = None

    def _new(self):
        from usearch.index import Index

        return Index(ndim=self.dim, metric="cos", dtype="i8", connectivity=CONNECTIVITY,
                     expansion_add=EXPANSION_ADD, expansion_search=EXPANSION_SEARCH)

    def _load(self):
        index = self._new()
        if self.path.exists():
            index.load(str(self.path))
        return index

    def add(self, keys: np.ndarray, vectors: np.ndarray, threads: int = 0) -> None:
        """Add or replace vectors (unit length, float32) under integer keys."""
        keys = np.asarray(keys, dtype=np.uint64)
        if len(keys) == 0:
            return
        with self._lock:
            index = self._load()
            present = np.asarray(index.contains(keys), dtype=bool).reshape(-1)
            if present.any():
                index.remove(keys[present])
            index.add(keys, np.asarray(vectors, dtype=np.float32), threads=threads)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            index.save(str(tmp))
            os.replace(tmp, self.path)
            self._view = None

    def _current(self):
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        if self._view is None or stamp != self._stamp:
            index = self._new()
            index.view(str(self.path))
            self._view, self._stamp = index, stamp
        return self._view

    def search(self, vector: np.ndarray, limit: int = 50) -> list[tuple[int, float]]:
        """(key, cosine) best first."""
        with self._lock:
            index = self._current()
            if index is None or len(index) == 0:
                return []
            matches = index.search(np.asarray(vector, dtype=np.float32), min(limit, len(index)))
        return [(int(k), 1.0 - float(d)) for k, d in zip(matches.keys, matches.distances,
                                                           strict=True)]

    def __len__(self) -> int:
        with self._lock:
            index = self._current()
            return 0 if index is None else len(index)

    def memory_bytes(self) -> int:
        """Bytes the index file maps (resident only as pages are touched)."""
        return self.path.stat().st_size if self.path.exists() else 0
