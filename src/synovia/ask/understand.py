"""Understand a question: which treatments and joints, what the person wants to know, their
context (age, OA grade, what they tried, goals), red-flag symptoms and scope."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synovia.vocab import Vocabulary
from synovia.vocab.lexicon import Lexicon

INJECTIONS = ["corticosteroid", "hyaluronic-acid", "prp", "bmac", "msc", "exosomes", "paag"]

_OA = re.compile(
    r"\b(osteo-?arthritis|osteoarthrosis|arthritic|arthritis|oa|wear[- ]and[- ]tear|"
    r"degenerative joint|bone[- ]on[- ]bone|worn(?: out)? (?:knee|hip|cartilage|joint))\b",
    re.IGNORECASE)
_NOT_OA = re.compile(r"\b(rheumatoid|psoriatic|septic|reactive|juvenile)\s+arthritis\b", re.I)
_AGE = re.compile(
    r"\b(?:i am|i'm|im|aged?|at)\s+(\d{2})\b(?!\s*(?:%|percent|mg|ml|weeks?|months?|days?))"
    r"|\b(\d{2})\s*(?:-|\s)?(?:years?|yrs?|yo)(?:[- ]old)?\b", re.IGNORECASE)
_GRADE = re.compile(
    r"\b(?:kl|kellgren[- ]lawrence|grade|stage)\s*(?:grade\s*)?([0-4]|iv|iii|ii|i)\b", re.I)
_SEVERE = re.compile(r"\bbone[- ]on[- ]bone\b|\bsevere (?:oa|osteoarthritis|arthritis)\b", re.I)
_TRIED = re.compile(
    r"\b(?:tried|had|have had|i've had|been given|received|did|done|taken|taking|after)\b", re.I)
_GOALS = {
    "avoid-surgery": re.compile(
        r"\b(avoid|put off|delay|postpone|stay away from|not (?:want|wanting) (?:a |an )?)"
        r"[^.?!]{0,30}\b(surgery|operation|replacement|tkr|thr)\b", re.I),
    "stay-active": re.compile(
        r"\b(keep|get back to|return to|carry on)\b[^.?!]{0,20}\b(running|sport|walking|golf|"
        r"tennis|hiking|cycling|active|gym)\b", re.I),
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
# Follow-ups that lean on what came before ("and for the hip?", "what about that?").
_FOLLOW_UP = re.compile(
    r"^\s*(and|what about|how about|also|plus|same|that|it|this|those)\b"
    r"|\b(that|it|this|them|those)\b[^.?!]{0,30}\?*$|\bcompare\b", re.I)


@dataclass
class Understanding:
    question: str
    treatments: list[str] = field(default_factory=list)
    joints: list[str] = field(default_factory=list)
    intents: list[str] = field(default_factory=list)
    profile: dict = field(default_factory=dict)
    red_flags: list[str] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)
    mentions_oa: bool = False
    inherited: list[str] = field(default_factory=list)
    profile_hints: dict = field(default_factory=dict)

    @property
    def urgent(self) -> bool:
        return bool(self.red_flags)

    @property
    def has_subject(self) -> bool:
        return bool(self.treatments or self.joints or self.mentions_oa)


def understand(question: str, vocab: Vocabulary, lexicon: Lexicon) -> Understanding:
    u = Understanding(question=question)
    matches = vocab.find(question)
    tried_spans = _tried_spans(question)
    tried: list[str] = []
    for m in matches:
        if m.kind == "treatment":
            if any(a <= m.start < b for a, b in tried_spans):
                tried.append(m.id)
            if m.id not in u.treatments:
                u.treatments.append(m.id)
        elif m.kind == "joint" and m.id not in u.joints:
            u.joints.append(m.id)
    if "image-guidance" in u.treatments and len(u.treatments) > 1:
        # "an ultrasound-guided injection" qualifies how an injection is given: context, not
        # an option of its own, when an injection is named too.
        u.treatments.remove("image-guidance")
        u.profile_hints["guidance"] = "image-guided"
    u.mentions_oa = bool(_OA.search(question)) and not _NOT_OA.search(question)
    u.intents = [rule.id for rule in lexicon.intents if rule.search(question)]
    if len(u.treatments) >= 2 and "compare" not in u.intents:
        u.intents.append("compare")
    u.red_flags = [rule.id for rule in lexicon.red_flags if rule.search(question)]
    u.out_of_scope = [rule.id for rule in lexicon.scope if rule.search(question)]
    u.profile = {**_profile(question, tried), **u.profile_hints}
    # A treatment only mentioned as already tried is context, not the subject, when
    # something else is asked about too.
    if tried and len(u.treatments) > len(set(tried)):
        u.treatments = [t for t in u.treatments if t not in tried] + [
            t for t in u.treatments if t in tried and "compare" in u.intents]
    return u


def _tried_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in _TRIED.finditer(text):
        end = len(text)
        stop = re.search(r"[.;!?]|\b(but|and now|should|would|will|can|could|is|does)\b",
                         text[m.end():])
        if stop:
            end = m.end() + stop.start()
        spans.append((m.start(), end))
    return spans


def _profile(text: str, tried: list[str]) -> dict:
    profile: dict = {}
    m = _AGE.search(text)
    if m:
        age = int(m.group(1) or m.group(2))
        if 18 <= age <= 105:
            profile["age"] = age
    g = _GRADE.search(text)
    if g:
        raw = g.group(1).lower()
        profile["oa_grade"] = _ROMAN.get(raw, int(raw) if raw.isdigit() else None)
    elif _SEVERE.search(text):
        profile["severity"] = "severe"
    if tried:
        profile["tried"] = sorted(set(tried))
    goals = [gid for gid, rx in _GOALS.items() if rx.search(text)]
    if goals:
        profile["goals"] = goals
    return profile


def looks_like_follow_up(question: str, u: Understanding) -> bool:
    """True when the question leans on an earlier turn for its subject."""
    if not (u.treatments and u.joints):
        return True
    return bool(_FOLLOW_UP.search(question))


def inherit(u: Understanding, previous: dict) -> Understanding:
    """Fill what the follow-up leaves implied from the conversation so far."""
    prev_t = [t for t in previous.get("treatments", []) if t]
    prev_j = [j for j in previous.get("joints", []) if j]
    if not u.treatments and prev_t:
        u.treatments = list(prev_t)
        u.inherited.append("treatments")
    elif u.treatments and "compare" in u.intents and prev_t:
        # "how does that compare with a steroid injection?": the old subject stays.
        u.treatments = list(dict.fromkeys(prev_t + u.treatments))
        u.inherited.append("treatments")
    if not u.joints and prev_j:
        u.joints = list(prev_j)
        u.inherited.append("joints")
    if not u.intents and previous.get("intents"):
        u.intents = [i for i in previous["intents"] if i != "compare"] or ["efficacy"]
        u.inherited.append("intents")
    profile = dict(previous.get("profile") or {})
    profile.update(u.profile)
    u.profile = profile
    if previous.get("mentions_oa"):
        u.mentions_oa = True
    return u
