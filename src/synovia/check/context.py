"""What an article, a sentence or a reference is about: treatments, joints, conditions outside
osteoarthritis, guideline bodies and route. Sentences that name nothing inherit the subject of
their paragraph, then their heading, then the article."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from synovia.check.parse import Document, Reference, Sentence
from synovia.evidence import EvidenceBase, PathwayStep, Source
from synovia.vocab import Lexicon, Vocabulary


@dataclass
class Terms:
    treatments: set[str] = field(default_factory=set)
    joints: set[str] = field(default_factory=set)
    conditions: set[str] = field(default_factory=set)
    bodies: set[str] = field(default_factory=set)
    route: str | None = None


class ArticleContext:
    def __init__(self, doc: Document, base: EvidenceBase, vocab: Vocabulary, lexicon: Lexicon,
                 claim_cues=None):
        self.doc, self.base, self.vocab, self.lexicon = doc, base, vocab, lexicon
        self.claim_cues = claim_cues
        self._sentence_cache: dict[int, Terms] = {}
        self._own_cache: dict[str, Terms] = {}
        self._bodies_cache: dict[str, frozenset[str]] = {}
        self._source_terms = _source_terms(base)
        self._shared: dict[str, str] = {}  # a treatment a shared lay word means here instead
        shared = getattr(claim_cues, "shared_lay_terms", None) or {}
        if shared:
            named = {m.id for m in vocab.find(doc.text, fuzzy=False) if m.kind == "treatment"
                     and not any(p.fullmatch(m.text) for p, _, _ in shared.values())}
            for default, (_, meanings, _) in shared.items():
                # "the gel" in an article that names Arthrosamid is Arthrosamid, not HA.
                chosen = next((t for t in meanings if t in named), default)
                if chosen != default:
                    self._shared[default] = chosen
        t_count: Counter[str] = Counter()
        j_count: Counter[str] = Counter()
        self.block_terms: dict[int, Terms] = {}
        self.heading_terms: dict[str, Terms] = {}
        for sent in doc.body_sentences:
            if sent.boilerplate:
                continue  # menus, share and contact lines do not decide the topic
            own = self.own_terms(sent.text)
            t_count.update(own.treatments)
            j_count.update(own.joints)
            bt = self.block_terms.setdefault(sent.block, Terms())
            bt.treatments |= own.treatments
            bt.joints |= own.joints
        if doc.title:
            title = self.own_terms(doc.title)
            for t in title.treatments:
                t_count[t] += 3
            for j in title.joints:
                j_count[j] += 3
        for sent in doc.body_sentences:
            if sent.heading and sent.heading not in self.heading_terms:
                self.heading_terms[sent.heading] = self.own_terms(sent.heading)
        top = t_count.most_common(1)[0][1] if t_count else 0
        self.main_treatments = {t for t, c in t_count.items() if c >= max(2, top // 2)}
        jtop = j_count.most_common(1)[0][1] if j_count else 0
        self.main_joints = {j for j, c in j_count.items() if c >= max(2, jtop // 2)}
        self.treatment_counts = t_count

    def judged(self, treatment: str) -> bool:
        """Injections and the other therapies sold for joints are judged on the findings
        held; core care and medicines are what guidelines advise first."""
        term = self.vocab.term("treatment", treatment)
        return term is None or term.category in ("injection", "other-therapy")

    def about_core_care(self, text: str) -> bool:
        """Whether `text` names treatments and all of them are core care or medicines."""
        named = self.own_terms(text).treatments
        return bool(named) and not any(self.judged(t) for t in named)

    def own_terms(self, text: str) -> Terms:
        """The terms a text names itself (memoised: claims ask about the same sentence often)."""
        cached = self._own_cache.get(text)
        if cached is None:
            cached = self._own_cache[text] = self._find_terms(text)
        return Terms(set(cached.treatments), set(cached.joints), set(cached.conditions),
                     set(cached.bodies), cached.route)

    def _find_terms(self, text: str) -> Terms:
        terms = Terms()
        for m in self.vocab.find(text, fuzzy=False):
            if m.kind == "treatment":
                term = self.vocab.term("treatment", m.id)
                if term is not None and term.category in ("procedure", "comparator"):
                    continue  # how an injection is given, or what it is compared with
                shared = (self.claim_cues.shared_lay_terms if self.claim_cues else None) or {}
                if m.id in shared and shared[m.id][0].fullmatch(m.text) and shared[m.id][2] \
                        is not None and shared[m.id][2].search(text[max(0, m.start - 40):m.start]):
                    continue  # "a topical anti-inflammatory gel" is no injection
                if m.id in self._shared and shared[m.id][0].fullmatch(m.text):
                    terms.treatments.add(self._shared[m.id])
                    continue
                terms.treatments.add(m.id)
            elif m.kind == "joint":
                terms.joints.add(m.id)
        terms.conditions = {r.id for r in self.lexicon.scope if r.search(text)}
        terms.bodies = self.bodies_in(text)
        said = self.claim_cues.sentence if self.claim_cues is not None else None
        if said is not None and said.route_intravenous.search(text):
            terms.route = "intravenous"
        elif said is not None and said.route_intra_articular.search(text):
            terms.route = "intra-articular"
        return terms

    def terms_of_sentence(self, sent: Sentence) -> Terms:
        cached = self._sentence_cache.get(sent.start)
        if cached is not None:
            return cached
        terms = self.own_terms(sent.text)
        for fallback in (self.block_terms.get(sent.block),
                         self.heading_terms.get(sent.heading or ""),
                         Terms(self.main_treatments, self.main_joints)):
            if fallback is None:
                continue
            if not terms.treatments:
                terms.treatments = set(fallback.treatments)
            if not terms.joints:
                terms.joints = set(fallback.joints)
        self._sentence_cache[sent.start] = terms
        return terms

    def terms_of_reference(self, ref: Reference, source: Source | None) -> Terms:
        terms = self.own_terms(ref.text)
        if source is not None:
            derived_t, derived_j = self._source_terms.get(source.id, (set(), set()))
            terms.treatments |= set(source.treatments) | derived_t
            terms.joints |= set(source.population.joints) | derived_j
            prefix = source.id.split("-", 1)[0]
            if any(r.id == prefix for r in self.lexicon.bodies):
                terms.bodies.add(prefix)
            terms.conditions |= {r.id for r in self.lexicon.scope if r.search(source.title)}
        return terms

    def bodies_in(self, text: str) -> set[str]:
        """The guideline and regulatory bodies a text names (memoised per article)."""
        hit = self._bodies_cache.get(text)
        if hit is None:
            hit = self._bodies_cache[text] = frozenset(
                r.id for r in self.lexicon.bodies if r.search(text))
        return set(hit)

    def body_label(self, body_id: str) -> str:
        return next((r.label for r in self.lexicon.bodies if r.id == body_id), body_id)


_SOURCE_TERMS: list = []  # [(base, terms)]: the last evidence base's, built once per load


def _source_terms(base: EvidenceBase) -> dict[str, tuple[set[str], set[str]]]:
    """What each source's records are about; the same for every article checked against one
    evidence base, so it is built once per base."""
    if _SOURCE_TERMS and _SOURCE_TERMS[0][0] is base:
        return _SOURCE_TERMS[0][1]
    out = _build_source_terms(base)
    _SOURCE_TERMS[:] = [(base, out)]
    return out


def _build_source_terms(base: EvidenceBase) -> dict[str, tuple[set[str], set[str]]]:
    out: dict[str, tuple[set[str], set[str]]] = {}
    for kind in ("findings", "recommendations", "regulatory", "pathway"):
        for rec in getattr(base, kind).values():
            refs = rec.sources if isinstance(rec, PathwayStep) else [rec.source]
            treatments = set(getattr(rec, "treatments", None) or [getattr(rec, "treatment", None)])
            joints = set(getattr(rec, "joints", None) or [getattr(rec, "joint", None)])
            for ref in refs:
                t, j = out.setdefault(ref, (set(), set()))
                t.update(x for x in treatments if x)
                j.update(x for x in joints if x)
    return out
