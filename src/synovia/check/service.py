"""The check pipeline: article → parse → resolve references → find claims → judge → score."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from synovia.check.citations import check_citations
from synovia.check.claims import Judge, find_claims
from synovia.check.context import ArticleContext
from synovia.check.parse import Document, parse
from synovia.check.quality import discern, omissions
from synovia.check.report import ClaimOut, Quality, Report
from synovia.evidence import Store
from synovia.search import VectorIndex
from synovia.search.embed import DIM
from synovia.vocab import Lexicon, Vocabulary


@dataclass
class Checker:
    store: Store
    vocab: Vocabulary
    lexicon: Lexicon
    use_vectors: bool = True
    _index: VectorIndex = field(init=False, repr=False)
    _claimable: tuple | None = field(default=None, init=False, repr=False)

    claim_cues: object = None

    def __post_init__(self) -> None:
        self._index = VectorIndex(self.store)
        if self.claim_cues is None and self.lexicon.folder is not None:
            from synovia.check.frames import load_claim_cues

            self.claim_cues = load_claim_cues(self.lexicon.folder / "claims.yaml")

    @classmethod
    def from_platform(cls, syn, use_vectors: bool = True) -> Checker:
        from synovia.vocab import cached_lexicon

        return cls(syn.store, syn.vocab, cached_lexicon(syn.settings.lexicon_dir), use_vectors)

    def _vectors(self) -> tuple[list[str], np.ndarray] | None:
        """Vectors of findings, recommendations and regulatory records, kept in memory until
        the search index changes."""
        if not self.use_vectors:
            return None
        key, ids, matrix = self._index.snapshot()
        if self._claimable is None or self._claimable[0] != key:
            keep = [i for i, d in enumerate(ids) if not d.startswith(("sources:", "pathway:"))]
            rows = matrix[keep] if keep else np.zeros((0, DIM), dtype=np.float32)
            self._claimable = (key, [ids[i] for i in keep], rows)
        return self._claimable[1], self._claimable[2]

    def for_publishing(self, body: str, faq: list[dict] | None = None,
                       content: dict | None = None) -> tuple[bool, dict[str, int], list[dict]]:
        """The publishing gate's verdict on an article version (see `check.gate`)."""
        from synovia.check.gate import article_text, judge

        report, _ = self.check(article_text(body, faq or [], content), "markdown")
        held = set(self.store.evidence().sources)
        return judge(report, body, faq or [], content, held)

    def _similarity(self):
        """The encoder and the evidence vectors, loaded on first need (see `Judge`)."""
        vectors = self._vectors()
        if not vectors or not vectors[0]:
            return None
        from synovia.search import get_encoder

        return get_encoder(), vectors

    def check(self, raw: bytes | str, fmt: str = "auto") -> tuple[Report, Document]:
        doc = parse(raw, fmt)
        base = self.store.evidence()
        ctx = ArticleContext(doc, base, self.vocab, self.lexicon, self.claim_cues)
        citations = check_citations(doc, base, ctx)
        claims = Judge(ctx, base, citations, self._similarity).judge_all(find_claims(ctx))
        citations.add_contradicted(claims)
        from synovia.check.bias import commercial, hype, load_signals

        signals = load_signals(self.lexicon.folder / "commercial.yaml") \
            if self.lexicon.folder else ()
        bias = commercial(doc, signals)
        language = hype(doc, self.lexicon, about_core_care=ctx.about_core_care)
        missing = omissions(ctx, doc.text, citations)
        score, items = discern(ctx, doc.text, claims, citations, missing, bias)
        counts = {v: sum(1 for c in claims if c.verdict == v)
                  for v in ("supported", "overstated", "contradicted", "unsupported")}
        counts["citation_defects"] = citations.defect_count
        counts["uncited_claims"] = sum(1 for c in claims if not c.cited)
        report = Report(
            title=doc.title, format=doc.format, words=doc.word_count,
            citations=citations.as_dict(),
            claims=[ClaimOut(**c.as_dict()) for c in claims],
            omissions=missing, quality=Quality(score=score, items=[i.as_dict() for i in items]),
            summary=counts, bias=bias, language=language)
        return report, doc
