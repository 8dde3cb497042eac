"""Language data from `data/lexicon/`: red flags, scope, intents, questions to ask a clinic,
the hype lexicon and guideline bodies. Validated on load; patterns compiled once. Shared by
the ask and check jobs, so both judge language by the same rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml


class LexiconError(ValueError):
    """A lexicon file is missing, malformed or has a pattern that does not compile."""


@dataclass(frozen=True)
class Rule:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]

    def search(self, text: str) -> re.Match[str] | None:
        for p in self.patterns:
            m = p.search(text)
            if m:
                return m
        return None


@dataclass(frozen=True)
class ClinicQuestion:
    id: str
    treatments: tuple[str, ...]
    plain: str
    clinician: str
    sources: tuple[str, ...]

    def applies_to(self, treatments: list[str]) -> bool:
        return "all" in self.treatments or any(t in self.treatments for t in treatments)


@dataclass(frozen=True)
class HypeTerm:
    id: str
    pattern: re.Pattern[str]
    category: str
    severity: str
    why: str


@dataclass
class Lexicon:
    red_flags: list[Rule] = field(default_factory=list)
    urgent_plain: str = ""
    urgent_clinician: str = ""
    urgent_sources: list[str] = field(default_factory=list)
    scope: list[Rule] = field(default_factory=list)
    help_plain: str = ""
    help_url: str | None = None
    intents: list[Rule] = field(default_factory=list)
    questions: list[ClinicQuestion] = field(default_factory=list)
    hype: list[HypeTerm] = field(default_factory=list)
    hedges: re.Pattern[str] | None = None
    negations: re.Pattern[str] | None = None
    bodies: list[Rule] = field(default_factory=list)

    def hype_in(self, text: str) -> list[tuple[HypeTerm, re.Match[str]]]:
        return [(h, m) for h in self.hype for m in [h.pattern.search(text)] if m]

    def negated(self, text: str, at: int, window: int = 90) -> bool:
        """A negation cue before position `at` in the same clause ("does not cure", "have not
        undergone the trials needed to be proven safe"); a comma or semicolon ends its reach."""
        if self.negations is None:
            return False
        before = text[max(0, at - window):at]
        before = re.split(r"[;,:\u2014()]|\bbut\b", before)[-1]
        return bool(self.negations.search(before))

    def hedged(self, text: str) -> bool:
        return bool(self.hedges and self.hedges.search(text))


def _read(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LexiconError(f"{path}: missing") from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise LexiconError(f"{path}: malformed: {exc}") from None
    if not isinstance(data, dict):
        raise LexiconError(f"{path}: top level must be a mapping")
    return data


def _rules(entries: list, where: Path) -> list[Rule]:
    rules = []
    for entry in entries or []:
        try:
            patterns = tuple(re.compile(p, re.IGNORECASE) for p in entry.get("patterns") or [])
        except re.error as exc:
            raise LexiconError(f"{where}: {entry.get('id')}: bad pattern: {exc}") from None
        rules.append(Rule(str(entry["id"]), str(entry.get("label") or entry["id"]), patterns))
    return rules


def load_lexicon(folder: Path) -> Lexicon:
    lex = Lexicon()
    flags = _read(folder / "red_flags.yaml")
    lex.red_flags = _rules(flags.get("red_flags"), folder / "red_flags.yaml")
    advice = flags.get("urgent_advice") or {}
    lex.urgent_plain = str(advice.get("plain", "")).strip()
    lex.urgent_clinician = str(advice.get("clinician", lex.urgent_plain)).strip()
    lex.urgent_sources = list(advice.get("sources") or [])
    scope = _read(folder / "scope.yaml")
    lex.scope = _rules(scope.get("conditions"), folder / "scope.yaml")
    help_ = scope.get("help") or {}
    lex.help_plain = str(help_.get("plain", "")).strip()
    lex.help_url = help_.get("url")
    intents = _read(folder / "intents.yaml")
    lex.intents = _rules(intents.get("intents"), folder / "intents.yaml")
    questions = _read(folder / "questions.yaml")
    for q in questions.get("questions") or []:
        lex.questions.append(ClinicQuestion(
            str(q["id"]), tuple(q.get("treatments") or ["all"]), str(q["plain"]).strip(),
            str(q.get("clinician") or q["plain"]).strip(), tuple(q.get("sources") or [])))
    hype = _read(folder / "hype.yaml")
    for t in hype.get("terms") or []:
        try:
            rx = re.compile(t["pattern"], re.IGNORECASE)
        except (re.error, KeyError) as exc:
            raise LexiconError(
                f"{folder / 'hype.yaml'}: {t.get('id')}: bad pattern: {exc}") from None
        lex.hype.append(HypeTerm(str(t["id"]), rx, str(t.get("category", "")),
                                 str(t.get("severity", "medium")), str(t.get("why", "")).strip()))
    lex.hedges = _alternation(hype.get("hedges"), folder / "hype.yaml")
    lex.negations = _alternation(hype.get("negations"), folder / "hype.yaml")
    bodies = folder / "guideline_bodies.yaml"
    if bodies.exists():
        lex.bodies = _rules(_read(bodies).get("bodies"), bodies)
    return lex


def _alternation(items: list | None, where: Path) -> re.Pattern[str] | None:
    """One pattern for a list of cue words or regexes (plain words get word boundaries)."""
    parts = []
    for item in items or []:
        text = str(item)
        parts.append(text if re.search(r"[\\()\[\]|?*+]", text) else rf"\b{re.escape(text)}\b")
    if not parts:
        return None
    try:
        return re.compile("|".join(f"(?:{p})" for p in parts), re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: bad cue pattern: {exc}") from None


@lru_cache(maxsize=4)
def cached_lexicon(folder: Path) -> Lexicon:
    return load_lexicon(folder)
