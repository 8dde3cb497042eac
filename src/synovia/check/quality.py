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

CORE = re.compile(r"\b(exercis\w*|physio\w*|weight (loss|management)|lose weight|strengthening|"
                  r"self-management|education|walking aids?|tai chi)\b", re.I)
RISK = re.compile(r"\b(risks?|side[- ]effects?|adverse|complications?|harms?|infection|"
                  r"safety)\b", re.I)
UNCERTAIN = re.compile(r"\b(uncertain\w*|unclear|limited (evidence|data)|low[- ]certainty|"
                       r"more (research|studies|trials) (is|are) needed|not (yet )?(known|settled|"
                       r"established|proven)|unknown|inconsistent|small (studies|trials)|"
                       r"early|preliminary|mixed (results|evidence))\b", re.I)
REGULATORY = re.compile(r"\b(approv\w*|licen[cs]\w*|FDA|MHRA|EMA|regulat\w*|NICE|off-label|"
                        r"CE[- ]mark\w*|clinical trial only)\b", re.I)
COST = re.compile(r"(£|\$|€)\s?\d|\b(cost\w*|price\w*|fees?|afford\w*|pay|paid|insurance|"
                  r"self-funded|private(ly)?|NHS-funded|funded)\b", re.I)
DATE = re.compile(r"\b(published|updated|reviewed|last (updated|reviewed)|posted|date)\b.{0,25}"
                  r"(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|"
                  r"oct|nov|dec)\w*\b)", re.I)
AUTHOR = re.compile(r"\b(written by|author|by (dr|prof|mr|mrs|ms|miss)\b|reviewed by|medical "
                    r"(advisory )?board|editor\w*|^(dr|prof|mr|mrs|ms|miss)\s+[A-Z][a-z]+)",
                    re.I | re.M)
COI = re.compile(r"\b(conflicts? of interest|competing interests?|disclos\w*|funded by|"
                 r"sponsor\w*|no financial)\b", re.I)
SALES = re.compile(r"\b(book (now|today|a|your)|call (us|today|now)|contact us|special offer|"
                   r"limited time|free consultation|enquire|schedule (a|your)|our clinic|"
                   r"we offer)\b", re.I)
MECHANISM = re.compile(r"\b(works? by|mechanism|how (it|they) works?|acts? (as|on|by)|"
                       r"anti-?inflammatory|stimulat\w*|lubricat\w*|growth factors?|"
                       r"signal\w*|derived from)\b", re.I)
NO_TREATMENT = re.compile(r"\b(no treatment|without treatment|natural (course|history)|"
                          r"do nothing|watchful waiting|placebo|if (you )?(do not|don't) have)\b",
                          re.I)
QOL = re.compile(r"\b(quality of life|daily (life|activities)|everyday|sleep|work|mobility|"
                 r"function(al)?|walking|activity levels?)\b", re.I)
SHARED = re.compile(r"\b(shared decision|discuss\w*|talk (to|with)|ask (your|the)|your "
                    r"(preferences|goals|values)|questions to ask|decide together|options)\b", re.I)
HELP = re.compile(r"\b(GP|doctor|physiotherapist|specialist|https?://|www\.|for more "
                  r"information|further (reading|information)|support (group|organisation)|"
                  r"helpline|NHS 111)\b", re.I)
AIMS = re.compile(r"\b(this (article|page|guide|leaflet)|we (explain|look at|cover|review)|"
                  r"aims? to|what you need to know|overview|explained?|explainer)\b", re.I)


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
    missing = []
    if not RISK.search(text):
        missing.append("risks: the article does not describe any risks or side effects")
    if not CORE.search(text):
        missing.append("alternatives: core treatments (exercise, weight management, "
                       "self-management) are not mentioned")
    elif len(ctx.treatment_counts) < 2:
        missing.append("alternatives: no other treatment option is compared")
    if not UNCERTAIN.search(text):
        missing.append("uncertainty: the article never says where the evidence is uncertain")
    regulated = {"prp", "bmac", "msc", "exosomes", "paag"} & set(ctx.treatment_counts)
    if regulated and not REGULATORY.search(text):
        missing.append("regulatory status: nothing on whether the treatment is approved or "
                       "licensed")
    if not COST.search(text):
        missing.append("costs: nothing on cost or who pays")
    if not citations.references and not citations.markers:
        missing.append("sources: no references or citations")
    if not DATE.search(text):
        missing.append("date: no date of publication or review")
    if not AUTHOR.search(text):
        missing.append("authorship: no named author or reviewer")
    if SALES.search(text) and not COI.search(text):
        missing.append("conflicts of interest: a sales call to action with no declaration of "
                       "interests")
    return missing


def discern(ctx: ArticleContext, text: str, claims: list[Claim], citations: CitationReport,
            missing: list[str]) -> tuple[float, list[Item]]:
    judged = [c for c in claims if c.verdict]
    bad = [c for c in judged if c.verdict in ("overstated", "contradicted")]
    unsupported = [c for c in judged if c.verdict == "unsupported"]
    supported = [c for c in judged if c.verdict == "supported"]
    hype = sum(1 for c in claims if c.hype)
    items: list[tuple[int, str]] = []
    head = text[:600]
    items.append((5 if AIMS.search(head) or ctx.doc.title else 3 if ctx.main_treatments else 1,
                  "the opening states the topic" if ctx.doc.title or AIMS.search(head)
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
    has_date = bool(DATE.search(text))
    items.append((5 if has_date else 1, "a date is given" if has_date else "no date"))
    score = 5 - min(4, len(bad) + hype // 2)
    if not RISK.search(text) or not UNCERTAIN.search(text):
        score = min(score, 3)
    items.append((max(1, score), f"{len(bad)} overstated or contradicted claims, "
                                 f"{hype} sentences with hype words"))
    n_help = _count(HELP, text)
    items.append((_scale(n_help, 3), f"{n_help} pointers to further help"))
    n_unc = _count(UNCERTAIN, text)
    items.append((_scale(n_unc, 3), f"{n_unc} mentions of uncertainty"))
    n_mech = _count(MECHANISM, text)
    items.append((_scale(n_mech, 2), f"{n_mech} explanations of how treatments work"))
    n_ben = sum(1 for c in claims if "benefit" in c.kinds)
    items.append((_scale(n_ben, 3), f"{n_ben} statements about benefits"))
    n_risk = _count(RISK, text)
    items.append((_scale(n_risk, 4), f"{n_risk} mentions of risks or side effects"))
    n_none = _count(NO_TREATMENT, text)
    items.append((_scale(n_none, 2), f"{n_none} mentions of what happens without treatment "
                                     "or with placebo"))
    n_qol = _count(QOL, text)
    items.append((_scale(n_qol, 3), f"{n_qol} mentions of daily life and function"))
    n_options = len(ctx.treatment_counts) + (1 if CORE.search(text) else 0)
    items.append((_scale(n_options - 1, 3), f"{n_options} treatment options mentioned"))
    n_shared = _count(SHARED, text)
    items.append((_scale(n_shared, 3), f"{n_shared} prompts for shared decision-making"))
    core = [s for s, _ in items]
    overall = max(1, min(5, round(sum(core) / len(core) - 0.5 * min(2, len(bad))
                                  - 0.25 * min(4, len(unsupported)))))
    items.append((overall, "the mean of questions 1–15, lowered for overstated, contradicted "
                           "and unsupported claims"))
    out = [Item(i + 1, QUESTIONS[i], s, r) for i, (s, r) in enumerate(items)]
    total = sum(i.score for i in out)
    score = round((total - 16) / (80 - 16) * 100, 1)
    return score, out
