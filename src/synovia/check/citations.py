"""Citation integrity: markers with no reference, references never cited, duplicates, malformed
DOIs, and mismatches between what a sentence says and what its cited reference is about.
References are resolved against the evidence base by DOI first, then by title similarity."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from synovia.check.context import ArticleContext, Terms
from synovia.check.parse import Document, Reference, Sentence
from synovia.evidence import EvidenceBase, Source

TITLE_MATCH = 88.0


def _plain_title(title: str) -> str:
    """A title as compared: lower case, without authors before it or the journal after it."""
    text = title.lower()
    text = re.sub(r"^[^.]{0,80}?\bet al\.?,?\s*", "", text)
    return re.sub(r"[^a-z0-9 ]+", " ", text).strip()
@dataclass
class Resolved:
    reference: Reference
    source: Source | None = None
    how: str | None = None  # doi | title
    score: float = 0.0
    terms: Terms = field(default_factory=Terms)

    @property
    def label(self) -> str:
        if self.source:
            return f"{self.source.id} ({self.source.title[:80]})"
        return (self.reference.title or self.reference.text)[:100]

    def as_dict(self) -> dict:
        return {"n": self.reference.n, "title": self.reference.title, "year": self.reference.year,
                "first_author": self.reference.first_author,
                "doi": self.reference.doi, "urls": self.reference.urls,
                "evidence_id": self.source.id if self.source else None, "resolved_by": self.how,
                "verification": self.source.verification if self.source else None}


@dataclass
class Mismatch:
    marker: int
    sentence: str
    reference: str | None
    reason: str
    start: int = 0

    def as_dict(self) -> dict:
        return {"marker": self.marker, "sentence": self.sentence, "reference": self.reference,
                "reason": self.reason, "start": self.start}


@dataclass
class CitationReport:
    markers: list[int]
    references: list[int]
    missing_references: list[int]
    uncited_references: list[int]
    mismatches: list[Mismatch]
    duplicates: list[dict]
    malformed_dois: list[dict]
    resolved: list[Resolved]
    marker_styles: list[str]
    no_inline_markers: bool
    missing_citations: list[str] = field(default_factory=list)  # author-date with no entry

    def add_contradicted(self, claims: list) -> None:
        """A sentence the evidence contradicts, citing a source whose own findings are among
        that evidence, cites it for the opposite of what it found: a citation mismatch too."""
        by_n = {r.reference.n: r for r in self.resolved if r.source is not None}
        seen = {(m.marker, m.start) for m in self.mismatches}
        for claim in claims:
            if claim.verdict != "contradicted":
                continue
            for n in claim.sentence.markers:
                target = by_n.get(n)
                if target is None or target.source.id not in claim.evidence or \
                        (n, claim.sentence.start) in seen:
                    continue
                seen.add((n, claim.sentence.start))
                self.mismatches.append(Mismatch(
                    n, claim.sentence.text, target.label,
                    f"reference {n} is cited for this, but it found otherwise: {claim.reason}",
                    claim.sentence.start))

    @property
    def defect_count(self) -> int:
        return (len(self.missing_references) + len(self.uncited_references) + len(self.mismatches)
                + len(self.duplicates) + len(self.malformed_dois) + int(self.no_inline_markers)
                + len(self.missing_citations))

    def as_dict(self) -> dict:
        return {
            "markers": self.markers, "references": self.references,
            "missing_references": self.missing_references,
            "uncited_references": self.uncited_references,
            "mismatches": [m.as_dict() for m in self.mismatches],
            "duplicates": self.duplicates, "malformed_dois": self.malformed_dois,
            "resolved": [r.as_dict() for r in self.resolved],
            "marker_styles": self.marker_styles, "no_inline_markers": self.no_inline_markers,
            "missing_citations": self.missing_citations,
        }


def resolve(ref: Reference, base: EvidenceBase, ctx: ArticleContext,
            by_doi: dict[str, Source]) -> Resolved:
    res = Resolved(reference=ref)
    if ref.doi and ref.doi in by_doi:
        res.source, res.how, res.score = by_doi[ref.doi], "doi", 100.0
    elif ref.title and len(ref.title) >= 12:
        # The whole title must match, not a few shared words: "Platelet-rich plasma for knee
        # osteoarthritis" is the topic of many papers and the title of none in particular.
        best, best_score = None, 0.0
        title = _plain_title(ref.title)
        for src in base.sources.values():
            score = fuzz.ratio(title, _plain_title(src.title))
            if ref.year and src.year and abs(ref.year - src.year) > 1:
                score -= 20
            if score > best_score:
                best, best_score = src, score
        if best is not None and best_score >= TITLE_MATCH:
            res.source, res.how, res.score = best, "title", best_score
    res.terms = ctx.terms_of_reference(ref, res.source)
    return res


def check_citations(doc: Document, base: EvidenceBase, ctx: ArticleContext) -> CitationReport:
    by_doi = {s.doi: s for s in base.sources.values() if s.doi}
    resolved = [resolve(r, base, ctx, by_doi) for r in doc.references]
    ref_numbers = [r.n for r in doc.references]
    body = doc.body_sentences
    markers = sorted({m for s in body for m in s.markers})
    missing = sorted(set(markers) - set(ref_numbers))
    uncited = sorted(set(ref_numbers) - set(markers))

    duplicates: list[dict] = []
    seen_n: dict[int, int] = {}
    for r in doc.references:
        seen_n[r.n] = seen_n.get(r.n, 0) + 1
    for n, count in seen_n.items():
        if count > 1:
            duplicates.append({"numbers": [n] * count, "reason": f"number {n} is used "
                               f"for {count} different entries"})
    for i, a in enumerate(resolved):
        for b in resolved[i + 1:]:
            ra, rb = a.reference, b.reference
            same = (ra.doi and ra.doi == rb.doi) or (
                a.source is not None and a.source is b.source) or (
                ra.title and rb.title and len(ra.title) > 20 and
                fuzz.ratio(ra.title.lower(), rb.title.lower()) >= 95)
            if same and ra.n != rb.n:
                duplicates.append({"numbers": [ra.n, rb.n],
                                   "reason": f"references {ra.n} and {rb.n} are the same work"})
    malformed = [{"n": r.n, "doi": r.raw_doi, "reason": "not a valid DOI (10.NNNN/suffix)"}
                 for r in doc.references if not r.doi_valid]

    by_n = {r.reference.n: r for r in resolved}
    mismatches: list[Mismatch] = []
    for sent in body:
        for n in sent.markers:
            target = by_n.get(n)
            if target is None:
                continue
            reason = mismatch_reason(sent, target, ctx)
            if reason:
                mismatches.append(Mismatch(n, sent.text, target.label, reason, sent.start))
    return CitationReport(
        markers=markers, references=ref_numbers, missing_references=missing,
        uncited_references=uncited, mismatches=mismatches, duplicates=duplicates,
        malformed_dois=malformed, resolved=resolved, marker_styles=sorted(doc.marker_styles),
        no_inline_markers=bool(doc.references) and not markers,
        missing_citations=list(doc.missing_author_date),
    )


def mismatch_reason(sent: Sentence, target: Resolved, ctx: ArticleContext) -> str | None:
    """Why the cited reference does not fit the sentence, or None when it does."""
    s_terms = ctx.terms_of_sentence(sent)
    r_terms = target.terms
    n = target.reference.n
    # The guideline the sentence names should be the document it cites.
    bodies = ctx.bodies_in(sent.text)
    if bodies and not (bodies & r_terms.bodies):
        names = ", ".join(sorted(ctx.body_label(b) for b in bodies))
        return (f"the sentence attributes a position to {names}, but reference {n} "
                f"is not a {names} document ({target.label})")
    if s_terms.conditions != r_terms.conditions and r_terms.conditions - s_terms.conditions:
        extra = ", ".join(sorted(r_terms.conditions - s_terms.conditions))
        return (f"reference {n} is about {extra}, which the sentence does not discuss "
                f"({target.label})")
    guideline = target.source is not None and target.source.kind == "guideline"
    if s_terms.treatments and r_terms.treatments and not (s_terms.treatments & r_terms.treatments) \
            and not guideline:
        return (f"the sentence is about {', '.join(sorted(s_terms.treatments))}, but reference {n} "
                f"is about {', '.join(sorted(r_terms.treatments))}")
    if s_terms.joints and r_terms.joints and not (s_terms.joints & r_terms.joints):
        return (f"the sentence is about the {', '.join(sorted(s_terms.joints))}, but reference "
                f"{n} is about the {', '.join(sorted(r_terms.joints))}")
    if s_terms.route and r_terms.route and s_terms.route != r_terms.route:
        return f"the sentence is about {s_terms.route} use, reference {n} about {r_terms.route} use"
    src = target.source
    said = ctx.claim_cues.sentence
    animal, human = said.animal_evidence, said.human_evidence
    if src is None and animal.search(target.reference.text) and \
            human.search(sent.text) and not animal.search(sent.text):
        return (f"the sentence describes evidence in people, but reference {n} is about "
                f"animal or laboratory work ({target.label})")
    if src is not None:
        people = human.search(sent.text) or ctx.own_terms(sent.text).joints
        if people and not animal.search(sent.text) and (
                src.kind == "preclinical" or src.population.species not in ("human", "mixed")):
            # (a sentence about knees or people that does not say the work was in animals)
            return (f"the sentence describes evidence in people, but reference {n} is an animal "
                    f"study ({src.id})")
        if animal.search(sent.text) and src.population.species == "human" and \
                src.kind in ("rct", "cohort", "case-series"):
            return (f"the sentence describes animal work, but reference {n} studied people "
                    f"({src.id})")
        kind = src.kind
        if kind == "preclinical" and said.describes_review.search(src.title or ""):
            kind = "systematic-review"  # a meta-analysis of animal studies is still a review
        for design, rx in (("systematic-review", said.describes_review),
                           ("rct", said.describes_rct)):
            if rx.search(sent.text) and kind not in (design, "systematic-review", "guideline"):
                return (f"the sentence describes a {design.replace('-', ' ')}, but reference {n} "
                        f"is a {src.kind.replace('-', ' ')} ({src.id})")
    return None
