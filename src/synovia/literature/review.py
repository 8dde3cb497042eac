"""The review queue: imported sources wait here until a reviewer accepts, edits or rejects
them. Only accepted sources reach answers; every decision is logged with who and why."""

from __future__ import annotations

import typing

from synovia.evidence import Source, Store
from synovia.evidence.importers import LiteratureStore, ReviewEntry
from synovia.evidence.models import SourceKind
from synovia.search.literature import literature_text, sync_answer_docs
from synovia.vocab import Vocabulary

KINDS = typing.get_args(SourceKind)


class ReviewError(ValueError):
    """A decision that cannot be taken (unknown id, curated source, unknown term)."""


class ReviewQueue:
    def __init__(self, store: Store, vocab: Vocabulary, with_vectors: bool = True) -> None:
        self.store = store
        self.vocab = vocab
        self.records = LiteratureStore(store)
        self.with_vectors = with_vectors

    def pending(self, status: str = "unreviewed", limit: int = 50, offset: int = 0
                ) -> tuple[int, list[Source]]:
        total, rows = self.records.queue(status, limit, offset)
        return total, [s for s, _ in rows]

    def _imported(self, source_id: str) -> Source:
        found = self.store.get(source_id)
        if found is None or found[0] != "sources":
            raise ReviewError(f"no source with id {source_id!r}")
        source = found[1]
        if source.origin != "import":
            raise ReviewError(f"{source_id} is a curated source: change it in data/evidence/")
        return source

    def _decide(self, before: Source, after: Source, decision: str, reviewer: str,
                reason: str | None = None, changes: dict | None = None) -> Source:
        was, now = before.review_status == "accepted", after.review_status == "accepted"
        change = ("added" if now and not was else "removed" if was and not now
                  else "changed" if now else None)
        text = None
        if changes:
            keywords = (self.records.bib([after.id]).get(after.id) or {}).get("keywords", [])
            text = literature_text(after, keywords, self.vocab)
        self.records.decide(after, decision, reviewer, reason, changes, change, text)
        if was or now:
            sync_answer_docs(self.store, self.vocab, [after], with_vectors=self.with_vectors)
        return after

    def accept(self, source_id: str, reviewer: str) -> Source:
        before = self._imported(source_id)
        after = before.model_copy(update={"review_status": "accepted"})
        return self._decide(before, after, "accepted", reviewer)

    def reject(self, source_id: str, reviewer: str, reason: str) -> Source:
        if not reason.strip():
            raise ReviewError("say why the source is rejected (--reason)")
        before = self._imported(source_id)
        after = before.model_copy(update={"review_status": "rejected"})
        return self._decide(before, after, "rejected", reviewer, reason.strip())

    def edit(self, source_id: str, reviewer: str, kind: str | None = None,
             treatments: list[str] | None = None, joints: list[str] | None = None,
             title: str | None = None) -> Source:
        """Correct what the importer guessed; the status stays as it was."""
        before = self._imported(source_id)
        changes: dict = {}
        if kind is not None:
            if kind not in KINDS:
                raise ReviewError(f"unknown kind {kind!r}; use one of: {', '.join(KINDS)}")
            changes["kind"] = kind
        for name, values, known in (("treatments", treatments, self.vocab.treatment_ids),
                                    ("joints", joints, self.vocab.joint_ids)):
            if values is not None:
                unknown = sorted(set(values) - known)
                if unknown:
                    raise ReviewError(f"unknown {name[:-1]} id(s): {', '.join(unknown)}")
                changes[name] = sorted(set(values))
        if title is not None and title.strip():
            changes["title"] = title.strip()
        if not changes:
            raise ReviewError("nothing to change: give --kind, --treatment, --joint or --title")
        update = {k: v for k, v in changes.items() if k != "joints"}
        if "joints" in changes:
            update["population"] = before.population.model_copy(
                update={"joints": changes["joints"]})
        after = Source.model_validate({**before.model_dump(), **update,
                                       "population": (update.get("population")
                                                      or before.population).model_dump()})
        return self._decide(before, after, "edited", reviewer, changes=changes)

    def history(self, source_id: str) -> list[ReviewEntry]:
        return self.records.reviews(source_id)
