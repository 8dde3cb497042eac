"""Choose the evidence records that answer each part of a question: per facet and option, per
situation, head to head, per jurisdiction. Honest about joints: a record about another joint
is only used when none about the joint asked exists, and then it is marked as borrowed."""

from __future__ import annotations

import heapq
import re
from dataclasses import dataclass, field

from synovia.evidence import EvidenceBase, Finding, Recommendation, RegulatoryStatus
from synovia.evidence.comparators import is_other_care
from synovia.grade import visible
from synovia.vocab.lexicon import Aspect, Form

DESIGN_ORDER = {"systematic-review": 0, "rct": 1, "guideline": 2, "cohort": 3,
                "regulatory": 4, "case-series": 5, "narrative-review": 6, "other": 7,
                "preclinical": 8}


@dataclass
class Pick:
    """A finding chosen to answer something, with the joints it was borrowed from (if any)."""

    finding: Finding
    borrowed: list[str] = field(default_factory=list)


#: comparators that are neither option of a head-to-head pair (what both were set against)


@dataclass
class Selector:
    base: EvidenceBase
    audience: str
    ranks: dict[str, int] = field(default_factory=dict)  # finding id -> retrieval rank
    #: jurisdiction code -> the words that place a text there (data/lexicon/context.yaml)
    places: dict[str, re.Pattern[str]] = field(default_factory=dict)
    #: a record that only lists what a document covers: it answers nothing asked
    contents_only: re.Pattern[str] | None = None
    #: brands other than the one asked about ("Synvisc" when "Durolane" was named)
    other_brands: re.Pattern[str] | None = None
    _seen: dict[str, list[Finding]] = field(default_factory=dict, repr=False)

    def shown(self, treatment: str) -> list[Finding]:
        """Findings on `treatment` this audience may see (worked out once per answer)."""
        found = self._seen.get(treatment)
        if found is None:
            found = self._seen[treatment] = [f for f in self.base.findings_about(treatment)
                                             if visible(f, self.audience)]
        return found

    def says(self, f: Finding) -> str:
        """What this audience reads of a finding: an aspect is answered only if it shows."""
        return f.clinician if self.audience == "clinician" else f.plain

    def _key(self, f: Finding, joint: str | None, aspect: Aspect | None = None) -> tuple:
        src = self.base.sources.get(f.source)
        where = 0 if joint is None or joint in f.joints else (1 if not f.joints else 2)
        # What the finding says outranks whether it names the joint: "no more than 3 a year"
        # (any joint) answers "how many a year in my knee" better than a knee trial's schedule.
        fit = -aspect.fit(self.says(f)) if aspect else 0
        # A checked record before one known only from secondary reports (a preprint's
        # abstract quoted elsewhere), whatever the retrieval rank.
        brand = bool(self.other_brands and self.other_brands.search(f.plain))
        return (where == 2, fit, brand, where, f.verification != "verified",
                self.ranks.get(f.id, 999),
                DESIGN_ORDER.get(src.kind if src else "", 9),
                f.effect is None, -(src.year if src else 0), f.id)

    def about(self, treatment: str, outcomes: tuple[str, ...] | set[str],
              joint: str | None, limit: int = 3, first_only: bool = False,
              jurisdiction: str | None = None, aspect: Aspect | None = None) -> list[Pick]:
        """Visible findings on `treatment` with one of `outcomes`, best first.

        With `first_only`, only findings where `treatment` is the one the direction speaks
        for (not the comparator of a head-to-head study). With a `jurisdiction`, findings
        bound to another place (an NHS fact for a US question) are left out. With an
        `aspect`, findings that answer it come first."""
        pool = [f for f in self.shown(treatment)
                if f.outcome in outcomes
                and (not first_only or f.treatments[:1] == [treatment])
                and (jurisdiction is None or f.jurisdiction in (None, jurisdiction)
                     # a harm a regulator saw elsewhere is a harm here too
                     or f.outcome == "safety")]
        return self._joint_honest(pool, joint, limit, aspect=aspect)

    def general(self, outcomes: tuple[str, ...], aspect: Aspect,
                jurisdiction: str | None = None) -> list[Pick]:
        """Findings on joint injections in general (no treatment named) that answer `aspect`:
        an infection rate across all joint needle procedures when none is held for PRP."""
        pool = [f for f in self.base.findings.values()
                if not f.treatments and f.outcome in outcomes and visible(f, self.audience)
                and (jurisdiction is None or f.jurisdiction in (None, jurisdiction))
                and aspect.answered_by(self.says(f))]
        return self._joint_honest(pool, None, 1, aspect=aspect)

    def _joint_honest(self, pool: list[Finding], joint: str | None, limit: int,
                      borrow: bool = True, aspect: Aspect | None = None) -> list[Pick]:
        key = lambda f: self._key(f, joint, aspect)  # noqa: E731 - one sort key, two uses
        if joint is None:
            return [Pick(f) for f in heapq.nsmallest(limit, pool, key=key)]
        own = [f for f in pool if joint in f.joints or not f.joints]
        if own or not borrow:
            return [Pick(f) for f in heapq.nsmallest(limit, own, key=key)]
        return [Pick(f, sorted(set(f.joints))) for f in heapq.nsmallest(limit, pool, key=key)]

    def for_context(self, context: str, treatments: list[str], joint: str | None,
                    limit: int = 2) -> list[Pick]:
        """Findings tagged with a situation (diabetes, blood thinners ...) for these
        treatments, or for injections in general when a record names no treatment."""
        pool = [f for f in self.base.findings_with_context(context)
                if visible(f, self.audience)
                and (not f.treatments or set(f.treatments) & set(treatments))]
        # A situation's evidence is never borrowed from another joint: "nothing held for you"
        # is more honest than a finding about somebody else's shoulder.
        return self._joint_honest(pool, joint, limit, borrow=False)

    def on_form(self, form: Form, treatment: str, joint: str | None, limit: int = 4,
                jurisdiction: str | None = None, skip: frozenset[str] = frozenset()
                ) -> tuple[list[Pick], list[Recommendation]]:
        """Findings and guideline statements that speak to a form of `treatment` asked by
        name (a slow-release steroid, a scan-guided shot): what the record says must name
        the form; any outcome but those in `skip` counts (a form may be asked about for
        benefit or for harm; a price list that mentions it answers neither)."""
        ids = (treatment, *form.also)
        seen: set[str] = set()
        pool = [f for t in ids for f in self.shown(t)
                if not (f.id in seen or seen.add(f.id)) and f.outcome not in skip
                and not (self.contents_only and self.contents_only.search(self.says(f)))
                and (jurisdiction is None or f.jurisdiction in (None, jurisdiction))
                and form.answered_by(self.says(f))]
        recs = [r for r in self.base.recommendations.values()
                if r.treatment in ids and (joint is None or r.joint in (joint, None))
                and visible(r, self.audience) and form.answered_by(self.says(r))]
        recs.sort(key=lambda r: (-form.fit(self.says(r)), r.joint is None, r.id))
        return self._joint_honest(pool, joint, limit, aspect=form), recs[:limit]

    def head_to_head(self, a: str, b: str, joint: str | None, limit: int = 2) -> list[Pick]:
        """Findings from studies that compared `a` with `b` directly."""
        # (a study naming both with no comparator studied one product of both kinds,
        # bone marrow cells being stem cells too: it compared nothing)
        # (nor did one that gave both together against something else: "BMAC with PRP
        # against exercise", or against the person's own baseline)
        pool = [f for f in self.shown(a)
                if b in f.treatments and f.comparator and not is_other_care(f.comparator)
                and f.outcome in (
                    "pain", "function", "structure", "quality-of-life", "duration", "safety")]
        # A trial of the two options asked about speaks to them before a ranking of many.
        pair = [f for f in pool if set(f.treatments) <= {a, b}]
        return self._joint_honest(pair or pool, joint, limit)

    def regulatory(self, treatment: str, jurisdiction: str | None) -> list[RegulatoryStatus]:
        """Visible regulatory records, for the jurisdiction asked or for every one held."""
        records = [r for r in self.base.regulatory.values()
                   if r.treatment == treatment and visible(r, self.audience)
                   and (jurisdiction is None or r.jurisdiction == jurisdiction)]
        order = {"UK": 0, "EU": 1, "US": 2}
        return sorted(records, key=lambda r: (order.get(r.jurisdiction, 9),
                                              -(r.date.toordinal() if r.date else 0), r.id))

    def regulatory_findings(self, treatment: str, jurisdiction: str | None,
                            limit: int = 2) -> list[Pick]:
        """Findings about approval (regulator statements), preferring the jurisdiction asked."""
        pool = [f for f in self.shown(treatment)
                if f.outcome == "regulatory"
                and (jurisdiction is None or f.jurisdiction in (None, jurisdiction))]
        if jurisdiction:
            pool = [f for f in pool if self.jurisdiction_of(f) == jurisdiction]
        return self._joint_honest(pool, None, limit)

    def jurisdiction_of(self, f: Finding) -> str | None:
        """Where a regulatory finding holds: its own tag, else the place its source names."""
        if f.jurisdiction:
            return f.jurisdiction
        src = self.base.sources.get(f.source)
        if src is None:
            return None
        text = f"{src.organisation or ''} {src.title}"
        hits = [(m.start(), code) for code, rx in self.places.items() for m in [rx.search(text)]
                if m]
        return min(hits)[1] if hits else None

    def gaps(self, treatment: str, joint: str | None) -> list[Pick]:
        """Explicit records that no studies of `treatment` in `joint` were found."""
        if joint is None:
            return []
        return [Pick(f) for f in self.base.findings_about(treatment)
                if f.outcome == "evidence-gap" and joint in f.joints
                and visible(f, self.audience)][:1]
