"""What a balanced article on treatment choices covers and this one omits, and a 0–100 score
built from the 16 DISCERN questions (each rated 1–5 with its reason).

DISCERN judges how a document is built, not whether it is clinically right; the score here
also takes the claim verdicts into account for question 6 (balance) and 2 (meets its aims),
and says so in those items' reasons."""

from __future__ import annotations

import re
from dataclasses import dataclass

from synovia.check.citations import CitationReport
from synovia.check.claims import Claim
from synovia.check.context import ArticleContext
from synovia.config import REPO_DATA
from synovia.vocab.lexicon import quality_cues


def _cues(ctx: ArticleContext) -> dict[str, re.Pattern[str]]:
    return ctx.lexicon.quality or quality_cues(REPO_DATA / "lexicon")


@dataclass
class Item:
    n: int
    question: str
    score: int
    reason: str

    def as_dict(self) -> dict:
        return {"n": self.n, "question": self.question, "score": self.score, "reason": self.reason}


QUESTIONS = [
    "Are the aims clear?", "Does it achieve its aims?", "Is it relevant?",
    "Is it clear what sources of information were used?",
    "Is it clear when the information was produced?", "Is it balanced and unbiased?",
    "Does it provide details of additional sources of support and information?",
    "Does it refer to areas of uncertainty?", "Does it describe how each treatment works?",
    "Does it describe the benefits of each treatment?",
    "Does it describe the risks of each treatment?",
    "Does it describe what would happen if no treatment is used?",
    "Does it describe how the treatment choices affect overall quality of life?",
    "Is it clear that there may be more than one possible treatment choice?",
    "Does it provide support for shared decision-making?",
    "Based on the answers to all of the above, what is its overall quality as a source of "
    "information about treatment choices?",
]


def _count(rx: re.Pattern[str], text: str) -> int:
    return len(rx.findall(text))


def _scale(n: int, full: int) -> int:
    """0 mentions → 1 (definite no); `full` or more → 5 (definite yes); between → partly."""
    if n <= 0:
        return 1
    if n >= full:
        return 5
    return min(4, 2 + (n * 3) // max(full, 1))


def omissions(ctx: ArticleContext, text: str, citations: CitationReport) -> list[str]:
    q = _cues(ctx)
    missing = []
    if not q["risk"].search(text):
        missing.append("risks: the article does not describe any risks or side effects")
    if not q["core"].search(text):
        missing.append("alternatives: core treatments (exercise, weight management, "
                       "self-management) are not mentioned")
    elif len(ctx.treatment_counts) < 2:
        missing.append("alternatives: no other treatment option is compared")
    if not q["uncertain"].search(text):
        missing.append("uncertainty: the article never says where the evidence is uncertain")
    regulated = {"prp", "bmac", "msc", "exosomes", "paag"} & set(ctx.treatment_counts)
    if regulated and not q["regulatory"].search(text):
        missing.append("regulatory status: nothing on whether the treatment is approved or "
                       "licensed")
    if not q["cost"].search(text):
        missing.append("costs: nothing on cost or who pays")
    if not citations.references and not citations.markers:
        missing.append("sources: no references or citations")
    if not q["date"].search(text):
        missing.append("date: no date of publication or review")
    if not q["author"].search(text):
        missing.append("authorship: no named author or reviewer")
    if q["sales"].search(text) and not q["coi"].search(text):
        missing.append("conflicts of interest: a sales call to action with no declaration of "
                       "interests")
    return missing


def discern(ctx: ArticleContext, text: str, claims: list[Claim], citations: CitationReport,
            missing: list[str], bias: list[dict] | None = None) -> tuple[float, list[Item]]:
    """`bias`: the commercial signals found (booking calls, prices, offers, testimonials, own
    results): a page selling what it describes is not balanced, whatever else it covers."""
    q = _cues(ctx)
    judged = [c for c in claims if c.verdict]
    bad = [c for c in judged if c.verdict in ("overstated", "contradicted")]
    unsupported = [c for c in judged if c.verdict == "unsupported"]
    supported = [c for c in judged if c.verdict == "supported"]
    hype = sum(1 for c in claims if c.hype)
    items: list[tuple[int, str]] = []
    head = text[:600]
    items.append((5 if q["aims"].search(head) or ctx.doc.title else 3 if ctx.main_treatments else 1,
                  "the opening states the topic" if ctx.doc.title or q["aims"].search(head)
                  else "no clear statement of what the article covers"))
    if judged:
        share = len(supported) / len(judged)
        score = 1 + round(4 * share)
        items.append((score, f"{len(supported)} of {len(judged)} judged claims are supported "
                             f"by the evidence (a check of content, added to DISCERN's)"))
    else:
        items.append((3, "no claims could be judged"))
    relevant = bool(ctx.main_treatments) and bool(re.search(r"\b(pain|function|stiffness|"
                                                            r"you|your|patients?)\b", text, re.I))
    items.append((4 if relevant else 2, "speaks to patients' outcomes (pain, function)"
                  if relevant else "says little about outcomes that matter to patients"))
    if citations.references and citations.markers:
        share = 1 - (len(citations.missing_references) + len(citations.mismatches)) / max(
            1, len(citations.markers))
        score = max(2, min(5, 2 + round(3 * share)))
        items.append((score, f"{len(citations.references)} references, "
                             f"{len(citations.missing_references)} missing, "
                             f"{len(citations.mismatches)} mismatched"))
    elif citations.references:
        items.append((2, "a reference list, but no claim is linked to it"))
    else:
        items.append((1, "no sources are given"))
    has_date = bool(q["date"].search(text))
    items.append((5 if has_date else 1, "a date is given" if has_date else "no date"))
    sales = len({b["signal"] for b in bias or []})
    score = 5 - min(4, len(bad) + hype // 2 + min(2, sales))
    if not q["risk"].search(text) or not q["uncertain"].search(text):
        score = min(score, 3)
    items.append((max(1, score), f"{len(bad)} overstated or contradicted claims, "
                                 f"{hype} sentences with hype words, {sales} kinds of sales "
                                 "signal"))
    n_help = _count(q["help"], text)
    items.append((_scale(n_help, 3), f"{n_help} pointers to further help"))
    n_unc = _count(q["uncertain"], text)
    items.append((_scale(n_unc, 3), f"{n_unc} mentions of uncertainty"))
    n_mech = _count(q["mechanism"], text)
    items.append((_scale(n_mech, 2), f"{n_mech} explanations of how treatments work"))
    n_ben = sum(1 for c in claims if "benefit" in c.kinds)
    items.append((_scale(n_ben, 3), f"{n_ben} statements about benefits"))
    n_risk = _count(q["risk"], text)
    items.append((_scale(n_risk, 4), f"{n_risk} mentions of risks or side effects"))
    n_none = _count(q["no_treatment"], text)
    items.append((_scale(n_none, 2), f"{n_none} mentions of what happens without treatment "
                                     "or with placebo"))
    n_qol = _count(q["qol"], text)
    items.append((_scale(n_qol, 3), f"{n_qol} mentions of daily life and function"))
    n_options = len(ctx.treatment_counts) + (1 if q["core"].search(text) else 0)
    items.append((_scale(n_options - 1, 3), f"{n_options} treatment options mentioned"))
    n_shared = _count(q["shared"], text)
    items.append((_scale(n_shared, 3), f"{n_shared} prompts for shared decision-making"))
    core = [s for s, _ in items]
    # DISCERN's overall rating weighs reliability and balance most: whether the claims hold
    # (2), sources (4), date (5), balance (6), uncertainty (8), risks (11), what happens
    # without treatment (12) and support for deciding (15); then lowered for what is wrong.
    weighed = [core[i - 1] for i in (2, 4, 5, 6, 8, 11, 12, 15)]
    overall = max(1.0, min(5.0, sum(weighed) / len(weighed) - 0.5 * min(2, len(bad))
                           - 0.25 * min(4, len(unsupported)) - 0.5 * min(2, sales)))
    items.append((round(overall), "reliability and balance (questions 2, 4–6, 8, 11, 12, 15), "
                                  "lowered for overstated, contradicted and unsupported claims "
                                  "and for sales signals"))
    out = [Item(i + 1, QUESTIONS[i], s, r) for i, (s, r) in enumerate(items)]
    # Half from questions 1–15, half from the overall rating (as DISCERN keeps them apart).
    score = round(50 * (sum(core) - 15) / 60 + 50 * (overall - 1) / 4, 1)
    return score, out
