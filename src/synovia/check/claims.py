"""Find the sentences that make a health claim and judge each against the graded evidence:
supported, overstated, contradicted or unsupported, with the reason and the evidence used.

Order of judgement: a contradiction of a regulatory status, a safety finding or a guideline
position beats everything; then overstatement (hype words without negation, or certainty the
grade does not allow); then support (cited and consistent, or matched in the evidence base);
else unsupported. Accurate, hedged sentences come out supported or unjudged, never flagged."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from synovia.check.citations import CitationReport
from synovia.check.context import ArticleContext, Terms
from synovia.check.frames import ClaimFrame, direction_starts, frame_of, judge_frame
from synovia.check.parse import Sentence
from synovia.evidence import EvidenceBase
from synovia.grade import Grade, grade_option

#: A year as articles write one (a date grammar, shared with parsing; not a word list).
YEAR = re.compile(r"\b(19[5-9]\d|20[0-4]\d)\b")
SUPPORT_SIMILARITY = 0.55
MAX_FRAMES = 3  # assertions read per sentence (clauses beyond the third add little)
VERDICT_RANK = {"contradicted": 0, "overstated": 1, "unsupported": 2, "supported": 3, None: 4}
STUDY_SIMILARITY = 0.45
@dataclass
class Claim:
    sentence: Sentence
    kinds: list[str]
    terms: Terms
    verdict: str | None = None
    reason: str = ""
    evidence: list[str] = field(default_factory=list)
    hype: list[str] = field(default_factory=list)
    cited: bool = False
    frame: ClaimFrame | None = None
    findings: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "text": self.sentence.text, "start": self.sentence.start, "end": self.sentence.end,
            "verdict": self.verdict, "treatments": sorted(self.terms.treatments),
            "joints": sorted(self.terms.joints), "evidence": self.evidence,
            "reason": self.reason, "kinds": self.kinds, "hype": self.hype,
            "cited": self.cited, "frame": self.frame.as_dict() if self.frame else None,
            "findings": self.findings,
        }


def find_claims(ctx: ArticleContext) -> list[Claim]:
    """Sentences that tie a treatment (named, or the article's subject) to an assertion."""
    said = ctx.claim_cues.sentence
    claims = []
    for sent in ctx.doc.claim_sentences:
        text = sent.text
        if len(text) < 25 or "?" in text or text.endswith(":") or len(text.split()) < 5:
            continue  # questions (also quoted ones) and lead-ins are not claims
        if text.count("\u201c") > text.count("\u201d"):
            continue  # the start of a quoted question the splitter cut short
        kinds = [k for k, rx in said.kinds.items() if rx.search(text)]
        if "guideline" not in kinds and ctx.bodies_in(text) and (
                said.guide_for.search(text) or said.guide_against.search(text)):
            kinds.append("guideline")  # a body named in full ("the American College of ...")
        if said.study_reference.search(text):
            kinds.append("study")
        cues = ctx.claim_cues
        bold = cues is not None and (cues.figure.search(text) or cues.own_results.search(text)
                                     or any((m := p.search(text)) and not ctx.lexicon.negated(
                                         text, m.start(), 40) for p in cues.absolute)
                                     or bool(cues.certainty_claim
                                             and cues.certainty_claim.search(text)))
        progression = cues is not None and any(
            p.search(text) for oid, _f, pats in cues.outcomes if oid == "progression"
            for p in pats)
        if cues is not None and (bold or progression or any(
                p.search(text) for _, pats in cues.directions for p in pats)):
            kinds.append("asserts")
        hype = [h.id for h, m in ctx.lexicon.hype_in(text)
                if not ctx.lexicon.negated(text, m.start())]
        if not kinds and not hype:
            continue
        own = ctx.own_terms(text)
        terms = ctx.terms_of_sentence(sent)
        if not terms.treatments:
            continue
        # A sentence naming no treatment must at least point at one ("it", "the therapy"), or
        # make a claim that needs no name: a figure, the clinic's own results, a certainty.
        reports = cues is not None and cues.reports_study is not None and bool(
            cues.reports_study.search(text))
        in_topic = "asserts" in kinds and (
            bool(ctx.block_terms.get(sent.block, Terms()).treatments) or reports
            or bool(said.time_span.search(text)))
        if not own.treatments and not said.pointer.search(text) and "study" not in kinds \
                and not hype and not bold and not in_topic and not (
                    "asserts" in kinds and ctx.claim_cues and ctx.claim_cues.umbrella
                    and ctx.claim_cues.umbrella.search(text)):
            continue
        claims.append(Claim(sentence=sent, kinds=kinds, terms=terms, hype=hype))
    return claims


#: What the model-based comparison needs, fetched only when a claim needs it: (encoder,
#: (document ids, their vectors)), or None when vectors are off. Loading the model is the slow
#: part of a short check, and most claims are judged by rules alone.
Similarity = Callable[[], tuple[object, tuple[list[str], np.ndarray]] | None]


class Judge:
    def __init__(self, ctx: ArticleContext, base: EvidenceBase, citations: CitationReport,
                 similarity: Similarity | None = None):
        self.ctx, self.base, self.citations = ctx, base, citations
        self.similarity = similarity
        self._grades: dict[tuple[str, str | None], Grade] = {}
        self.resolved = {r.reference.n: r for r in citations.resolved}

    def grade(self, treatment: str, joint: str | None) -> Grade:
        key = (treatment, joint)
        if key not in self._grades:
            self._grades[key] = grade_option(self.base, treatment, joint)
        return self._grades[key]

    def grades_for(self, claim: Claim) -> list[Grade]:
        joints = sorted(claim.terms.joints) or [None]
        return [self.grade(t, j) for t in sorted(claim.terms.treatments) for j in joints[:2]]

    def judge_all(self, claims: list[Claim]) -> list[Claim]:
        """Rules first; only the claims they leave open are embedded and compared with the
        evidence (the model is the slow part)."""
        pending = [c for c in claims if not self.judge_by_rules(c)]
        near = [c for c in pending if self._needs_similarity(c)]
        sims = dict(zip(map(id, near), self._similarities(near), strict=True))
        for claim in pending:
            self.judge_by_evidence(claim, sims.get(id(claim), []))
        return [c for c in claims if c.verdict]

    def _needs_similarity(self, claim: Claim) -> bool:
        """Whether closeness to a finding can change this claim's verdict: only when the
        sentence names a study we may hold and its own citation does not already tie it to a
        source (the model is the slow part, and topic is never support)."""
        said = self.ctx.claim_cues.sentence
        if claim.terms.route == "intravenous":
            return False
        if any(n in self.resolved and self.resolved[n].source for n in claim.sentence.markers):
            return False
        # Only a study the sentence names is looked for by closeness ("a 2019 trial found"):
        # a claim is never called supported because a finding on the same topic is near it.
        study = said.study_reference.search(claim.sentence.text)
        if not study:
            return False
        year = YEAR.search(study.group(0)) or YEAR.search(claim.sentence.text)
        if year is None:
            return True
        # A study of a year from which we hold no source on the treatment is unknown however
        # close its words come: only a candidate of that year needs the model to confirm it.
        return any(src.year == int(year.group(0)) and (
            self.ctx._source_terms.get(src.id, (set(), set()))[0] | set(src.treatments))
            & claim.terms.treatments for src in self.base.sources.values())

    def judge(self, claim: Claim, sims: list[tuple[str, float]]) -> None:
        if not self.judge_by_rules(claim):
            self.judge_by_evidence(claim, sims)

    # -- one claim -------------------------------------------------------------------------
    def judge_by_rules(self, claim: Claim) -> bool:
        """Contradictions, misdescriptions and overstatement: True when one decided it."""
        text = claim.sentence.text
        lex = self.ctx.lexicon
        grades = self.grades_for(claim)
        cited_refs = [self.resolved[n] for n in claim.sentence.markers if n in self.resolved]
        claim.cited = bool(cited_refs)
        for check in (self._misdated, self._regulatory, self._safety, self._certainty_claimed,
                      self._first_line, self._guideline, self._misdescribed):
            if check(claim, grades):
                if claim.verdict == "supported":
                    self._worse_by_frame(claim, grades)  # one clause right, another wrong
                return True
        if self._by_frame(claim, grades):
            return True
        core_only = self.ctx.about_core_care(text)
        for h, m in lex.hype_in(text):
            if lex.negated(text, m.start()) or (claim.frame and claim.frame.animals
                                                 and h.category == "structure") or core_only:
                # "does not cure"; "regrew cartilage in rats" is what rats showed; "the most
                # effective treatments include exercise" is what every guideline says first
                continue
            best = max((g.certainty for g in grades), key=_certainty_rank, default="very-low")
            claim.verdict = "overstated"
            claim.reason = (f"says '{m.group(0)}': {h.why} The evidence for "
                            f"{self._subject(claim)} is {best} certainty.").replace("..", ".")
            claim.evidence = self._grade_ids(grades)
            return True
        return False

    def _worse_by_frame(self, claim: Claim, grades: list[Grade]) -> None:
        """A sentence a rule found right in one part ("recommended") may still overstate in
        another ("lasts three months or longer"): the frame's verdict wins when it is worse."""
        kept = (claim.verdict, claim.reason, list(claim.evidence), list(claim.findings))
        claim.verdict = None
        if self._by_frame(claim, grades, skip=("regulatory", "guideline")) and \
                claim.verdict in ("contradicted", "overstated"):
            return
        claim.verdict, claim.reason, claim.evidence, claim.findings = kept

    def _by_frame(self, claim: Claim, grades: list[Grade],
                  skip: tuple[str, ...] = ()) -> bool:
        """Judge what the sentence asserts against what the findings held assert."""
        said = self.ctx.claim_cues.sentence
        cues = self.ctx.claim_cues
        if cues is None:
            return False
        own = self.ctx.own_terms(claim.sentence.text)
        against = _compared_with(claim.sentence.text, own.treatments, self.ctx)
        subject = own.treatments - against
        treatments = subject or (claim.terms.treatments - against) or own.treatments
        comparators = set(against)
        first = _first_named(claim.sentence.text, subject, self.ctx)
        if first:
            treatments = {first}
            comparators |= subject - {first}
        judged = {t for t in treatments if self.ctx.judged(t)}
        if not judged and any(p.search(claim.sentence.text) for oid, _f, pats in cues.outcomes
                              if oid == "progression" for p in pats):
            # "This relief may help postpone knee replacement": the surgery is what is put
            # off; the subject is the paragraph's injection.
            block = self.ctx.block_terms.get(claim.sentence.block, Terms()).treatments
            judged = ({t for t in block if self.ctx.judged(t)}
                      or {t for t in self.ctx.main_treatments if self.ctx.judged(t)})
            comparators.add("surgery")
        if not judged and not own.treatments:
            # "Additional injections may give relief for longer": a sentence that names no
            # treatment speaks of the article's own injection, not of the surgery its
            # paragraph mentions.
            judged = {t for t in self.ctx.main_treatments if self.ctx.judged(t)}
        if not judged:
            return False  # exercise, painkillers: guidelines speak to these, not our trials
        treatments = judged
        text = claim.sentence.text
        certainty = {}
        for g in grades:
            if g.treatment in treatments:
                best = certainty.get(g.treatment)
                if best is None or _certainty_rank(g.certainty) > _certainty_rank(best):
                    certainty[g.treatment] = g.certainty
        # A sentence can assert several things ("X is safe and can improve pain"): each word
        # of effect after the first opens another frame, and the worst verdict stands.
        judged_frames = []
        for start in [0] + direction_starts(text, cues)[1:MAX_FRAMES]:
            frame = frame_of(text, treatments, claim.terms.joints, cues, comparators,
                             skip=skip, start=start)
            frame.named = bool(own.treatments) or bool(
                cues.umbrella and cues.umbrella.search(text))  # "regenerative medicine"
            frame.joints_named = bool(own.joints)
            frame.attributed = bool(self.ctx.bodies_in(text)) and bool(
                said.states_verb.search(text) or said.guide_for.search(text)) \
                or _supposed(text, cues)
            v = judge_frame(frame, self.base, certainty,
                            lambda t: self.ctx.vocab.label("treatment", t, "clinician"), cues)
            judged_frames.append((VERDICT_RANK[v.verdict], len(judged_frames), v, frame))
        if any(f.direction == "no-difference" for *_x, f in judged_frames) and \
                said.contrast.search(text) and cues.reports_study is not None and \
                cues.reports_study.search(text):
            # a study reported both ways ("PRP improved scores; however, there was no
            # difference from HA"): the report is balanced, its gain is not judged alone
            judged_frames = [x for x in judged_frames if x[3].direction != "benefit"]
        if not own.treatments and cues.umbrella and cues.umbrella.search(text):
            # "regenerative medicine offers significant relief": the umbrella name speaks for
            # the article's treatments on the benefit it promises; its denials ("cannot
            # regrow cartilage") are not judged against any one of them
            judged_frames = [x for x in judged_frames if x[3].direction == "benefit"]
            if not judged_frames:
                return False
        _rank, _i, v, claim.frame = min(judged_frames, key=lambda x: (x[0], x[1]))
        if v.verdict is None:
            return False
        claim.verdict, claim.reason = v.verdict, v.reason
        claim.evidence, claim.findings = v.evidence, v.findings
        return True

    def judge_by_evidence(self, claim: Claim, sims: list[tuple[str, float]]) -> None:
        """Support: cited and consistent, or close to a finding; else unsupported or unjudged."""
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        lex = self.ctx.lexicon
        cited_refs = [self.resolved[n] for n in claim.sentence.markers if n in self.resolved]
        support = [rid for rid, score in sims if score >= SUPPORT_SIMILARITY]
        if claim.terms.route == "intravenous":
            claim.verdict = "unsupported"
            claim.reason = ("about intravenous use, not joint injection; the evidence base "
                            "holds no such evidence")
            return
        if cited_refs:
            in_base = [r.source.id for r in cited_refs if r.source]
            if in_base or support:
                claim.verdict = "supported"
                claim.evidence = list(dict.fromkeys(in_base + support[:3]))
                claim.reason = "cited, and consistent with the evidence base"
            else:
                claim.verdict = "supported"
                claim.reason = ("cited; the cited reference is not in our evidence base, so it "
                                "was not checked further")
            return
        study = said.study_reference.search(text)
        listed = [s for s in self._described_sources(claim)
                  if s.id in {r.source.id for r in self.resolved.values() if r.source}]
        if study and listed and not claim.sentence.markers:
            claim.verdict = "supported"
            claim.evidence = [s.id for s in listed][:3]
            claim.reason = (f"describes {_name(listed[0])}, which is in "
                            "the reference list and the evidence base (no inline citation)")
            return
        if study and not YEAR.search(study.group(0)) and re.match(
                r"(?i)th(e|is|at)\b", study.group(0)) and self._study_introduced(claim):
            return  # "the trial" refers back to the study the article already described
        if study and not self._study_known(claim, study.group(0), sims):
            claim.verdict = "unsupported"
            claim.reason = (f"refers to '{study.group(0).strip()}' without a citation, and no "
                            f"matching study of {self._subject(claim)} is in the evidence base")
            return

        if claim.frame is not None and claim.frame.direction is not None:
            return  # related evidence exists but speaks to something else: not judged
        if lex.hedged(text) or not said.attribution.search(text) and not claim.kinds:
            return  # a hedged, general statement: not judged
        if not said.attribution.search(text) and not said.asserts.search(text):
            return  # a remark with no claim of evidence or effect
        if claim.frame is None or claim.frame.direction != "benefit" or not claim.frame.named:
            return  # nothing asserted of a named treatment: not judged
        claim.verdict = "unsupported"
        claim.reason = "no citation, and nothing in the evidence base backs it"

    def _subject(self, claim: Claim) -> str:
        names = [self.ctx.vocab.label("treatment", t, "clinician")
                 for t in sorted(claim.terms.treatments)]
        return " and ".join(names) or "this treatment"

    def _grade_ids(self, grades: list[Grade]) -> list[str]:
        ids: list[str] = []
        for g in grades:
            ids += g.evidence_ids()[:4]
        return list(dict.fromkeys(ids))

    def _study_introduced(self, claim: Claim) -> bool:
        """Whether a sentence before this one already speaks of a study ("a trial of 200
        people found ..."), which a later "the trial" refers back to."""
        said = self.ctx.claim_cues.sentence
        return any(said.study_reference.search(s.text) for s in self.ctx.doc.sentences
                   if s.start < claim.sentence.start and not s.boilerplate)

    def _study_known(self, claim: Claim, phrase: str, sims: list[tuple[str, float]]) -> bool:
        """A study the sentence describes is known when a source of that year, on the same
        treatment, also says something close to the sentence."""
        year = YEAR.search(phrase) or YEAR.search(claim.sentence.text)
        close = {rid for rid, score in sims if score >= STUDY_SIMILARITY}
        close |= {r.source.id for r in self.resolved.values() if r.source}  # in the reference list
        # "the trial treatment" in a sentence naming no treatment: the article's own treatment
        treatments = claim.terms.treatments or set(self.ctx.main_treatments)
        for src in self.base.sources.values():
            if year and src.year != int(year.group(0)):
                continue
            derived = self.ctx._source_terms.get(src.id, (set(), set()))[0] | set(src.treatments)
            if derived & treatments and (src.id in close or not sims):
                return True
        return False

    def _described_sources(self, claim: Claim) -> list:
        """Sources the sentence seems to describe: same year, same treatment, cited or not."""
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        study = said.study_reference.search(text)
        year = YEAR.search(study.group(0)) if study else None
        if not study or not year:
            return []
        out = []
        for src in self.base.sources.values():
            if src.year != int(year.group(0)) or src.kind in ("guideline", "regulatory"):
                continue
            derived = self.ctx._source_terms.get(src.id, (set(), set()))[0] | set(src.treatments)
            if derived & claim.terms.treatments:
                out.append(src)
        return out

    def _misdescribed(self, claim: Claim, grades: list[Grade]) -> bool:
        """A study described with a design or a size it does not have: 'randomised' for a
        non-randomised study, or the whole study's size given for one of its arms."""
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        sources = self._described_sources(claim)
        if not sources:
            return False
        count = said.participants.search(text)
        n = int(count.group(1).replace(",", "")) if count else None
        named = self.ctx.own_terms(text).treatments
        for src in sources:
            if n is not None and src.n_participants and n != src.n_participants:
                continue  # another study
            if src.kind == "systematic-review":
                continue  # a review's pooled size is not split between arms
            study = said.study_reference.search(text)
            if study and re.search(r"review|meta-?analysis", study.group(0), re.I) and \
                    src.kind not in ("systematic-review", "narrative-review"):
                continue  # "a 2022 review" is not this year's cohort study
            rand = said.randomised_words.search(text)
            if rand and src.kind in ("cohort", "case-series") and not self.ctx.lexicon.negated(
                    text, rand.start(), 20):  # "found no randomised trials" says none were
                claim.verdict = "contradicted"
                design = src.kind.replace("-", " ")
                claim.reason = (f"describes it as randomised or controlled, but {_name(src)} "
                                f"was a {design} study")
                claim.evidence = [src.id]
                return True
            others = set(src.treatments) - named
            if n is not None and src.n_participants == n and named and others \
                    and named <= set(src.treatments):
                labels = ", ".join(self.ctx.vocab.label("treatment", t, "clinician")
                                   for t in sorted(others))
                claim.verdict = "contradicted"
                claim.reason = (f"gives {n} participants as evidence for "
                                f"{self._subject_of(named)}, but {_name(src)} split its {n} "
                                f"participants between arms (it also studied "
                                f"{labels}), and was a {src.kind.replace('-', ' ')} study")
                claim.evidence = [src.id]
                return True
        return False

    def _first_line(self, claim: Claim, grades: list[Grade]) -> bool:
        """"A first-line treatment" said of an injection: guidelines put the core treatments
        (exercise, weight management, information and support) first."""
        cues = self.ctx.claim_cues
        text = claim.sentence.text
        m = cues.first_line.search(text) if cues is not None and cues.first_line else None
        if m is None or self.ctx.lexicon.negated(text, m.start(), 80):
            return False
        judged = sorted(t for t in claim.terms.treatments if self.ctx.judged(t))
        if not judged:
            return False
        core = sorted((f for f in self.base.findings.values()
                       if f.outcome == "recommendation" and f.direction == "benefit"
                       and f.verification == "verified" and f.treatments
                       and all(_category(t, self.ctx) == "core" for t in f.treatments)),
                      key=lambda f: f.id)
        if not core:
            return False
        claim.verdict = "contradicted"
        claim.reason = (f"calls {self._subject_of(set(judged))} '{m.group(0)}', but guidelines "
                        f"put the core treatments first: {core[0].clinician}")
        claim.evidence = list(dict.fromkeys(f.source for f in core))[:3]
        claim.findings = [f.id for f in core][:3]
        return True

    def _certainty_claimed(self, claim: Claim, grades: list[Grade]) -> bool:
        """"The quality of this evidence was rated high": a certainty above the grade held."""
        cues = self.ctx.claim_cues
        if cues is None or cues.certainty_claim is None or not grades:
            return False
        m = cues.certainty_claim.search(claim.sentence.text)
        if not m or self.ctx.lexicon.negated(claim.sentence.text, m.start(), 40) or (
                cues.certainty_lacking and cues.certainty_lacking.search(
                    claim.sentence.text[max(0, m.start() - 40):m.start()])):
            # "there is limited high-quality evidence", "no high-quality evidence": a lack of
            # good evidence said, not a certainty claimed
            return False
        said = next(v for k, v in m.groupdict().items() if k.startswith("level") and v)
        level = cues.certainty_levels.get(said.lower().replace(" ", "-"))
        held = max((g.certainty for g in grades), key=_certainty_rank)
        if level is None or _certainty_rank(level) <= max(_certainty_rank(held), 1):
            return False
        gap = _certainty_rank(level) - _certainty_rank(held)
        claim.verdict = "contradicted" if gap >= 2 else "overstated"
        claim.reason = (f"says the evidence is {said.lower()}, but we grade the evidence for "
                        f"{self._subject(claim)} as {held} certainty")
        claim.evidence = self._grade_ids(grades)
        return True

    def _misdated(self, claim: Claim, grades: list[Grade]) -> bool:
        """A regulator's statement dated to a year in which that regulator issued none of the
        statements the evidence base holds on the treatment."""
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        bodies = self.ctx.bodies_in(text) & {"fda", "ema", "mhra"}
        year = YEAR.search(text)
        if not bodies or not year or not said.states_verb.search(text):
            return False
        cited = {r.source.id for n in claim.sentence.markers
                 if (r := self.resolved.get(n)) and r.source}
        ids = {r.source for g in grades for r in g.regulatory}
        ids |= {f.source for t in claim.terms.treatments for f in self.base.findings_about(t)
                if f.outcome == "regulatory"}
        sources = {k: self.base.sources.get(k) for k in ids}
        sources = {k: v for k, v in sources.items() if v and (
            k.split("-", 1)[0] in bodies or self.ctx.bodies_in(v.organisation or "") & bodies)}
        if not sources or cited & set(sources):
            return False
        years = sorted({s.year for s in sources.values()})
        if int(year.group(0)) in years:
            return False
        body = self.ctx.body_label(sorted(bodies)[0])
        claim.verdict = "unsupported"
        claim.reason = (f"dates what the {body} says to {year.group(0)}, with no citation; the "
                        f"{body} statements on {self._subject(claim)} in the evidence base date "
                        f"from {', '.join(str(y) for y in years)}")
        claim.evidence = sorted(sources)[:4]
        return True

    def _subject_of(self, treatments: set[str]) -> str:
        return " and ".join(self.ctx.vocab.label("treatment", t, "clinician")
                            for t in sorted(treatments)) or "this treatment"

    # -- contradiction rules ----------------------------------------------------------------
    def _regulatory(self, claim: Claim, grades: list[Grade]) -> bool:
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        lex = self.ctx.lexicon
        regs = [r for g in grades for r in g.regulatory]
        facts = [f for g in grades for f in g.other if f.outcome == "regulatory"]
        if said.escape_claim.search(text) and (regs or facts):
            m = said.escape_claim.search(text)
            if not lex.negated(text, m.start(), 25) or "oversight" in m.group(0).lower():
                evidence = ([r for r in regs if r.status in ("unapproved", "investigational")]
                            or regs)
                ids = [r.source for r in evidence] + [f.source for f in facts]
                claim.verdict = "contradicted"
                detail = (evidence[0].clinician if evidence else facts[0].clinician)
                claim.reason = (f"says '{m.group(0)}', but these products are regulated: "
                                f"unapproved is not unregulated. Evidence: {detail}")
                claim.evidence = list(dict.fromkeys(ids))[:4]
                return True
        cues = self.ctx.claim_cues
        m = said.approved_asserted.search(text) or (
            cues.approval_implied.search(text) if cues is not None and
            cues.approval_implied is not None else None)
        of_trial = bool(m and cues is not None and cues.approval_of_trial is not None and (
            cues.approval_of_trial.search(text[max(0, m.start() - 40):m.end() + 30])))
        if m and not of_trial and not lex.negated(text, m.start(), 70) and not re.search(
                r"\b(not|no|never|un)\W*$", text[:m.start()][-12:], re.I):
            unapproved = [r for r in regs if r.status in ("unapproved", "investigational")]
            if unapproved:
                r = unapproved[0]
                claim.verdict = "contradicted"
                claim.reason = (f"says '{m.group(0)}', but the evidence base records it as "
                                f"{r.status} ({r.jurisdiction}): {r.clinician}")
                claim.evidence = list(dict.fromkeys(x.source for x in unapproved))[:3]
                return True
        m = said.unapproved_stated.search(text)
        unapproved = [r for r in regs if r.status in ("unapproved", "investigational")]
        if m and unapproved and not said.escape_claim.search(text):
            claim.verdict = "supported"
            claim.reason = (f"matches the regulatory record: {unapproved[0].clinician}"
                            + ("" if claim.sentence.markers else " (not cited in the article)"))
            claim.evidence = list(dict.fromkeys(r.source for r in unapproved))[:3]
            return True
        return False

    def _safety(self, claim: Claim, grades: list[Grade]) -> bool:
        text = claim.sentence.text
        cues = self.ctx.claim_cues
        if cues is None or cues.safety_absolute is None:
            return False
        m = cues.safety_absolute.search(text)
        if not m or (cues.serious_mention and cues.serious_mention.search(text)):
            return False
        if self.ctx.bodies_in(text):
            return False  # what a guideline or regulator said, reported: not the page's claim
        if (self.ctx.lexicon.negated(text, m.start(), 20)
                and not m.group(0).lower().startswith("no")):
            return False
        harms = [f for g in grades for f in g.safety if f.direction in ("harm", "uncertain")]
        if not harms:
            return False
        harm = sorted(harms, key=lambda f: (f.verification != "verified", f.id))[0]
        claim.verdict = "contradicted"
        claim.reason = (f"says '{m.group(0)}', but serious harms are reported: {harm.clinician}")
        claim.evidence = list(dict.fromkeys(f.source for f in harms))[:4]
        return True

    def _guideline(self, claim: Claim, grades: list[Grade]) -> bool:
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        if "guideline" not in claim.kinds and not said.kinds["guideline"].search(text):
            return False
        bodies = self.ctx.bodies_in(text)
        cues = self.ctx.claim_cues
        if not bodies and cues is not None and cues.person_recommends is not None and \
                cues.person_recommends.search(text):
            return False  # "your physician may recommend it": a person, not a guideline
        banned = said.prohibited.search(text)
        if banned and bodies and not self.ctx.lexicon.negated(text, banned.start(), 30):
            claim.verdict = "overstated"
            claim.reason = (f"says '{banned.group(0)}': a guideline recommends for or against a "
                            "treatment; it does not prohibit or ban it")
            claim.evidence = [s.source.id for g in grades for s in g.stances][:3]
            return True
        says_against = bool(said.guide_against.search(text))
        backing = said.guide_for.search(text)
        if backing and not says_against and self.ctx.lexicon.negated(text, backing.start(), 40):
            says_against = True  # "doesn't currently recommend", "has never endorsed"
        says_for = bool(backing) and not says_against
        if not (says_for or says_against) and bodies and (said.strong.search(text) or
                                                            said.conditional.search(text)):
            says_for = True  # "grades its recommendation as strong": read the stance's side
        if not (says_against or says_for):
            return False
        if backing and len({g.treatment for g in grades}) > 1:
            # "steroid injections are the only ones recommended ...; studies comparing PRP
            # to steroid": the backing is of the treatment named just before it
            subject = _named_before(text, backing.start(), {g.treatment for g in grades},
                                    self.ctx)
            grades = [g for g in grades if g.treatment == subject] or grades
        stances = [s for g in grades for s in g.stances
                   if not bodies or s.source.id.split("-", 1)[0] in bodies
                   or _body_of(s, self.ctx) & bodies]
        held = {b for b in bodies if any(b in _body_of(s, self.ctx) or
                                         s.source.id.split("-", 1)[0] == b
                                         for g in self._all_stances() for s in g)}
        named = {t for t in claim.terms.treatments if self.ctx.judged(t)}
        if not stances and says_for and held and named and not self.ctx.lexicon.negated(
                text, said.guide_for.search(text).start(), 60):
            # "NICE has now given the procedure its backing": a body whose guidance we hold
            # says nothing for this treatment in what we hold.
            who = ", ".join(sorted(self.ctx.body_label(b) for b in held))
            claim.verdict = "unsupported"
            claim.reason = (f"says {who} backs {self._subject_of(named)}, but no "
                            f"recommendation from {who} for it is held")
            return True
        if not stances:
            return False
        joints = set(claim.terms.joints) or {None}
        if cues is not None and cues.joint_excluded is not None:
            # "... for knee osteoarthritis, but not for hip": the hip is not said to be for.
            for m in self.ctx.vocab.find(text, fuzzy=False):
                if m.kind == "joint" and cues.joint_excluded.search(text[max(0, m.start - 20):
                                                                       m.start]):
                    joints.discard(m.id)
            joints = joints or {None}
        # Each joint the sentence names is checked on its own: "for the hip as well as the
        # knee" is wrong when the hip stance differs.
        for joint in sorted(joints, key=lambda j: j or ""):
            relevant = [s for s in stances if joint is None or s.recommendation.joint in
                        (joint, None)] or stances
            if self._stance_verdict(claim, relevant, says_for, says_against, bodies):
                return True
        relevant = stances
        matching = [s for s in relevant
                    if (says_against and s.recommendation.direction == "against")
                    or (says_for and s.recommendation.direction == "for")]
        if matching:
            claim.verdict = "supported"
            claim.reason = "matches the guideline position: " + matching[0].recommendation.clinician
            claim.evidence = list(dict.fromkeys(s.source.id for s in matching))[:4]
            return True
        return False

    def _all_stances(self) -> list[list]:
        """Every guideline stance held, per treatment (to know which bodies we hold)."""
        if not hasattr(self, "_stances"):
            treatments = {r.treatment for r in self.base.recommendations.values()}
            self._stances = [self.grade(t, None).stances for t in sorted(treatments)]
        return self._stances

    def _stance_verdict(self, claim: Claim, relevant: list, says_for: bool, says_against: bool,
                        bodies: set[str]) -> bool:
        """Contradicted when the sentence turns a guideline's direction around, or states
        its strength wrongly ("conditionally" for a strong recommendation, or the reverse)."""
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        directions = {s.recommendation.direction for s in relevant}
        ids = list(dict.fromkeys(s.source.id for s in relevant))[:4]
        strong_against = [s for s in relevant if s.recommendation.direction == "against"
                          and s.recommendation.strength == "strong"]
        n_for = sum(1 for s in relevant if s.recommendation.direction == "for")
        n_against = sum(1 for s in relevant if s.recommendation.direction == "against")
        mostly_against = not bodies and n_against > n_for
        if says_for and ("for" not in directions or (not bodies and strong_against)
                         or mostly_against):
            s = (strong_against or [x for x in relevant
                                    if x.recommendation.direction != "for"] or relevant)[0]
            claim.verdict = "contradicted"
            claim.reason = (f"presents it as recommended, but {s.body} does not recommend it: "
                            f"{s.recommendation.clinician}")
            claim.evidence = ids
            return True
        if says_against and "against" not in directions and "for" in directions:
            s = next(x for x in relevant if x.recommendation.direction == "for")
            claim.verdict = "contradicted"
            claim.reason = (f"presents it as advised against, but {s.body} supports it: "
                            f"{s.recommendation.clinician}")
            claim.evidence = ids
            return True
        if bodies:
            said_strong = bool(said.strong.search(text))
            said_conditional = bool(said.conditional.search(text))
            if said_strong and said_conditional:
                return False  # both strengths named: each for its own joint or treatment
            direction = "against" if says_against else "for"
            same = [s for s in relevant if s.recommendation.direction == direction]
            strengths = {s.recommendation.strength for s in same}
            if same and said_conditional and strengths == {"strong"}:
                s = same[0]
                claim.verdict = "contradicted"
                claim.reason = (f"calls the recommendation conditional, but {s.body} makes it "
                                f"a strong one: {s.recommendation.clinician}")
                claim.evidence = ids
                return True
            if same and said_strong and "strong" not in strengths:
                s = same[0]
                claim.verdict = "overstated"
                claim.reason = (f"calls the recommendation strong, but {s.body} grades it "
                                f"{s.recommendation.strength_wording or s.recommendation.strength}")
                claim.evidence = ids
                return True
        return False

    def _unhedged_efficacy(self, claim: Claim, grades: list[Grade]) -> bool:
        """A generic present-tense benefit claim with no hedge, where the graded evidence is
        low certainty or shows no benefit."""
        said = self.ctx.claim_cues.sentence
        text = claim.sentence.text
        if ("benefit" not in claim.kinds or self.ctx.lexicon.hedged(text)
                or said.attribution.search(text)):
            return False
        if re.search(r"\b(not|no|never|little|doesn't|does not|did not|didn't|without)\b",
                     text, re.I):
            return False
        if not re.search(r"\b(improves?|reduces?|relieves?|eases?|works (for|on|in|well)|"
                         r"is effective|are effective|heals?|repairs?|restores?)\b", text, re.I):
            return False
        weak = [g for g in grades if g.certainty in ("low", "very-low")]
        none = [g for g in grades
                if g.direction == "no-difference" and g.certainty in ("moderate", "high")]
        if none:
            g = none[0]
            claim.verdict = "contradicted"
            claim.reason = (f"states a benefit as fact, but the best evidence for "
                            f"{self._subject(claim)} "
                            f"shows little or no benefit ({g.certainty} certainty)")
            claim.evidence = self._grade_ids(none)
            return True
        if weak and len(weak) == len(grades):
            g = weak[0]
            only_animals = g.best_human_evidence == "none" and g.preclinical
            claim.verdict = "overstated"
            claim.reason = (f"states a benefit as fact, but the evidence for "
                            f"{self._subject(claim)} "
                            + ("comes from animal studies only" if only_animals else
                               f"is {g.certainty} certainty") + ".")
            claim.evidence = self._grade_ids(weak)
            return True
        return False

    # -- similarity to evidence --------------------------------------------------------------
    def _similarities(self, claims: list[Claim]) -> list[list[tuple[str, float]]]:
        """For each claim, the source ids of findings about its treatments, most similar first."""
        found = self.similarity() if claims and self.similarity is not None else None
        if found is None or not found[1][0]:
            return [[] for _ in claims]
        encoder, (ids, matrix) = found
        vectors = encoder.encode([c.sentence.text for c in claims])
        scores = vectors @ matrix.T
        # Which rows are about which treatment, and whose source each row is (built once).
        by_treatment: dict[str, list[int]] = {}
        row_source: list[str | None] = []
        for i, doc_id in enumerate(ids):
            kind, rid = doc_id.split(":", 1)
            record = getattr(self.base, kind, {}).get(rid)
            row_source.append(getattr(record, "source", None) if record is not None else None)
            if record is None:
                continue
            for t in (getattr(record, "treatments", None) or [getattr(record, "treatment", None)]):
                by_treatment.setdefault(t, []).append(i)
        out = []
        for claim, row in zip(claims, scores, strict=True):
            rows = sorted({i for t in claim.terms.treatments for i in by_treatment.get(t, [])})
            seen: dict[str, float] = {}
            for i in sorted(rows, key=lambda i: -row[i]):
                src = row_source[i]
                if src:
                    seen.setdefault(src, float(row[i]))
            out.append(list(seen.items()))
        return out


def _supposed(text: str, cues) -> bool:
    """An idea reported as an idea before its word of effect ("it was once thought that PRP
    might restore cushioning"): not the page's own claim."""
    m = cues.supposed.search(text) if cues.supposed is not None else None
    starts = direction_starts(text, cues)
    return bool(m) and bool(starts) and m.start() < starts[0]


def _body_of(stance, ctx: ArticleContext) -> set[str]:
    """The guideline bodies a stance's source belongs to (by its organisation's name)."""
    return ctx.bodies_in(f"{stance.source.organisation or ''} {stance.source.title}")



def _compared_with(text: str, treatments: set[str], ctx: ArticleContext) -> set[str]:
    """Treatments the sentence names only as what something is compared with ("longer
    relief than cortisone")."""
    said = ctx.claim_cues.sentence
    out = set()
    for m in ctx.vocab.find(text, fuzzy=False):
        if m.kind == "treatment" and m.id in treatments and said.compared_with.search(
                text[max(0, m.start - 25):m.start]):
            out.add(m.id)
    return out


def _category(treatment: str, ctx: ArticleContext) -> str | None:
    term = ctx.vocab.term("treatment", treatment)
    return term.category if term is not None else None


def _named_before(text: str, at: int, treatments: set[str], ctx: ArticleContext) -> str | None:
    """The treatment of `treatments` named last before position `at` (else first named)."""
    named = [m for m in ctx.vocab.find(text, fuzzy=False)
             if m.kind == "treatment" and m.id in treatments]
    before = [m for m in named if m.start < at]
    return (before[-1] if before else named[0]).id if named else None


def _first_named(text: str, treatments: set[str], ctx: ArticleContext) -> str | None:
    """The treatment a comparison is about: the one named last before the sentence's first
    word of effect ("PRP beat steroid"; "in a trial comparing steroid, HA and PRP, PRP gave
    the most relief"), else the one named first."""
    if len(treatments) < 2:
        return None
    named = [m for m in ctx.vocab.find(text, fuzzy=False) if m.kind == "treatment"
             and m.id in treatments]
    if not named:
        return None
    named = [m for m in named if ctx.judged(m.id)] or named
    cues = ctx.claim_cues
    verb = min((m.start() for _, pats in (cues.directions if cues else ()) for p in pats
                for m in [p.search(text)] if m and m.start() > named[0].end), default=None)
    before = [m for m in named if verb is not None and m.end <= verb]
    return (before[-1] if before else named[0]).id


def _name(src) -> str:
    """'Bennell 2021' where the source names its author or body, else its id."""
    return f"{src.who} {src.year}" if src.who else src.id


def _certainty_rank(c: str) -> int:
    return ["very-low", "low", "moderate", "high"].index(c)
