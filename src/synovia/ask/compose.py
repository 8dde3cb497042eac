"""Compose a balanced, cited answer from graded evidence.

Composers write citation placeholders only (`cite(source_id)`); `number_citations()` numbers
them once, at the end, for the whole answer. Patients see verified records only; clinicians
also see records checked against a secondary source, labelled as such. Memory-only and
unverified records never appear in an answer: they wait for human review."""

from __future__ import annotations

from dataclasses import dataclass, field

from synovia.ask.answer import Answer, Option, Reference, Safety, Section, Understood
from synovia.ask.understand import INJECTIONS, Understanding
from synovia.evidence import EvidenceBase, Finding, PathwayStep, Source
from synovia.grade import Grade, grade_option, plain_verdict
from synovia.text.citations import cite, number_citations, strip_citations
from synovia.text.readability import fk_grade
from synovia.vocab import Vocabulary
from synovia.vocab.lexicon import Lexicon

DISCLAIMER = ("This is general information, not medical advice. "
              "Talk to your doctor or physiotherapist about your own care.")
MAX_OPTIONS = 8
MAX_FINDINGS = 4
DESIGN_LABEL = {
    "patient": {"systematic-review": "review of studies", "rct": "randomised trial",
                "cohort": "study without a control group", "case-series": "case series",
                "none": "no studies in people"},
    "clinician": {"systematic-review": "systematic review/meta-analysis", "rct": "RCT",
                  "cohort": "cohort/non-randomised", "case-series": "case series",
                  "none": "no human studies"},
}
STATUS_PLAIN = {
    "approved": "approved", "cleared-device": "cleared as a device", "unapproved": "not approved",
    "investigational": "only allowed in research", "off-label": "used off-label",
    "ce-marked": "CE-marked", "unknown": "status unknown",
}
DIRECTION_PLAIN = {"for": "supports it", "against": "advises against it",
                   "only-with-special-arrangements": "allows it only with special arrangements",
                   "not-addressed": "does not cover it"}


@dataclass
class Context:
    base: EvidenceBase
    vocab: Vocabulary
    lexicon: Lexicon
    audience: str
    ranks: dict[str, int] = field(default_factory=dict)  # record id -> retrieval rank

    @property
    def patient(self) -> bool:
        return self.audience == "patient"

    def shown(self, tag: str) -> bool:
        """Which verification tags this audience may see."""
        return tag == "verified" or (not self.patient and tag == "secondary")

    def text(self, record) -> str:
        body = record.plain if self.patient else record.clinician
        if not self.patient and record.verification == "secondary":
            body += " (secondary source)"
        return body

    def t(self, treatment: str) -> str:
        return _mid(self.vocab.label("treatment", treatment, self.audience))

    def j(self, joint: str | None) -> str:
        return self.vocab.label("joint", joint, self.audience) if joint else "any joint"


def _mid(label: str) -> str:
    """A label as it reads mid-sentence: 'Steroid injection' -> 'steroid injection'."""
    if len(label) > 1 and label[1].isupper():
        return label
    return label[:1].lower() + label[1:]


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def has_evidence(base: EvidenceBase, treatment: str, joint: str | None = None) -> bool:
    if any(joint is None or not f.joints or joint in f.joints
           for f in base.findings_about(treatment)):
        return True
    return any(r.treatment == treatment and (joint is None or r.joint in (joint, None))
               for r in base.recommendations.values())


def choose_options(u: Understanding, base: EvidenceBase) -> list[tuple[str, str | None]]:
    treatments = [t for t in u.treatments if has_evidence(base, t)]
    if not treatments and not u.treatments and (u.joints or u.mentions_oa):
        treatments = [t for t in INJECTIONS
                      if any(has_evidence(base, t, j) for j in (u.joints or [None]))]
    joints: list[str | None] = list(u.joints) or [None]
    pairs = [(t, j) for t in treatments for j in joints]
    return pairs[:MAX_OPTIONS]


# -- sentences built from graded evidence ------------------------------------------------------
def verdict(g: Grade, ctx: Context) -> str:
    """One sentence (patient) or a compact clinician line, with the reasons behind it."""
    t, j = ctx.t(g.treatment), ctx.j(g.joint)
    if not ctx.patient:
        best = g.best_source
        where = f"{best.who} {best.year}" if best else "none"
        stances = "; ".join(
            f"{s.body} {s.source.year}: "
            f"{s.recommendation.strength_wording or s.recommendation.direction}"
            for s in g.stances[:4])
        text = (f"{_cap(t)}, {j}: certainty {g.certainty}; best evidence "
                f"{DESIGN_LABEL['clinician'][g.best_human_evidence]} ({where}); "
                f"direction {g.direction}")
        return text + (f"; guidelines: {stances}." if stances else ".")
    return plain_verdict(g, t, j)


def guideline_clause(g: Grade, ctx: Context) -> str:
    against, for_ = len(g.against), len(g.for_)
    if not g.stances:
        return ""
    if against and for_:
        return "Guidelines disagree about it."
    if against:
        return ("Most guidelines advise against it." if against > 1
                else "A guideline advises against it.")
    if for_:
        return "Guidelines support it as an option." if for_ > 1 else "A guideline supports it."
    return ""


def regulatory_line(g: Grade) -> str | None:
    if not g.regulatory:
        return None
    seen: dict[str, str] = {}
    for r in g.regulatory:
        seen.setdefault(r.jurisdiction, STATUS_PLAIN.get(r.status, r.status))
    return "; ".join(f"{k}: {v}" for k, v in seen.items())


def _rank_findings(findings: list[Finding], ctx: Context) -> list[Finding]:
    def key(f: Finding) -> tuple:
        src = ctx.base.sources.get(f.source)
        design = {"systematic-review": 0, "rct": 1, "cohort": 2}.get(src.kind if src else "", 3)
        return (ctx.ranks.get(f.id, 999), design, f.effect is None, f.id)

    return sorted((f for f in findings if ctx.shown(f.verification)), key=key)


def _option_row(g: Grade, ctx: Context) -> Option:
    best = g.best_source
    size = ""
    if best:
        parts = []
        if best.n_studies:
            parts.append(f"{best.n_studies} studies")
        if best.n_participants:
            parts.append(f"{best.n_participants:,} people")
        size = ", ".join(parts)
    effect_finding = next((f for f in _rank_findings(g.efficacy, ctx) if f.effect and
                           f.effect.value is not None), None)
    design = DESIGN_LABEL[ctx.audience][g.best_human_evidence]
    if best:
        design += f" ({best.who} {best.year})" if best.who else f" ({best.year})"
    return Option(
        treatment=g.treatment,
        treatment_label=ctx.vocab.label("treatment", g.treatment, ctx.audience),
        joint=g.joint, certainty=g.certainty, best_human_evidence=g.best_human_evidence,
        design=design, size=size or "not reported",
        effect=effect_finding.effect.describe() if effect_finding else "no pooled effect reported",
        guideline_stance=[s.as_dict() for s in g.stances
                          if ctx.shown(s.recommendation.verification)],
        regulatory=regulatory_line(g), verdict="", reasons=list(g.reasons),
    )


# -- the answer ---------------------------------------------------------------------------------
def compose(u: Understanding, ctx: Context, conversation_id: str | None) -> Answer:
    base = ctx.base
    pairs = choose_options(u, base)
    named_without_evidence = [t for t in u.treatments if not has_evidence(base, t)]
    in_scope = bool(pairs) and not (u.out_of_scope and not u.mentions_oa and not u.treatments)
    if u.out_of_scope and not u.mentions_oa:
        in_scope = False
        pairs = []

    texts: list[tuple[str, str, str]] = []  # (section id, title, text with placeholders)
    summary_parts: list[str] = []
    safety = Safety(urgent=u.urgent, red_flags=list(u.red_flags))
    if u.urgent:
        lex = ctx.lexicon
        advice = lex.urgent_plain if ctx.patient else lex.urgent_clinician
        safety.message = advice
        texts.append(("urgent", "Get help now", advice + cite(*lex.urgent_sources)))
        summary_parts.append(advice + cite(*lex.urgent_sources))

    grades = [grade_option(base, t, j) for t, j in pairs]
    options: list[Option] = []
    option_sources: list[list[str]] = []
    if not in_scope:
        summary_parts.append(_out_of_scope_text(u, ctx))
        texts.append(("help", "Where to find help", ctx.lexicon.help_plain))
    else:
        if named_without_evidence:
            names = ", ".join(ctx.t(t) for t in named_without_evidence)
            summary_parts.append(f"We hold no evidence on {names}.")
        for g in grades:
            row = _option_row(g, ctx)
            row.verdict = verdict(g, ctx)
            sources = _verdict_sources(g, ctx)
            clause = guideline_clause(g, ctx) if ctx.patient else ""
            summary_parts.append(" ".join(p for p in (row.verdict, clause) if p) + cite(*sources))
            options.append(row)
            option_sources.append(sources + [r.source for r in g.regulatory])
        texts += _sections(u, grades, ctx)

    texts.append(("disclaimer", "Please note", DISCLAIMER))
    summary = " ".join(summary_parts)
    numbered = number_citations([summary] + [t for _, _, t in texts],
                                known=lambda sid: sid in base.sources)
    summary_out, section_texts = numbered.texts[0], numbered.texts[1:]
    sections = [Section(id=sid, title=title, text=body)
                for (sid, title, _), body in zip(texts, section_texts, strict=True)]
    order = {sid: n for n, sid in enumerate(numbered.order, 1)}
    for row, sources in zip(options, option_sources, strict=True):
        row.citations = sorted({order[s] for s in sources if s in order})
    references = [_reference(n, base.sources[sid]) for sid, n in order.items()]
    patient_text = " ".join([summary] + [t for sid, _, t in texts if sid != "disclaimer"])
    grade_value = fk_grade(strip_citations(patient_text)) if ctx.patient else None
    return Answer(
        question=u.question, audience=ctx.audience, conversation_id=conversation_id,
        understood=Understood(treatments=u.treatments, joints=u.joints, intents=u.intents,
                              profile=u.profile, inherited=u.inherited),
        in_scope=in_scope, safety=safety, summary=summary_out, sections=sections,
        options=options, references=references,
        follow_ups=follow_ups(u, grades, ctx) if in_scope else _starter_questions(ctx),
        reading_grade=grade_value, disclaimer=DISCLAIMER,
        evidence_ids=list(order),
    )


def _verdict_sources(g: Grade, ctx: Context) -> list[str]:
    ids = []
    shown_findings = _rank_findings(g.efficacy, ctx)
    if g.best_source and any(f.source == g.best_source.id for f in shown_findings):
        ids.append(g.best_source.id)
    elif shown_findings:
        ids.append(shown_findings[0].source)
    if g.best_human_evidence == "none":
        ids += [f.source for f in _rank_findings(g.preclinical, ctx)[:1]]
    ids += [s.source.id for s in g.stances if ctx.shown(s.recommendation.verification)][:3]
    return list(dict.fromkeys(ids))


def _out_of_scope_text(u: Understanding, ctx: Context) -> str:
    if u.out_of_scope:
        labels = [r.label for r in ctx.lexicon.scope if r.id in u.out_of_scope]
        what = ", ".join(labels[:3])
        lead = f"We hold no evidence on {what}."
    elif u.treatments:
        lead = "We hold no evidence on that."
    else:
        lead = "We hold no evidence on that question."
    return (f"{lead} Synovia covers injection treatments for osteoarthritis of the knee, hip, "
            f"shoulder, hand and ankle, so we cannot answer it. {ctx.lexicon.help_plain}")


def _bullets(lines: list[str]) -> str:
    return "\n".join(f"- {line}" for line in lines)


def _sections(u: Understanding, grades: list[Grade], ctx: Context) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    evidence_lines: list[str] = []
    wanted = {"pain", "function", "structure"}
    if "duration" in u.intents:
        wanted.add("duration")
    if "procedure" in u.intents:
        wanted.add("procedure")
    if "cost" in u.intents:
        wanted.add("cost")
    seen_findings: set[str] = set()
    for g in grades:
        pool = g.efficacy + [f for f in g.other if f.outcome in wanted]
        chosen = [f for f in _rank_findings(pool, ctx) if f.id not in seen_findings][:MAX_FINDINGS]
        if g.best_human_evidence == "none":
            chosen += _rank_findings(g.preclinical, ctx)[:2]
        head = f"**{_cap(ctx.t(g.treatment))} — {ctx.j(g.joint)}**"
        lines = [ctx.text(f) + cite(f.source) for f in chosen]
        seen_findings.update(f.id for f in chosen)
        if not lines:
            lines = ["We hold no checked findings on this yet."]
        evidence_lines.append(head + "\n" + _bullets(lines))
    out.append(("evidence", "What the evidence shows", "\n\n".join(evidence_lines)))

    conflicts = [g for g in grades if g.conflict]
    if conflicts:
        lines = []
        for g in conflicts:
            trial = next(iter(_rank_findings(g.efficacy, ctx)), None)
            # The guideline on the other side from the trials: against a benefit, for a null.
            other_side = g.for_ if g.direction == "no-difference" else g.against
            stance = next((s for s in other_side
                           if ctx.shown(s.recommendation.verification)), None)
            if trial and stance:
                lines.append(
                    f"**{_cap(ctx.t(g.treatment))} — {ctx.j(g.joint)}.** "
                    + ("Some trials found a benefit: " if ctx.patient else "Trial evidence: ")
                    + ctx.text(trial) + cite(trial.source) + " "
                    + ("But a guideline says: " if ctx.patient else "Guideline position: ")
                    + ctx.text(stance.recommendation) + cite(stance.source.id))
        if lines:
            intro = ("Trials and guidelines do not agree here. Both sides are below."
                     if ctx.patient else
                     "Trial results and guideline recommendations diverge; both are shown.")
            out.append(("disagreement", "Where trials and guidelines disagree",
                        intro + "\n\n" + "\n\n".join(lines)))

    stance_lines = []
    for g in grades:
        for s in g.stances:
            if ctx.shown(s.recommendation.verification):
                stance_lines.append(ctx.text(s.recommendation) + cite(s.source.id))
    if stance_lines:
        out.append(("guidelines", "What guidelines say",
                    _bullets(list(dict.fromkeys(stance_lines)))))

    reg_lines = []
    for t in dict.fromkeys(g.treatment for g in grades):
        g = next(x for x in grades if x.treatment == t)
        shown = [r for r in g.regulatory if ctx.shown(r.verification)]
        if shown:
            reg_lines += [ctx.text(r) + cite(r.source) for r in shown]
        elif t in INJECTIONS:
            reg_lines.append(f"We hold no checked record of the approval status of {ctx.t(t)}.")
        reg_facts = [f for f in g.other if f.outcome == "regulatory" and ctx.shown(f.verification)]
        reg_lines += [ctx.text(f) + cite(f.source) for f in _rank_findings(reg_facts, ctx)[:2]]
    if reg_lines:
        out.append(("regulatory", "Is it approved?", _bullets(list(dict.fromkeys(reg_lines)))))

    steps = sorted((p for p in ctx.base.pathway.values() if ctx.shown(p.verification)),
                   key=lambda p: p.step)
    if steps:
        out.append(("pathway", "Where it fits in care",
                    _bullets([_step_text(p, ctx) for p in steps])))

    safety_lines: list[str] = []
    for g in grades:
        for f in _rank_findings(g.safety, ctx)[:3]:
            safety_lines.append(ctx.text(f) + cite(f.source))
    lex = ctx.lexicon
    if lex.urgent_plain:
        advice = lex.urgent_plain if ctx.patient else lex.urgent_clinician
        safety_lines.append(advice + cite(*lex.urgent_sources))
    out.append(("safety", "Safety", _bullets(list(dict.fromkeys(safety_lines)))))

    treatments = [g.treatment for g in grades]
    qs = [q for q in lex.questions if q.applies_to(treatments)
          and all(s in ctx.base.sources for s in q.sources)]
    if qs:
        out.append(("questions", "Questions to ask a clinic",
                    _bullets([(q.plain if ctx.patient else q.clinician) + cite(*q.sources)
                              for q in qs[:8]])))
    order = _section_order(u)
    out.sort(key=lambda s: order.get(s[0], 50))
    return out


def _step_text(p: PathwayStep, ctx: Context) -> str:
    return f"**{p.title}.** {ctx.text(p)}" + cite(*p.sources)


def _section_order(u: Understanding) -> dict[str, int]:
    order = ["evidence", "disagreement", "guidelines", "regulatory", "pathway", "safety",
             "questions"]
    first = {"safety": "safety", "regulatory": "regulatory", "questions": "questions",
             "pathway": "pathway"}
    for intent in u.intents:
        if intent in first:
            order.remove(first[intent])
            order.insert(0, first[intent])
            break
    return {sid: i for i, sid in enumerate(order)}


def _reference(n: int, src: Source) -> Reference:
    return Reference(n=n, id=src.id, title=src.title, year=src.year, kind=src.kind,
                     doi=src.doi, url=src.url or (src.link if not src.doi else None),
                     verification=src.verification)


# -- follow-up suggestions -----------------------------------------------------------------------
def follow_ups(u: Understanding, grades: list[Grade], ctx: Context) -> list[str]:
    """2–4 questions the evidence base can answer, built from what it holds."""
    if not grades:
        return _starter_questions(ctx)
    g = grades[0]
    t = ctx.t(g.treatment)
    out: list[str] = []
    if "safety" not in u.intents and g.safety:
        out.append(f"What are the risks of {t}?")
    if "regulatory" not in u.intents and g.regulatory:
        out.append(f"Is {t} approved?")
    if g.treatment != "corticosteroid" and has_evidence(ctx.base, "corticosteroid", g.joint):
        out.append("How does that compare with a steroid injection?")
    for other in ("hip", "knee", "shoulder"):
        if other not in u.joints and has_evidence(ctx.base, g.treatment, other):
            out.append(f"And for the {other}?")
            break
    if "questions" not in u.intents and ctx.lexicon.questions:
        out.append(f"What should I ask a clinic about {t}?")
    out = list(dict.fromkeys(out))[:4]
    if len(out) < 2:
        out += [q for q in _starter_questions(ctx) if q not in out][: 2 - len(out)]
    return out


def _starter_questions(ctx: Context) -> list[str]:
    candidates = [("corticosteroid", "knee", "Does a steroid injection help knee arthritis?"),
                  ("prp", "knee", "Does PRP work for knee arthritis?"),
                  ("hyaluronic-acid", "hip", "Do gel injections help hip arthritis?")]
    return [q for t, j, q in candidates if has_evidence(ctx.base, t, j)][:3] or [
        "What injections are there for knee arthritis?"]
