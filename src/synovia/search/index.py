"""Turn evidence records into search documents and (re)build the index after each load."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from synovia.evidence import EvidenceBase, PathwayStep, Source, Store
from synovia.search.embed import get_encoder
from synovia.vocab import Vocabulary


def document_text(record, base: EvidenceBase, vocab: Vocabulary | None) -> str:
    """Both audiences' sentences, the names of what it is about, and the source's title."""
    parts: list[str] = []
    if isinstance(record, Source):
        parts += [record.title, record.notes or "", record.abstract or ""]
        treatments = record.treatments
    else:
        parts += [getattr(record, "title", ""), record.plain, record.clinician]
        treatments = getattr(record, "treatments", None) or [getattr(record, "treatment", "")]
        refs = record.sources if isinstance(record, PathwayStep) else [record.source]
        for ref in refs:
            src = base.sources.get(ref)
            if src:
                parts.append(src.title)
    if vocab:
        parts += [vocab.label("treatment", t) for t in treatments if t]
    return " ".join(p for p in parts if p)


def build_documents(base: EvidenceBase, vocab: Vocabulary | None) -> list[dict]:
    docs = []
    for kind in ("findings", "recommendations", "regulatory", "pathway", "sources"):
        for rid, record in getattr(base, kind).items():
            status = record.review_status if isinstance(record, Source) else "accepted"
            docs.append({
                "doc_id": f"{kind}:{rid}", "record_type": kind, "record_id": rid,
                "text": document_text(record, base, vocab), "status": status, "vector": None,
            })
    return docs


def reindex(store: Store, vocab: Vocabulary | None, with_vectors: bool = True,
            progress: Callable[[int], None] | None = None) -> int:
    """Rebuild keyword and vector indexes from the store's current evidence. Only accepted
    records: unreviewed imports (possibly millions) live in the literature index instead."""
    pending = store.pending_load()  # read first: a load committed after this stays pending
    base = store.evidence()
    docs = build_documents(base, vocab)
    if with_vectors and docs:
        encoder = get_encoder()
        for i in range(0, len(docs), 64):
            chunk = docs[i:i + 64]
            vecs = encoder.encode([d["text"] for d in chunk])
            for d, v in zip(chunk, vecs, strict=True):
                d["vector"] = v.astype(np.float32).tobytes()
            if progress:
                progress(len(chunk))
    store.replace_search_docs(docs, built_for=pending)
    return len(docs)


def ensure_index(store: Store, vocab: Vocabulary | None) -> bool:
    """Rebuild the search index if a load left it behind (killed before indexing, or run
    with --no-index): the durable note survives the crash, so the next start catches up.
    Returns whether it rebuilt. Cheap when nothing is pending (one or two reads)."""
    if not store.index_pending():
        return False
    reindex(store, vocab)
    return True
