"""Retrieval: the keyword index, the embedding model and rank fusion."""

from synovia.search.embed import Encoder, get_encoder
from synovia.search.index import build_documents, ensure_index, reindex
from synovia.search.retrieve import Hit, Retriever, VectorIndex, fuse

__all__ = ["Encoder", "Hit", "Retriever", "VectorIndex", "build_documents", "ensure_index", "fuse",
           "get_encoder", "reindex"]
