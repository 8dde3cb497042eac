"""Compose the answer to the question that was asked: the facet asked first (how long, how
many, cost, with my diabetes, before my operation ...), every option named, the person's
situation, honest about joints and about what we do not hold.

Composers write citation placeholders only (`cite(source_id)`); `number_citations()` numbers
them once, at the end, for the whole answer. Every sentence shown comes from an evidence record
or from the frame words in data/lexicon/answer.yaml; what a patient sees (and every verdict
behind it) rests only on records a patient may see (grade.visibility)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synovia.ask.answer import Answer, Option, Reference, Safety, Section, Understood
from synovia.ask.select import Pick, Selector
from synovia.ask.understand import ANSWERED, Understanding, asked_part
from synovia.evidence import EvidenceBase, PathwayStep, Source
from synovia.evidence.comparators import is_placebo
from synovia.grade import Grade, grade_option, other_joints, plain_verdict, visible
from synovia.text.citations import cite, number_citations, strip_citations
from synovia.text.readability import fk_grade
from synovia.text.timespans import say_weeks, spans
from synovia.vocab import Vocabulary
from synovia.vocab.lexicon import Aspect, Facet, Lexicon

MAX_OPTIONS = 8
SUMMARY_WORDS = 60
SUMMARY_CAP = 90  # even must-say sentences stop here; the rest is in the sections
EFFICACY = ("pain", "function", "structure", "quality-of-life")
STUDY_KINDS = ("rct", "systematic-review", "cohort", "case-series")
WARNING_ORDER = {"regulatory": 0, "guideline": 1, "systematic-review": 2, "rct": 2}
#: facets a form asked about answers first (a question on its cost or its approval keeps
#: that answer first)
FORM_LEADS = ("efficacy", "comparison", "procedure", "dosing", "duration", "safety")


@dataclass
class Context:
    base: EvidenceBase
    vocab: Vocabulary
    lexicon: Lexicon
    audience: str
    ranks: dict[str, int] = field(default_factory=dict)  # record id -> retrieval rank
    country: str | None = None  # a country named within the jurisdiction asked about
    #: other brands of a product asked about by its brand ("Durolane"): their records follow
    other_brands: re.Pattern[str] | None = None

    def __post_init__(self) -> None:
        self.pick = Selector(self.base, self.audience, self.ranks,
                             self.lexicon.context.jurisdiction, self.lexicon.contents_only,
                             self.other_brands)

    @property
    def patient(self) -> bool:
        return self.audience == "patient"

    def shown(self, record) -> bool:
        return visible(record, self.audience)

    def text(self, record) -> str:
        body = record.plain if self.patient else record.clinician
        if not self.patient and record.verification == "secondary":
            body += " (secondary source)"
        return body.strip()

    def say(self, key: str, **values) -> str:
        return self.lexicon.say(self.audience, key, **values)

    def t(self, treatment: str) -> str:
        return _mid(self.vocab.label("treatment", treatment, self.audience))

    def j(self, joint: str | None) -> str:
        return self.vocab.label("joint", joint, self.audience) if joint else "any joint"

    def joints_label(self, joints: list[str]) -> str:
        return _and([self.j(j) for j in joints]) or "other joints"

    def context_label(self, cid: str) -> str:
        return self.vocab.label("context", cid, self.audience)

    def design(self, kind: str) -> str:
        return self.lexicon.wording["design"][self.audience].get(kind, kind)

    def status(self, status: str) -> str:
        return self.lexicon.wording["status"].get(status, status)

    def high_stakes(self, cid: str) -> bool:
        """Situations that change what is safe (vocabulary category `safety`): when we hold
        nothing on them, the answer says so."""
        term = self.vocab.term("context", cid)
        return bool(term and term.category == "safety")

    def injected(self, treatment: str) -> bool:
        """Given into the joint by needle: only then do injection checks, warning signs after
        an injection and questions about what is injected apply."""
        term = self.vocab.term("treatment", treatment)
        return bool(term and term.injected)

    def other_country(self, record) -> str:
        """The label of the country asked about when `record` is a price, access or rule
        fact bound to another country ("In Germany, ...") and not to that one; else ""."""
        countries = self.lexicon.context.countries
        if not self.country or self.country not in countries or getattr(
                record, "outcome", None) not in ("cost", "access", "regulatory"):
            return ""
        text = record.plain + " " + record.clinician
        label, asked = countries[self.country]
        if asked.search(text):
            return ""
        other = any(rx.search(text) for code, (_, rx) in countries.items()
                    if code != self.country)
        return label if other else ""

    def stage(self, cid: str) -> bool:
        """Situations that change what to expect (advanced arthritis, older age; vocabulary
        category `stage`): what is held for them is said after the answer, and so is the
        lack of it."""
        term = self.vocab.term("context", cid)
        return bool(term and term.category == "stage")

    def where(self, joint: str | None) -> str:
        return f" for the {self.j(joint)}" if joint else ""


def _mid(label: str) -> str:
    """A label as it reads mid-sentence: 'Steroid injection' -> 'steroid injection'."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _and(items: list[str]) -> str:
    items = list(dict.fromkeys(i for i in items if i))
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _or(items: list[str]) -> str:
    items = list(dict.fromkeys(i for i in items if i))
    return ", ".join(items[:-1]) + " or " + items[-1] if len(items) > 1 else "".join(items)


def _words(text: str) -> int:
    return len(strip_citations(text).split())


def has_evidence(base: EvidenceBase, treatment: str, joint: str | None = None,
                 audience: str | None = None) -> bool:
    if any((joint is None or not f.joints or joint in f.joints) and visible(f, audience)
           for f in base.findings_about(treatment)):
        return True
    return any(r.treatment == treatment and (joint is None or r.joint in (joint, None))
               and visible(r, audience) for r in base.recommendations.values())


def held(base: EvidenceBase, treatment: str, audience: str | None = None) -> bool:
    """True when the evidence base holds anything this audience may see on `treatment`."""
    return has_evidence(base, treatment, None, audience) or any(
        r.treatment == treatment and visible(r, audience) for r in base.regulatory.values())


# -- the plan ------------------------------------------------------------------------------------
@dataclass
class Plan:
    """What this answer covers: options (treatment, joint), therapies named but not held."""

    pairs: list[tuple[str, str | None]]
    not_held: list[str]  # labels of therapies named that the base does not hold
    in_scope: bool


def plan(u: Understanding, ctx: Context) -> Plan:
    base = ctx.base
    not_held = [ctx.t(t) for t in u.treatments if not held(base, t, ctx.audience)]
    not_held += u.unknown
    treatments = [t for t in u.treatments if held(base, t, ctx.audience)]
    injections = _injection_ids(ctx)
    specific = [f for f in u.facets if f not in ("efficacy", "pathway", "comparison")]
    if not treatments and not u.unknown and specific:
        # "surgeon said no injections before my TKR, why?": the injections the evidence
        # speaks to on that facet.
        outcomes = tuple(o for f in specific for o in (ctx.lexicon.facet(f).outcomes
                                                       if ctx.lexicon.facet(f) else ()))
        treatments = [t for t in injections
                      if ctx.pick.about(t, outcomes, u.joints[0] if u.joints else None, 1)][:3]
    if not treatments and not u.treatments and not u.unknown and (u.joints or u.mentions_oa):
        treatments = [t for t in injections
                      if any(has_evidence(base, t, j, ctx.audience) for j in (u.joints or [None]))]
    joints: list[str | None] = list(u.joints) or [None]
    pairs = [(t, j) for t in treatments for j in joints][:MAX_OPTIONS]
    in_scope = bool(pairs)
    if u.out_of_scope and (not u.mentions_oa or set(u.out_of_scope) & ctx.lexicon.scope_always):
        # A condition we do not cover (tendons, gout, back pain ...) named without arthritis:
        # declined plainly, whatever treatment is named with it.
        in_scope, pairs = False, []
        not_held = [r.label for r in ctx.lexicon.scope if r.id in u.out_of_scope] + not_held
    return Plan(pairs, list(dict.fromkeys(not_held)), in_scope)


# -- sentences built from graded evidence ------------------------------------------------------
def verdict(g: Grade, ctx: Context, say_none: bool = True) -> str:
    """One sentence (patient) or a compact clinician line, with the reasons behind it."""
    t, j = ctx.t(g.treatment), ctx.j(g.joint)
    others = other_joints(g)
    if not ctx.patient:
        best = g.best_source
        where = f"{best.who} {best.year}" if best else "none"
        # Each guideline once, its direction with its strength (a body's several records
        # on one treatment are one position; the first worded one speaks for it).
        by_body: dict[tuple[str, int], str] = {}
        for s in sorted(g.stances, key=lambda s: not s.recommendation.strength_wording):
            by_body.setdefault((s.short_body, s.source.year), s.position)
        stances = "; ".join(f"{b} {y}: {pos}" for (b, y), pos in list(by_body.items())[:4])
        text = (f"{_cap(t)}, {j}: certainty {g.certainty}; best evidence "
                f"{ctx.design(g.best_human_evidence)} ({where}); "
                f"direction {g.direction}")
        if others:
            text += f"; indirect (from {ctx.joints_label(others)})"
        return text + (f"; guidelines: {stances}." if stances else ".")
    if g.best_human_evidence == "none" and not g.preclinical and g.stances:
        # A treatment guidelines speak to but no study we hold tested (exercise, say).
        return ctx.text(g.stances[0].recommendation)
    return plain_verdict(g, t, ctx.j(g.joint) if g.joint else None,
                         ctx.joints_label(others) if others else None, say_none=say_none)


def guideline_clause(g: Grade, ctx: Context, jurisdiction: str | None = None) -> str:
    """Where guidelines stand, in one sentence: the national body of the place asked about
    first when it has a stance ("NICE, which guides care in the UK, advises against it")."""
    against, for_ = len(g.against), len(g.for_)
    if not g.stances:
        return ""
    body = ctx.lexicon.wording.get("national_bodies", {}).get(jurisdiction or "")
    place = ctx.lexicon.wording.get("jurisdictions", {}).get(jurisdiction or "", "")
    if body:
        mine = [s for s in g.stances if s.short_body == body]
        if mine and all(s in g.against for s in mine):
            return ctx.say("national_against", body=body, place=place)
        if mine and all(s in g.for_ for s in mine):
            return ctx.say("national_for", body=body, place=place)
    if against and for_:
        return ctx.say("guidelines_disagree")
    if against:
        return ctx.say("guidelines_against_most" if against > 1 else "guidelines_against_one")
    if for_:
        return ctx.say("guidelines_for_most" if for_ > 1 else "guidelines_for_one")
    return ""


def _verdict_sources(g: Grade, ctx: Context) -> list[str]:
    ids = []
    shown = [f for f in g.efficacy if ctx.shown(f)]
    if g.best_source and any(f.source == g.best_source.id for f in shown):
        ids.append(g.best_source.id)
    elif shown:
        ids.append(shown[0].source)
    if g.best_human_evidence == "none":
        ids += [f.source for f in g.preclinical if ctx.shown(f)][:1]
    ids += [s.source.id for s in g.stances][:3]
    return list(dict.fromkeys(ids))


def _pick_text(p: Pick, ctx: Context, joint: str | None, topic: str = "") -> str:
    """A finding in our words; one borrowed from another joint says so, and says that only
    this topic is missing for the joint asked (other evidence on it may be held); a price or
    rule from another country than the one asked about says that first."""
    body = ctx.text(p.finding) + cite(p.finding.source)
    elsewhere = ctx.other_country(p.finding)
    if elsewhere:
        body = ctx.say("other_country", country=elsewhere) + " " + body
    if p.borrowed and joint:
        facet = next((f for f in reversed(ctx.lexicon.facets)
                       if p.finding.outcome in f.outcomes), None)
        return ctx.say("borrowed", what=ctx.t(p.finding.treatments[0]) if p.finding.treatments
                       else "this", joint=ctx.j(joint), topic=topic or (
                           facet.label if facet else "this question"),
                       others=ctx.joints_label(p.borrowed)) + " " + body
    return body


def regulatory_line(g: Grade, ctx: Context, jurisdiction: str | None) -> str | None:
    records = ctx.pick.regulatory(g.treatment, jurisdiction)
    if not records:
        return None
    seen: dict[str, str] = {}
    for r in records:
        seen.setdefault(r.jurisdiction, ctx.status(r.status))
    return "; ".join(f"{k}: {v}" for k, v in seen.items())


def _option_row(g: Grade, ctx: Context, jurisdiction: str | None) -> Option:
    best = g.best_source
    size = ""
    if best:
        parts = []
        if best.n_studies:
            parts.append(f"{best.n_studies} studies")
        if best.n_participants:
            parts.append(f"{best.n_participants:,} people")
        size = ", ".join(parts)
    # The effect shown beside a design and size comes from that same study when it reports
    # one; another study's effect is labelled with its own source, never passed off as it.
    with_effect = [p.finding for p in ctx.pick.about(g.treatment, EFFICACY, g.joint, limit=8,
                                                     first_only=True)
                   if p.finding.effect and p.finding.effect.value is not None]
    effect = next((f for f in with_effect if best and f.source == best.id),
                  with_effect[0] if with_effect else None)
    effect_text = effect.effect.describe() if effect else "no pooled effect reported"
    if effect and best and effect.source != best.id:
        # Named by its own design too: the same authors' uncontrolled series beside their
        # trial must not read as the trial's result.
        other = ctx.base.sources.get(effect.source)
        if other:
            who = f"{other.who} {other.year}" if other.who else str(other.year)
            effect_text += f" (from a {ctx.design(other.kind)}: {who})"
    design = ctx.design(g.best_human_evidence)
    if best:
        design += f" ({best.who} {best.year})" if best.who else f" ({best.year})"
    others = other_joints(g)
    if others:
        design += f" — {ctx.joints_label(others)} only"
    return Option(
        treatment=g.treatment,
        treatment_label=ctx.vocab.label("treatment", g.treatment, ctx.audience),
        joint=g.joint, certainty=g.certainty, best_human_evidence=g.best_human_evidence,
        design=design, size=size or "not reported",
        effect=effect_text,
        guideline_stance=[s.as_dict() for s in g.stances],
        regulatory=regulatory_line(g, ctx, jurisdiction), verdict=verdict(g, ctx),
        reasons=list(g.reasons),
    )


# -- facet answers ---------------------------------------------------------------------------
@dataclass
class Part:
    """One answer sentence (with placeholders) and how much it matters to the short answer."""

    text: str
    must: bool = False
    closing: bool = False  # said last, after everything asked, when there is room
    first: bool = False  # the person's own case set against the evidence: said before all else
    asked: bool = False  # answers a narrower question asked: kept even in a later facet
    after: bool = False  # the person's stage: said right after the first thing asked
    gap: bool = False  # says that nothing is held (on this situation, this form ...)


def _facet_parts(fid: str, u: Understanding, grades: list[Grade], ctx: Context,
                 limit: int) -> tuple[list[Part], list[str]]:
    """(short-answer sentences, detail lines) for one facet across the options."""
    facet = ctx.lexicon.facet(fid)
    short: list[Part] = []
    detail: list[str] = []
    if fid == "comparison":
        return _comparison(u, grades, ctx)
    if fid == "efficacy":
        aspects = _aspects(facet, u.question) if facet else []
        for i, g in enumerate(grades):
            gap = ctx.pick.gaps(g.treatment, g.joint) if not g.direct else []
            # A recorded gap ("a review found one shoulder study") says more than our own
            # "we hold no studies", and never contradicts it.
            text = verdict(g, ctx, say_none=not gap)
            clause = guideline_clause(g, ctx, u.jurisdiction) if ctx.patient else ""
            if gap:
                text = ctx.text(gap[0].finding) + cite(gap[0].finding.source) + " " + text
            short.append(Part(" ".join(p for p in (text, clause) if p)
                              + cite(*_verdict_sources(g, ctx)), must=i == 0))
            if aspects:
                # The verdict first, then the narrower point asked (cartilage, a gain big
                # enough to notice, the result at a year).
                parts, lines = _aspect_parts(aspects, g, facet.outcomes, u, ctx, facet.label,
                                             lead=i == 0)
                short += parts
                detail += lines
        return short, detail
    if fid == "regulatory":
        # every place asked about gets its line ("legal in Ireland? approved in the US?")
        places = u.places[:3] if len(u.places) > 1 else [u.jurisdiction]
        for i, t in enumerate(dict.fromkeys(g.treatment for g in grades)):
            for k, where in enumerate(places):
                lines = _regulatory_lines(t, where, ctx)
                short.append(Part(lines[0], must=i == 0 and k < 3))
                detail += lines
        return short, list(dict.fromkeys(detail))
    if fid == "guidelines":
        return _guideline_parts(u, grades, ctx)
    if fid == "questions" and ctx.patient:
        treatments = [g.treatment for g in grades]
        qs = [q.plain + cite(*q.sources) for q in ctx.lexicon.questions
              if q.applies_to(treatments) and all(x in ctx.base.sources for x in q.sources)]
        if not qs:
            return short, detail
        return [Part(ctx.say("ask_lead") + " " + qs[0], must=True)] + [
            Part(q) for q in qs[1:2]], detail
    if fid == "pathway":
        steps = _steps(ctx)
        core = [p for p in steps if set(p.treatments) & _core_ids(ctx)][:1]
        injections = [p for p in steps if set(p.treatments) & set(_injection_ids(ctx))][:1]
        return ([Part(_step_text(p, ctx), must=True) for p in injections]
                + [Part(_step_text(p, ctx)) for p in core]), detail
    if fid == "questions":
        return short, detail
    if fid == "interaction" and (u.situation.conditions or u.situation.medicines):
        return short, detail  # the person's own conditions: answered from their situation
    outcomes = facet.outcomes_for(u.question) if facet else ()
    aspects = _aspects(facet, u.question) if facet else []
    topic = facet.label if facet else ""
    for i, g in enumerate(grades):
        answered = False
        start = len(short)
        if aspects:
            parts, lines = _aspect_parts(aspects, g, outcomes, u, ctx, topic, lead=i == 0)
            short += parts
            detail += lines
            answered = bool(parts)
        picks = ctx.pick.about(g.treatment, outcomes, g.joint, limit=limit + 4,
                               jurisdiction=u.jurisdiction,
                               aspect=aspects[0] if aspects else None)
        contents = ctx.lexicon.contents_only
        picks = _studies_first([p for p in picks if not (
            contents and contents.search(ctx.pick.says(p.finding)))] or picks, outcomes,
            ctx)
        if "safety" in outcomes:
            # (a warning held is looked for among all the records, not only the closest few)
            ids = {p.finding.id for p in picks}
            picks += [p for p in ctx.pick.about(g.treatment, outcomes, g.joint, limit=40,
                                                jurisdiction=u.jurisdiction)
                      if _warning(p, ctx) and p.finding.id not in ids][:2]
            # A known harm (a regulator's warning) before a small study's "no harms were
            # reported": reassurance never opens an answer on risks when a warning is held.
            # (the warning signs every risks answer closes with are not that warning)
            # nor is one centre's series: a warning is a regulator's, a guideline's, or what
            # trials and reviews found)
            closing = set(facet.closing) if facet else set()
            # (a regulator's warning first, then a guideline's, then what trials found)
            picks.sort(key=lambda p: (not _warning(p, ctx) or p.finding.id in closing,
                                      WARNING_ORDER.get(getattr(ctx.base.sources.get(
                                          p.finding.source), "kind", ""), 9)))
        picks = picks[:limit]
        warning = "safety" in outcomes and bool(picks) and _warning(picks[0], ctx)
        first = [p for p in picks if p.finding.outcome == outcomes[0]] if outcomes else picks
        none = facet.none.format(what=ctx.t(g.treatment), where=ctx.where(g.joint),
                                 context="", jurisdiction="") if facet and facet.none else ""
        if not first and none and not answered and fid not in u.form_facets:
            # Say plainly what we do not hold on the facet's main question, then what we do.
            short.append(Part(none, must=i == 0))
        if picks:
            lead = Part(_pick_text(picks[0], ctx, g.joint, topic),
                        must=i == 0 and (not answered or warning))
            if warning and answered:
                short.insert(start, lead)  # the warning before the narrower answers
            else:
                short.append(lead)
            detail += [_pick_text(p, ctx, g.joint, topic) for p in picks]
    if facet and ctx.patient and facet.closing:
        short += [Part(line, must=True, closing=True)
                  for line in _closing(facet.closing, grades, ctx)]
    return short, list(dict.fromkeys(detail))


def _regulatory_lines(t: str, where: str | None, ctx: Context) -> list[str]:
    """What is held on the approval of `t` in one place (all places when none was named);
    another country's rules are never passed off as the one asked about."""
    lines = [ctx.text(r) + cite(r.source) for r in ctx.pick.regulatory(t, where)]
    lines += [_pick_text(p, ctx, None) for p in ctx.pick.regulatory_findings(t, where)]
    place = ctx.lexicon.wording.get("jurisdictions", {}).get(where or "")
    if not lines and place:
        elsewhere = [ctx.text(r) + cite(r.source) for r in ctx.pick.regulatory(t, None)]
        if elsewhere:
            lines = [ctx.say("reg_elsewhere", what=ctx.t(t), place=place)
                     + " " + elsewhere[0]] + elsewhere[1:3]
    return lines or [ctx.say("reg_none", what=ctx.t(t),
                             jurisdiction=f" in {place}" if place else "")]


def _guideline_parts(u: Understanding, grades: list[Grade], ctx: Context
                     ) -> tuple[list[Part], list[str]]:
    """What guidelines advise, each body once; a body named in the question ("NICE's
    position") first, and a sub-question on whether the advice will change answered or
    declined plainly."""
    named = {b.id for b in ctx.lexicon.bodies if b.search(u.question)}
    facet = ctx.lexicon.facet("guidelines")
    short: list[Part] = []
    detail: list[str] = []

    def body(s) -> set[str]:
        text = f"{s.source.organisation or ''} {s.source.title} {s.source.id}"
        return {b.id for b in ctx.lexicon.bodies if b.search(text)}

    for i, g in enumerate(grades):
        stances = sorted(g.stances, key=lambda s: (
            not body(s) & named, s.recommendation.verification != "verified",
            not s.recommendation.strength_wording))
        lines: list[str] = []
        bodies: set[tuple[str, int]] = set()
        for s in stances:
            key = (s.short_body, s.source.year)
            if key not in bodies:
                bodies.add(key)
                lines.append(ctx.text(s.recommendation) + cite(s.source.id))
        if not lines and facet is not None:
            lines = [facet.none.format(what=ctx.t(g.treatment), where=ctx.where(g.joint))]
        short += [Part(x, must=i == 0 and n == 0) for n, x in enumerate(lines[:2])]
        detail += lines
        if facet is not None and i == 0:
            parts, more = _aspect_parts(_aspects(facet, u.question), g, facet.outcomes, u,
                                        ctx, facet.label, lead=True)
            short[1:1] = parts
            detail += more
    return short, detail


def _warning(p: Pick, ctx: Context) -> bool:
    """A harm from a regulator, a guideline, a trial or a review (not one centre's series)."""
    src = ctx.base.sources.get(p.finding.source)
    return p.finding.direction == "harm" and src is not None and src.kind in (
        "regulatory", "guideline", "rct", "systematic-review")


def _studies_first(picks: list[Pick], outcomes: tuple[str, ...], ctx: Context) -> list[Pick]:
    """On benefit or harm, a study or a guideline leads before commentary: a reply to
    another paper, a clinic page or an overview never opens the answer when one is held."""
    if not set(outcomes) & {"safety", *EFFICACY}:
        return picks

    def commentary(p: Pick) -> bool:
        src = ctx.base.sources.get(p.finding.source)
        return src is None or src.kind in ("other", "narrative-review")

    lead = next((p for p in picks if not commentary(p)), None)
    return [lead, *[p for p in picks if p is not lead]] if lead else picks


def _aspects(facet: Facet, question: str) -> list[Aspect]:
    """Narrower questions within `facet`: those in the sentences that ask first, then the
    rest of the text ("... make the arthritis worse over time, is that true")."""
    asked = facet.aspects_asked(asked_part(question) or question)
    return asked + [a for a in facet.aspects_asked(question) if a not in asked]


def _aspect_parts(aspects: list[Aspect], g: Grade, outcomes: tuple[str, ...], u: Understanding,
                  ctx: Context, topic: str, lead: bool) -> tuple[list[Part], list[str]]:
    """The narrower questions asked ("how many a year", "is it on the NHS", "can I drive"),
    each answered by a finding that says so, or by an honest "we hold no ..." followed by
    what is held on joint injections in general where that answers it."""
    short: list[Part] = []
    detail: list[str] = []
    used: set[str] = set()
    said: set[str] = set()  # what the chosen findings are about ("flushing", "infection")
    for k, a in enumerate(aspects[:3]):
        must = lead and k < 2
        picks = ctx.pick.about(g.treatment, a.outcomes or outcomes, g.joint, limit=6,
                               jurisdiction=u.jurisdiction, aspect=a)
        hits = []
        for p in picks:
            text = ctx.pick.says(p.finding)
            about = a.topics(text)
            # A second finding on the same thing ("flushing" twice) says nothing new.
            if p.finding.id in used or not a.answered_by(text) or (about <= said and hits) \
                    or (ctx.lexicon.contents_only and ctx.lexicon.contents_only.search(text)):
                continue
            hits.append(p)
            said |= about
        if hits:
            # a record of the country asked (or of the whole jurisdiction) before one of a
            # neighbour ("the NHS does not pay" before England's rule, for Scotland)
            hits.sort(key=lambda p: bool(ctx.other_country(p.finding)))
            if a.window:
                # the harm finding whose span holds the person's own time leads (the line
                # that says so is the situation's: `_context_parts`)
                hits = _within_window([*hits, *picks], u, ctx)[0][:len(hits)] or hits
            used.update(p.finding.id for p in hits[:a.take])
            short += [Part(_pick_text(p, ctx, g.joint, topic), must=must, asked=True)
                      for p in hits[:a.take]]
            detail += [_pick_text(p, ctx, g.joint, topic) for p in hits]
            continue
        line = a.none.format(what=ctx.t(g.treatment), where=ctx.where(g.joint)) if a.none \
            else ""
        general = ctx.pick.general(a.outcomes or outcomes, a, u.jurisdiction) \
            if a.general else []
        if general:
            line = " ".join(x for x in (line, ctx.say("in_general"),
                                        _pick_text(general[0], ctx, None)) if x)
        if line:
            short.append(Part(line, must=must))
            detail.append(line)
    return short, detail


def _form_parts(u: Understanding, grades: list[Grade], ctx: Context
                ) -> tuple[list[Part], list[str]]:
    """A form asked about by name ("Zilretta or standard triamcinolone?", "is leukocyte-poor
    PRP preferred?", "does it need ultrasound guidance?") is answered first, by the records
    that speak to that form, best fitting first; when none does, the answer says so."""
    short: list[Part] = []
    detail: list[str] = []
    forms = [f for fid in u.forms for f in ctx.lexicon.forms if f.id == fid]
    unanswered: dict[str, tuple] = {}  # form id -> (form, where its answer starts, options)
    for k, form in enumerate(forms[:2]):
        for g in grades:
            if not form.of(g.treatment) or any(g.treatment == x.treatment for x in grades[
                    :grades.index(g)]):
                continue
            picks, recs = ctx.pick.on_form(
                form, g.treatment, g.joint, limit=6, jurisdiction=u.jurisdiction,
                skip=frozenset() if "cost" in u.facets else frozenset({"cost", "access"}))
            ranked = sorted(
                [(form.fit(ctx.pick.says(r)), 0, r.source, ctx.text(r) + cite(r.source))
                 for r in recs]
                + [(form.fit(ctx.pick.says(p.finding)), 1, p.finding.source,
                    _pick_text(p, ctx, g.joint, form.label)) for p in picks],
                key=lambda x: (-x[0], x[1]))
            # One line per source: a guideline's statement and our finding from the same
            # guideline say the same thing twice.
            seen: set[str] = set()
            lines = [text for _, _, src, text in ranked
                     if not (src in seen or seen.add(src))][:6]
            if not lines:
                line = form.none.format(what=ctx.t(g.treatment), where=ctx.where(g.joint))
                short.append(Part(line, must=True, gap=True))
                detail.append(line)
                continue
            # each form asked gets its answer; the first form two lines, a second one
            short += [Part(x, must=n < (2 if k == 0 else 1)) for n, x in enumerate(lines[:2])]
            detail += lines
            if "comparison" in u.facets and form.versus_none and not _form_result(form, g, ctx):
                unanswered.setdefault(form.id, (form, len(short) - min(2, len(lines)), []))[
                    2].append(g.treatment)
    for form, at, missing in reversed(unanswered.values()):
        # "is it better than the usual one?" with no result of that comparison held: said
        # plainly and once for the options it applies to, and first on the form, since the
        # comparison is what was asked of it (a trial that only lists its arms is no result)
        line = form.versus_none.format(what=_and([ctx.t(t) for t in missing]))
        short.insert(at, Part(line, must=True, gap=True))
        detail.append(line)
    return short, list(dict.fromkeys(detail))


def _form_result(form, g: Grade, ctx: Context) -> bool:
    """Whether a result of the form against its usual counterpart is held (a trial's benefit,
    no difference or harm on an outcome people feel, with that counterpart as comparator)."""
    return any(
        f.direction != "uncertain" and f.outcome in (*EFFICACY, "safety") and ctx.shown(f)
        and any(rx.search(f.comparator or "") for rx in form.versus)
        and form.answered_by(ctx.pick.says(f))
        for t in (g.treatment, *form.also) for f in ctx.base.findings_about(t))


def named_sources(question: str, base: EvidenceBase, vocab) -> list[Source]:
    """The studies or reviews a question names ("the 2025 Cochrane review", "Conaghan 2018",
    "the RESTORE trial", "the big BMJ review"), by their first author, an acronym in their
    title, a guideline body with its year, or a journal named whole with the kind of study."""
    years = set(re.findall(r"\b(?:19|20)\d\d\b", question))
    words = {w.lower() for w in re.findall(r"[A-Za-z\u00c0-\u017f]{3,}", question)}
    named = []
    for src in base.sources.values():
        if years and str(src.year) not in years:
            continue
        names = {(src.author or "").split(" ")[0].lower(),
                 *(w.lower() for w in re.findall(r"\b[A-Z]{4,}\b", src.title))}
        if years:
            # a body's name is a study's name only with its year ("AAOS 2021"); alone it is
            # a question about what guidelines say
            names |= {w.lower() for w in re.findall(r"\(([A-Z][A-Za-z-]{2,})\)",
                                                    src.organisation or "")}
        if src.journal and "cochrane" in src.journal.lower():
            names.add("cochrane")
        journal = re.sub(r"^the\s+", "", (src.journal or "").strip(), flags=re.I)
        if journal and len(journal.split()) <= 2 and re.search(
                r"\b(review|trial|study|paper|meta-?analysis)\b", question, re.I) and \
                re.search(rf"\b{re.escape(journal)}\b", question, re.I):
            # "the big BMJ review": a journal named, whole, with the kind of study ("PLOS
            # ONE" is not named by a "one" in "Synvisc-One")
            names.add(journal.split()[-1].lower())
        names.discard("")
        # a product's name ("Zilretta") names the product, not its label or a study of it
        names = {n for n in names if not vocab.knows(n)}
        if names & words and (years or src.kind != "other"):
            named.append(src)
    return named


def _named_source_parts(u: Understanding, grades: list[Grade], ctx: Context) -> list[Part]:
    """A study or review the question names is answered from its own findings, first."""
    treatments = {g.treatment for g in grades}
    named = named_sources(u.question, ctx.base, ctx.vocab)
    parts = []
    for src in named[:2]:
        found = [f for t in treatments for f in ctx.pick.shown(t) if f.source == src.id]
        # the outcome the question names first ("... and structure"), then results with figures
        found.sort(key=lambda f: (f.outcome not in u.question.lower(),
                                  f.outcome not in EFFICACY, f.effect is None))
        parts += [Part(ctx.text(f) + cite(f.source), must=n == 0)
                  for n, f in enumerate(found[:2])]
    return parts


def _within_window(candidates: list, u: Understanding, ctx: Context) -> tuple[list, str]:
    """When the person said how soon their operation is, the harm finding that names a span
    of time before surgery leads ("in the 3 months before ... raised infection risk"), with a
    line that says, in their terms, whether their time falls inside it."""
    weeks = (u.situation.planned_surgery or {}).get("weeks_until")
    seen: set[str] = set()
    hits = [p for p in candidates if not (p.finding.id in seen or seen.add(p.finding.id))]
    if not weeks:
        return hits, ""
    for p in hits:
        found = spans(ctx.pick.says(p.finding))
        if p.finding.direction != "harm" or not found:
            continue
        window = found[0]
        key = "surgery_inside_window" if weeks <= window.high else "surgery_outside_window"
        line = ctx.say(key, when=say_weeks(weeks), window=window.words)
        return [p, *[h for h in hits if h is not p]], line
    return hits, ""


def _closing(ids: tuple[str, ...], grades: list[Grade], ctx: Context) -> list[str]:
    """Lines every patient answer on a facet ends with (what to watch for after an injection),
    when the record is held and is about a kind of treatment asked about."""
    def kind(t: str) -> str | None:
        term = ctx.vocab.term("treatment", t)
        return term.category if term else None

    kinds = {kind(g.treatment) for g in grades}
    lines = []
    if not any(ctx.injected(g.treatment) for g in grades):
        return lines  # warning signs after an injection, for a tablet or a needle course
    for fid in ids:
        f = ctx.base.findings.get(fid)
        if f is None or not ctx.shown(f):
            continue
        if not f.treatments or any(kind(t) in kinds for t in f.treatments):
            lines.append(ctx.text(f) + cite(f.source))
    return lines


def _comparison(u: Understanding, grades: list[Grade], ctx: Context
                ) -> tuple[list[Part], list[str]]:
    """One synthesis: which pairs have head-to-head evidence and what it shows, which do not,
    and where the strongest evidence of benefit lies."""
    treatments = list(dict.fromkeys(g.treatment for g in grades))
    joint = grades[0].joint if grades else None
    short: list[Part] = []
    detail: list[str] = []
    said_none: list[str] = []
    for i, a in enumerate(treatments):
        for b in treatments[i + 1:]:
            picks = ctx.pick.head_to_head(a, b, joint) or ctx.pick.head_to_head(b, a, joint)
            if picks and all(p.borrowed for p in picks):
                # Head-to-head trials of another joint do not answer "which for my ankle":
                # said as missing for this joint; the other joint's trials stay in the detail.
                said_none.append(ctx.say("no_head_to_head_joint", a=ctx.t(a), b=ctx.t(b),
                                         joint=ctx.j(joint)))
                detail += [_pick_text(p, ctx, joint, ctx.lexicon.facet("comparison").label)
                           for p in picks]
            elif picks:
                lines = [_pick_text(p, ctx, joint, ctx.lexicon.facet("comparison").label)
                         for p in picks]
                short.append(Part(lines[0], must=not short))
                detail += lines
            else:
                said_none.append(ctx.say("no_head_to_head", a=ctx.t(a), b=ctx.t(b)))
    detail += said_none
    short += [Part(s) for s in said_none[:2]]
    levels = ["very-low", "low", "moderate", "high"]
    # Evidence of benefit means better than placebo or no treatment: "about as good as"
    # another injection is not, and an option the guidelines advise against without any
    # guideline for it is never named as the strongest.
    # (and never on another joint's evidence: "the best we hold for the hip" is hip evidence)
    benefit = [g for g in grades if g.direction == "benefit"
               and g.best_human_evidence != "none" and not (g.against and not g.for_)
               and not other_joints(g)]
    # Options the evidence judges alike are said together ("little or no benefit from PRP or
    # gel injections for the hip"), so every option named is answered in one sentence.
    alike = [g for g in grades if g.direction == "no-difference"
             and g.best_human_evidence != "none" and not other_joints(g)]
    if len(alike) >= 2:
        names = _or([ctx.t(g.treatment) for g in alike])
        line = ctx.say("group_no_benefit", names=names, where=ctx.where(joint))
        if all(g.against and not g.for_ for g in alike):
            line += " " + ctx.say("group_against")
        sources = [s for g in alike for s in _verdict_sources(g, ctx)[:1]]
        short.append(Part(line + cite(*sources), must=True))
        detail.append(line + cite(*sources))
    if len(grades) > 1:
        if benefit:
            best = max(benefit, key=lambda g: (levels.index(g.certainty), len(g.for_)))
            key = "strongest" if levels.index(best.certainty) >= 2 else "strongest_weak"
            line = ctx.say(key, what=ctx.t(best.treatment), certainty=best.certainty)
            if ctx.patient and guideline_clause(best, ctx, u.jurisdiction):
                # "the best we hold" is not a recommendation: say where guidelines stand.
                line += " " + guideline_clause(best, ctx, u.jurisdiction)
            short.append(Part(line + cite(*_verdict_sources(best, ctx)[:1]), must=True))
            detail.append(line + cite(*_verdict_sources(best, ctx)[:1]))
        else:
            short.append(Part(ctx.say("none_strong"), must=len(alike) < 2))
    return short, detail


def _context_parts(u: Understanding, grades: list[Grade], ctx: Context
                   ) -> tuple[list[Part], list[str]]:
    """What the evidence says for this person's situation (diabetes, blood thinners, an
    operation booked, a recent injection, advanced arthritis, age)."""
    treatments = list(dict.fromkeys(g.treatment for g in grades))
    joint = grades[0].joint if grades else None
    short: list[Part] = []
    detail: list[str] = []
    classes = ctx.lexicon.context.medicine_classes
    named = {k for k, rx in classes.items() if rx.search(u.question)}

    def kind_fit(p: Pick) -> int:
        """0: about the kind of medicine the person takes; 1: about none in particular;
        2: about another kind only."""
        said = {k for k, rx in classes.items() if rx.search(ctx.pick.says(p.finding))}
        return 0 if said & named else (2 if said and named else 1)

    facet = ctx.lexicon.facet("interaction")
    asked = _aspects(facet, u.question) if facet else []
    # A situation that changes what is safe (diabetes, blood thinners) takes the room first;
    # the stage of the arthritis is then said only if there is room left.
    pressing = any(ctx.high_stakes(c) for c in u.situation.contexts())
    for cid in u.situation.contexts():
        pool = [p for p in ctx.pick.for_context(cid, treatments, joint, limit=8)
                # a record on joint injections in general says nothing of a tablet
                if p.finding.treatments or any(ctx.injected(t) for t in treatments)]
        picks = sorted(pool, key=lambda p: (kind_fit(p), -sum(
            a.fit(ctx.pick.says(p.finding)) for a in asked)))[:3]
        if not picks and cid == "recent-injection" and "dosing" not in u.facets:
            # (asked how soon the next may be, the dosing answer says so itself)
            # what a recent injection changes is when the next may be given: a dosing record
            # that says how far apart, not a trial's schedule
            spacing = ctx.lexicon.facet("dosing").aspect("yearly-limit")
            picks = [p for t in treatments
                     for p in ctx.pick.about(t, ("dosing",), joint, 6, aspect=spacing)
                     if spacing.answered_by(ctx.pick.says(p.finding))][:1] or (
                ctx.pick.general(("dosing",), spacing, u.jurisdiction)
                if any(ctx.injected(t) for t in treatments) else [])
        if not picks and cid == "planned-joint-replacement":
            picks = [p for t in treatments for p in ctx.pick.about(t, ("surgery-timing",),
                                                                   joint, 1)]
        personal = ""
        if picks and cid == "planned-joint-replacement":
            more = [p for t in treatments for p in ctx.pick.about(t, ("surgery-timing",),
                                                                  joint, 3)]
            ordered, personal = _within_window([*picks, *more], u, ctx)
            picks = ordered[:max(len(picks), 2)] if personal else picks
        if picks:
            lines = [_pick_text(p, ctx, joint) for p in picks]
            stakes = ctx.high_stakes(cid)
            # What changes what is safe for this person is said in two records, not one:
            # the evidence and the advice that goes with it (do not stop a blood thinner).
            # The second line is the one that adds most to the first (advice after evidence).
            extra = max(lines[1:], key=lambda x: _new_words(x, lines[0]), default="")
            parts = [Part(lines[0], must=stakes or "candidacy" in u.facets)] + (
                # (a situation told in an earlier turn was answered for then: one line
                # reminds, and what is asked now keeps its room)
                [Part(extra, must=stakes and cid not in u.told_before)]
                if extra and _new_words(extra, lines[0]) >= 5 else [])
            if personal:
                parts[0] = Part(f"{personal} {lines[0]}", must=True, first=True)
            if stakes and not personal and not any(
                    getattr(ctx.base.sources.get(p.finding.source), "kind", "") in STUDY_KINDS
                    for p in picks):
                # only advice and exclusion lists held ("your doctor will check"): say that
                # no study of it in this situation is held
                gap = ctx.say("no_context_studies", what=_and([ctx.t(t) for t in treatments]),
                              context=ctx.context_label(cid))
                parts.insert(1, Part(gap, must=True, gap=True))
                detail.append(gap)
            # Evidence on one option in this situation says nothing about another: steroid
            # raising blood sugar does not tell a person with diabetes what PRP does.
            missing = [t for t in treatments if len(treatments) > 1 and ctx.high_stakes(cid)
                       and not ctx.pick.for_context(cid, [t], joint, limit=1)]
            if missing:
                line = ctx.say("no_context", what=_and([ctx.t(t) for t in missing]),
                               context=ctx.context_label(cid))
                parts.insert(0 if treatments[0] in missing else 1,
                             Part(line, must=True, gap=True))
                detail.append(line)
            if ctx.stage(cid) and not stakes and u.primary_facet != "candidacy":
                # the stage is answered for after what was asked first
                parts = [Part(parts[0].text, must=not pressing, after=True)]
            short += parts
            detail += lines
        elif treatments and cid != "recent-injection" and (
                ctx.high_stakes(cid) or "candidacy" in u.facets or ctx.stage(cid)):
            # (a recent injection is answered by the spacing advice, or by the dosing facet's
            # own "we hold no firm advice": "nothing specific to a recent injection" says nothing)
            unchecked = any(
                cid in f.context and set(f.treatments) & set(treatments)
                and f.verification != "verified"
                and (not joint or not f.joints or joint in f.joints)
                for f in ctx.base.findings.values())
            line = ctx.say("no_context_unchecked" if unchecked else "no_context",
                           what=_and([ctx.t(t) for t in treatments]),
                           context=ctx.context_label(cid))
            after = ctx.stage(cid) and not (ctx.high_stakes(cid)
                                            or u.primary_facet == "candidacy")
            short.append(Part(line, must=not (after and pressing), after=after, gap=True))
            detail.append(line)
    stopping = next((a for a in asked if a.id == "stopping" and a.none), None)
    taken = [c for c in u.situation.medicines + u.situation.conditions if ctx.high_stakes(c)]
    if stopping and treatments and taken:
        # "should the biologic be held?": answered from the records, or declined plainly.
        for cid in taken[:1]:
            if not any(stopping.answered_by(ctx.pick.says(p.finding))
                       for p in ctx.pick.for_context(cid, treatments, joint, limit=8)):
                line = ctx.say(stopping.none, what=_and([ctx.t(t) for t in treatments]))
                short.append(Part(line, must=True))
                detail.append(line)
    return short, list(dict.fromkeys(detail))


def _localise(text: str, local: dict[str, str], once: bool = False) -> str:
    """The UK's numbers in our advice ("call 999", "NHS 111", "A&E") in the person's own
    country's terms (`once`: only where first said, as when the others are put beside it);
    a price or a count that happens to read 999 is left alone."""
    for uk in sorted(local, key=len, reverse=True):
        text = re.sub(rf"(?<![£$€\d.,]){re.escape(uk)}(?![\d])", local[uk], text,
                      count=1 if once else 0)
    return text


def _new_words(text: str, earlier: str) -> int:
    """How many content words `text` adds to `earlier`: "your blood sugar may go up after a
    steroid shot" adds little to "blood sugar rose after a steroid shot"."""
    words = set(re.findall(r"[a-z]{4,}", strip_citations(text).lower()))
    return len(words - set(re.findall(r"[a-z]{4,}", strip_citations(earlier).lower())))


def _fit(parts: list[Part], budget: int = SUMMARY_WORDS) -> str:
    """The short answer: every must-say sentence, then others while the budget lasts."""
    chosen: list[str] = []
    used = 0
    for p in parts:
        text = _said_once(p.text, chosen)
        if text in chosen:
            continue
        n = _words(text)
        if not chosen or (p.must and used + n <= SUMMARY_CAP) or used + n <= budget:
            chosen.append(text)
            used += n
    return " ".join(chosen)


def _said_once(text: str, earlier: list[str]) -> str:
    """`text` without a lead-in an earlier sentence already gave ("On slow-release steroid,
    we hold no studies ... In studies of the knee:" is said once, not before every line)."""
    head, colon, rest = text.partition(": ")
    if colon and rest and len(head) < 200 and any(e.startswith(head + colon) for e in earlier):
        return _cap(rest)
    return text


# -- the answer ---------------------------------------------------------------------------------
def compose(u: Understanding, ctx: Context, conversation_id: str | None) -> Answer:
    p = plan(u, ctx)
    grades = [grade_option(ctx.base, t, j, audience=ctx.audience) for t, j in p.pairs]
    lex = ctx.lexicon
    sections: list[tuple[str, str, str]] = []  # (id, title, text with placeholders)
    parts: list[Part] = []
    key_points: list[str] = []
    safety = Safety(urgent=u.urgent, red_flags=list(u.red_flags))

    if u.urgent:
        # The most urgent advice first: breathlessness (999) before a swollen calf (111).
        flags = sorted((f for f in lex.red_flags if f.id in u.red_flags), key=lambda f: f.rank)
        advice = [(f.plain if ctx.patient else f.clinician) + cite(*f.sources) for f in flags]
        safety.message = strip_citations(advice[0])
        sections.append(("urgent", lex.title("urgent"), "\n\n".join(advice)))
        # A lower tier of the same condition (a swollen calf after breathlessness, both a
        # clot) is left to the section: the short answer gives the most urgent step only.
        shown: list[set[str]] = []
        parts = []
        for f, a in zip(flags, advice, strict=True):
            if not any(set(f.sources) <= seen for seen in shown):
                parts.append(Part(a, must=True))
            shown.append(set(f.sources))
        if u.jurisdiction is None and "unknown" not in lex.local_numbers:
            # Where the person is was not said (or not recognised) and no neutral wording is
            # held: the UK's numbers, and straight after the first step, a line for anyone
            # elsewhere (with it, the numbers of other places are said beside the UK's).
            parts.insert(1, Part(ctx.say("urgent_abroad"), must=True))
            sections[-1] = ("urgent", lex.title("urgent"),
                            sections[-1][2] + "\n\n" + ctx.say("urgent_abroad"))
        elif u.jurisdiction not in (None, "UK") and u.jurisdiction not in lex.local_numbers \
                and "elsewhere" not in lex.local_numbers:
            # 999 and NHS 111 are the UK's numbers: someone in Mexico is told first to use
            # their own (where we hold theirs, the advice is said in them: `_localise`).
            parts.insert(0, Part(ctx.say("urgent_abroad"), must=True))
            sections[-1] = ("urgent", lex.title("urgent"),
                            ctx.say("urgent_abroad") + "\n\n" + sections[-1][2])
    named_none = ""
    if p.not_held:
        joint = u.joints[0] if u.joints else None
        named_none = (ctx.say("no_evidence_named_joint", names=_and(p.not_held), joint=ctx.j(joint))
                      if joint else ctx.say("no_evidence_named", names=_and(p.not_held)))

    if not p.in_scope:
        lead = named_none or ctx.say("no_evidence_question")
        helping = lex.help_plain if u.jurisdiction in (None, "UK") else lex.help_elsewhere
        product = u.unknown and not u.out_of_scope and (u.joints or u.mentions_oa)
        asks = [q.plain + cite(*q.sources) for q in lex.questions
                if q.unknown_product and all(x in ctx.base.sources for x in q.sources)]
        if product and asks and ctx.patient:
            # a product for arthritis we hold nothing on is not "out of scope": we cannot say
            # if it works, and these are the questions to ask before paying for it
            price = [ctx.say("not_held_price")] if "cost" in u.facets else []
            text = " ".join([lead, *price, ctx.say("not_held_ask"), *asks[:2]])
        else:
            text = " ".join(x for x in (lead, ctx.say("not_covered"), helping) if x)
        if not u.urgent:
            parts.append(Part(text, must=True))
        sections.append(("help", lex.title("help"), helping))
        options: list[Option] = []
    else:
        options = [_option_row(g, ctx, u.jurisdiction) for g in grades]
        if named_none:
            parts.insert(len(parts) if u.urgent else 0, Part(named_none, must=True))
        facet_detail: dict[str, list[str]] = {}
        routine: list[Part] = []
        form_short, facet_detail["forms"] = _form_parts(u, grades, ctx)
        ctx_short, facet_detail["context"] = _context_parts(u, grades, ctx)
        # the person's situation answered with evidence that changes what is safe
        pressing = any(c.must and not c.after and not c.gap for c in ctx_short) and any(
            ctx.high_stakes(c) for c in u.situation.conditions + u.situation.medicines)
        for i, fid in enumerate(u.facets):
            short, detail = _facet_parts(fid, u, grades, ctx, limit=3)
            if fid == "safety" and pressing:
                # "Is it safe with my diabetes?": the situation's evidence answers it; the
                # general side effects give way, and the warning signs close the answer.
                for s in short:
                    s.must = s.must and s.closing
            if form_short and fid in ("efficacy", "comparison") and (
                    len(grades) < 2 or u.options_named < 2):
                # The form asked about answers before the treatment's general verdict
                # (a comparison of two options named still leads with its synthesis).
                for s in short:
                    s.must = False
            if i > 0:
                for s in short:
                    # The comparison's synthesis stays when two or more options were named.
                    s.must = s.must and i < 3 and (fid != "efficacy" or s.asked) and (
                        fid != "comparison" or len(set(u.treatments)) > 1)
            facet_detail[fid] = detail
            if i == 0:
                # The person's own situation, when it changes what is safe, comes first.
                lead = [c for c in ctx_short if c.must and not c.after]
                # A form asked about leads, but a comparison of the options named keeps its
                # synthesis first.
                # A form asked of a question on something else ("is the slow-release one
                # on-label for hips?") follows that question's first answer.
                leads = len(grades) < 2 or u.options_named < 2
                ahead = _named_source_parts(u, grades, ctx) + (
                    form_short if leads and fid in FORM_LEADS else [])
                then = form_short if leads and fid not in FORM_LEADS else []
                routine += (lead + ahead + short[:1] + then + [c for c in ctx_short if c.after]
                            + short[1:] + [f for f in form_short if f not in ahead + then]
                            + [c for c in ctx_short if not c.must])
            else:
                routine += short
        firsts = [r for r in routine if r.first]
        # (a finding the person's own line already leads with is not said twice)
        rest = [r for r in routine if not r.first and not any(r.text in f.text for f in firsts)]
        routine = (firsts + [r for r in rest if not r.closing]
                   + [r for r in rest if r.closing])
        if not routine or ("efficacy" not in u.facets and "comparison" not in u.facets):
            # Never an empty short answer; and what the evidence says of the option itself
            # follows whatever specific thing was asked.
            for g in grades[:2]:
                routine.append(Part(verdict(g, ctx) + cite(*_verdict_sources(g, ctx)),
                                    must=not routine))
        if u.urgent:
            # The urgent job first and only: the routine answer is offered after, without
            # reassurance that could delay care.
            lines = [o.verdict + cite(*_verdict_sources(g, ctx))
                     for o, g in zip(options, grades, strict=True)][:3]
            if lines:
                sections.append(("routine", lex.title("routine"),
                                 "\n".join(f"- {x}" for x in lines)))
        else:
            parts += routine
            key_points = _key_points(u, grades, options, ctx)
            sections += _sections(u, grades, facet_detail, ctx)

    sections.append(("disclaimer", lex.title("disclaimer"), lex.wording["disclaimer"]))
    summary = _fit(parts) if parts else named_none
    local = lex.local_numbers.get(u.jurisdiction or "unknown")
    if local is None and u.jurisdiction not in (None, "UK"):
        local = lex.local_numbers.get("elsewhere")  # a place we hold no numbers for
    if local:
        once = u.jurisdiction is None
        summary = _localise(summary, local, once)
        key_points = [_localise(k, local, once) for k in key_points]
        sections = [(sid, title, _localise(body, local, once)) for sid, title, body in sections]
        safety.message = _localise(safety.message, local, once) if safety.message else None
    numbered = number_citations([summary] + key_points + [t for _, _, t in sections],
                                known=lambda sid: sid in ctx.base.sources)
    summary_out = numbered.texts[0]
    points_out = numbered.texts[1:1 + len(key_points)]
    section_texts = numbered.texts[1 + len(key_points):]
    out_sections = [Section(id=sid, title=title, text=body)
                    for (sid, title, _), body in zip(sections, section_texts, strict=True)]
    order = {sid: n for n, sid in enumerate(numbered.order, 1)}
    for row, g in zip(options, grades, strict=True):
        ids = _verdict_sources(g, ctx) + [r.source for r in ctx.pick.regulatory(
            g.treatment, u.jurisdiction)]
        row.citations = sorted({order[s] for s in ids if s in order})
    references = [_reference(n, ctx.base.sources[sid]) for sid, n in order.items()]
    shown_text = " ".join([summary] + key_points + [t for sid, _, t in sections
                                                    if sid != "disclaimer"])
    grade_value = fk_grade(strip_citations(shown_text)) if ctx.patient else None
    return Answer(
        question=u.question, audience=ctx.audience, conversation_id=conversation_id,
        understood=Understood(
            treatments=u.treatments, joints=u.joints, intents=list(u.facets),
            facets=list(u.facets), profile=u.situation.as_dict(),
            context=u.situation.contexts(), not_held=p.not_held,
            jurisdiction=u.jurisdiction, inherited=u.inherited),
        in_scope=p.in_scope, safety=safety, summary=summary_out, key_points=points_out,
        sections=out_sections, options=options, references=references,
        follow_ups=follow_ups(u, grades, ctx) if p.in_scope else _starter_questions(ctx),
        reading_grade=grade_value, disclaimer=lex.wording["disclaimer"],
        evidence_ids=list(order),
    )


def _key_points(u: Understanding, grades: list[Grade], options: list[Option],
                ctx: Context) -> list[str]:
    """One line per option: the verdict, with its sources (at most four)."""
    if len(grades) < 2:
        return []
    return [f"**{_cap(ctx.t(g.treatment))}{ctx.where(g.joint) if len(u.joints) > 1 else ''}:** "
            f"{o.verdict}" + cite(*_verdict_sources(g, ctx)[:2])
            for g, o in list(zip(grades, options, strict=True))[:4]]


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in dict.fromkeys(lines))


def _sections(u: Understanding, grades: list[Grade], facet_detail: dict[str, list[str]],
              ctx: Context) -> list[tuple[str, str, str]]:
    """Detail sections, most relevant to the question first."""
    lex = ctx.lexicon
    out: list[tuple[str, str, str]] = []
    if facet_detail.get("context"):
        out.append(("context", lex.title("context"), _bullets(facet_detail["context"])))
    if facet_detail.get("forms"):
        labels = [f.label for fid in u.forms for f in lex.forms if f.id == fid]
        out.append(("forms", _cap(_and(labels[:2])), _bullets(facet_detail["forms"])))
    for fid in u.facets:
        if fid in ("efficacy", "questions", "pathway", "guidelines") \
                or not facet_detail.get(fid):
            continue
        facet = lex.facet(fid)
        lines = list(facet_detail[fid])
        if fid == "safety" and lex.urgent_plain and any(ctx.injected(g.treatment)
                                                        for g in grades):
            # The warning signs after an injection close every answer on its risks, the
            # person's own situation included.
            lines.append((lex.urgent_plain if ctx.patient else lex.urgent_clinician)
                         + cite(*lex.urgent_sources))
        out.append((fid, facet.title if facet else fid, _bullets(lines)))
    # A question about the person's own situation that names no injection ("I take
    # rivaroxaban: can I have a hip injection?") is answered on that situation; the general
    # evidence, guidelines, approvals and care pathway of every usual injection would bury it.
    situation_only = not u.treatments and bool(u.situation.contexts()) and not (
        set(u.facets) & {"efficacy", "comparison", "guidelines", "regulatory", "candidacy",
                         "pathway", "duration", "cost", "dosing", "procedure"})
    if not situation_only:
        out.append(("evidence", lex.title("evidence"), _evidence(grades, ctx)))
        out += _disagreement(grades, ctx)
    stance_lines = list(dict.fromkeys(
        ctx.text(s.recommendation) + cite(s.source.id) for g in grades for s in g.stances))
    if stance_lines and not situation_only:
        out.append(("guidelines", lex.title("guidelines"), _bullets(stance_lines)))
    if "regulatory" not in u.facets and not situation_only:
        reg = []
        for t in dict.fromkeys(g.treatment for g in grades):
            reg += [ctx.text(r) + cite(r.source) for r in ctx.pick.regulatory(t, u.jurisdiction)]
        if reg:
            out.append(("regulatory", lex.title("regulatory"), _bullets(reg)))
    if "safety" not in u.facets:
        lines = []
        for g in grades:
            picks = ctx.pick.about(g.treatment, ("safety",), g.joint, limit=6)
            # A harm that is known (a regulator's warning, a trial's side effects) before a
            # small study's "no harms were reported": reassurance never hides a warning.
            harms = [p for p in picks if p.finding.direction == "harm"][:1]
            chosen = harms + [p for p in picks if p not in harms][:2 - len(harms)]
            lines += [_pick_text(p, ctx, g.joint, ctx.lexicon.facet("safety").label)
                      for p in chosen]
        if lex.urgent_plain and any(ctx.injected(g.treatment) for g in grades):
            advice = lex.urgent_plain if ctx.patient else lex.urgent_clinician
            lines.append(advice + cite(*lex.urgent_sources))
        facet = lex.facet("safety")
        if not lines and facet is not None:
            lines = [facet.none.format(what=ctx.t(g.treatment), where=ctx.where(g.joint))
                     for g in grades[:2]]
        out.append(("safety", lex.title("safety"), _bullets(lines)))
    if "pathway" in u.facets or "candidacy" in u.facets or (
            not u.treatments and not situation_only):
        steps = _steps(ctx)
        if steps:
            out.append(("pathway", lex.title("pathway"),
                        _bullets([_step_text(p, ctx) for p in steps])))
    if ctx.patient:
        treatments = [g.treatment for g in grades]
        qs = [q for q in lex.questions if q.applies_to(treatments)
              and all(s in ctx.base.sources for s in q.sources)]
        if qs and any(ctx.injected(t) for t in treatments) and (
                "questions" in u.facets or "cost" in u.facets
                or any(t not in ("corticosteroid",) for t in treatments)):
            out.append(("questions", lex.title("questions"),
                        _bullets([q.plain + cite(*q.sources) for q in qs[:6]])))
    return out


def _evidence(grades: list[Grade], ctx: Context) -> str:
    blocks = []
    seen: set[str] = set()
    for g in grades:
        pool = [p for p in ctx.pick.about(g.treatment, EFFICACY, g.joint, limit=12,
                                          first_only=True) if p.finding.id not in seen]
        # "Does it work" is answered against placebo first, as the grade is: findings
        # against placebo, saline or sham lead; head-to-head comparisons follow.
        pool = sorted(pool, key=lambda p: not _placebo_controlled(p.finding, ctx))
        picks = _both_sides(pool, 3)
        if g.best_human_evidence == "none":
            picks += [Pick(f) for f in g.preclinical if ctx.shown(f)][:2]
        seen.update(p.finding.id for p in picks)
        head = f"**{_cap(ctx.t(g.treatment))}{ctx.where(g.joint)}**"
        others = other_joints(g)
        lines = []
        if others:
            lines.append(ctx.say("borrowed_verdict", what=ctx.t(g.treatment), joint=ctx.j(g.joint),
                                 others=ctx.joints_label(others)))
        lines += [ctx.text(p.finding) + cite(p.finding.source) for p in picks]
        if not picks:
            lines = [ctx.say("fallback_findings")]
        blocks.append(head + "\n" + _bullets(lines))
    return "\n\n".join(blocks)


def _both_sides(pool: list[Pick], n: int) -> list[Pick]:
    """The best `n` findings, but when they all point one way and a placebo-controlled
    finding held points the other ("RESTORE found no benefit over saline"), it takes the last
    place: the evidence shown is never one-sided when the evidence held is not."""
    picks = pool[:n]
    ways = {p.finding.direction for p in picks}
    if len(picks) < n or len(ways) != 1 or not ways <= {"benefit", "no-difference"}:
        return picks
    other = next((p for p in pool[n:] if p.finding.direction in ("benefit", "no-difference")
                  and p.finding.direction not in ways and p.finding.comparator
                  and is_placebo(p.finding.comparator)), None)
    return picks[:n - 1] + [other] if other else picks


def _placebo_controlled(f, ctx: Context) -> bool:
    """A finding in people against placebo, saline or sham (animal work never leads)."""
    src = ctx.base.sources.get(f.source)
    return bool(is_placebo(f.comparator) and src is not None
                and src.population.species == "human")


def _disagreement(grades: list[Grade], ctx: Context) -> list[tuple[str, str, str]]:
    lines = []
    for g in grades:
        if not g.conflict or other_joints(g):
            continue
        trial = next((f for f in g.efficacy if ctx.shown(f)), None)
        other_side = g.for_ if g.direction == "no-difference" else g.against
        stance = next(iter(other_side), None)
        if trial and stance:
            lines.append(
                f"**{_cap(ctx.t(g.treatment))}{ctx.where(g.joint)}.** "
                + ctx.text(trial) + cite(trial.source) + " "
                + ctx.text(stance.recommendation) + cite(stance.source.id))
    if not lines:
        return []
    return [("disagreement", ctx.lexicon.title("disagreement"), "\n\n".join(lines))]


def _steps(ctx: Context) -> list[PathwayStep]:
    return sorted((p for p in ctx.base.pathway.values() if ctx.shown(p)), key=lambda p: p.step)


def _injection_ids(ctx: Context) -> list[str]:
    return [tid for tid, term in ctx.vocab.terms.get("treatment", {}).items()
            if term.category in ANSWERED]


def _core_ids(ctx: Context) -> set[str]:
    return {tid for tid, term in ctx.vocab.terms.get("treatment", {}).items()
            if term.category == "core"}


def _step_text(p: PathwayStep, ctx: Context) -> str:
    return f"**{p.title}.** {ctx.text(p)}" + cite(*p.sources)


def _reference(n: int, src: Source) -> Reference:
    return Reference(n=n, id=src.id, title=src.title, year=src.year, kind=src.kind,
                     doi=src.doi, url=src.url or (src.link if not src.doi else None),
                     verification=src.verification, authors=src.author,
                     organisation=src.organisation, journal=src.journal, pmid=src.pmid,
                     citation=citation_text(src))


def citation_text(src: Source) -> str:
    """A reference as people expect to read one: authors. Title. Journal. Year. Link."""
    who = src.author or src.organisation or ""
    parts = [p for p in (who, src.title, src.journal if src.journal != who else None,
                         str(src.year)) if p]
    text = ". ".join(p.rstrip(".") for p in parts) + "."
    link = src.link
    return f"{text} {link}" if link else text


# -- follow-up suggestions -----------------------------------------------------------------------
def follow_ups(u: Understanding, grades: list[Grade], ctx: Context) -> list[str]:
    """2–4 questions the evidence base can answer, built from what it holds."""
    if not grades:
        return _starter_questions(ctx)
    g = grades[0]
    t = ctx.t(g.treatment)
    asked = set(u.facets)
    out: list[str] = []
    if "duration" not in asked and ctx.pick.about(g.treatment, ("duration",), g.joint, 1):
        out.append(f"How long does {t} last?")
    if "safety" not in asked and ctx.pick.about(g.treatment, ("safety",), g.joint, 1):
        out.append(f"What are the risks of {t}?")
    if "regulatory" not in asked and ctx.pick.regulatory(g.treatment, u.jurisdiction):
        out.append(f"Is {t} approved?")
    if g.treatment != "corticosteroid" and has_evidence(ctx.base, "corticosteroid", g.joint,
                                                        ctx.audience):
        out.append("How does that compare with a steroid injection?")
    for other in ("hip", "knee", "shoulder"):
        if other not in u.joints and has_evidence(ctx.base, g.treatment, other, ctx.audience):
            out.append(f"And for the {other}?")
            break
    out = list(dict.fromkeys(out))[:4]
    if len(out) < 2:
        out += [q for q in _starter_questions(ctx) if q not in out][: 2 - len(out)]
    return out


def _starter_questions(ctx: Context) -> list[str]:
    candidates = [("corticosteroid", "knee", "Does a steroid injection help knee arthritis?"),
                  ("prp", "knee", "Does PRP work for knee arthritis?"),
                  ("hyaluronic-acid", "hip", "Do gel injections help hip arthritis?")]
    return [q for t, j, q in candidates if has_evidence(ctx.base, t, j, ctx.audience)][:3] or [
        "What injections are there for knee arthritis?"]

