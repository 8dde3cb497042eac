"""Language data from `data/lexicon/`: red flags, scope, question facets, the person's
context, questions to ask a clinic, the hype lexicon and guideline bodies. Validated on load;
patterns compiled once. Shared by the ask and check jobs, so both judge language by the same
rules."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from synovia.yamldata import load_text


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
class RedFlag(Rule):
    """A red-flag symptom with its own urgent advice and the records that advice rests on."""

    level: str = "111"
    plain: str = ""
    clinician: str = ""
    sources: tuple[str, ...] = ()
    #: flags that explain the same words better when they are present too: "can't put any
    #: weight on it" after a fall is a possible fracture, not a reaction to an injection
    #: nobody has had
    yields_to: tuple[str, ...] = ()

    @property
    def rank(self) -> int:
        return {"999": 0, "a&e": 1, "111": 2}.get(self.level, 3)

    def present(self, text: str, not_now: NotNow) -> bool:
        """The symptom as something happening now: a match that is negated ("no fever"),
        hypothetical ("if someone's throat swelled") or long past ("a DVT back in 2018, all
        sorted") does not count, but any other match in the text does."""
        for p in self.patterns:
            for m in p.finditer(text):
                if not not_now.discounts(text, m.start(), m.end()):
                    return True
        return False


@dataclass(frozen=True)
class NotNow:
    """Cues that a symptom is not happening now (data/lexicon/red_flags.yaml `not_now`)."""

    negation: re.Pattern[str] | None = None  # just before the symptom: "no", "not"
    before: tuple[re.Pattern[str], ...] = ()  # earlier in its sentence: "if", "what if"
    clause: tuple[re.Pattern[str], ...] = ()  # anywhere in its sentence: "years ago"
    #: A report of what is happening after the cue: "sorry if this rambles, I've had a
    #: crushing pain in my chest" is not hypothetical.
    resets: re.Pattern[str] | None = None

    def discounts(self, text: str, start: int, end: int) -> bool:
        if self.negation is not None and self.negation.search(text[max(0, start - 24):start]):
            return True
        left = max((text.rfind(c, 0, start) for c in ".?!;\n"), default=-1) + 1
        rights = [i for c in ".?!;\n" if (i := text.find(c, end)) >= 0]
        sentence = text[left:min(rights) if rights else len(text)]
        lead = text[max(left, start - 80):end]  # up to the symptom, in its own sentence
        return any(self._holds(m, lead) for p in self.before for m in p.finditer(lead)) or \
            any(p.search(sentence) for p in self.clause)

    def _holds(self, cue: re.Match[str], lead: str) -> bool:
        return self.resets is None or not self.resets.search(lead, cue.end())


@dataclass(frozen=True)
class Aspect(Rule):
    """A narrower question within a facet ("how many a year" within dosing, "is it on the
    NHS" within cost), and the words that show a finding answers it. Chosen by what the
    finding says, not by its topic: a trial that gave a shot every 3 months does not answer
    "how many a year may I have"."""

    answers: tuple[re.Pattern[str], ...] = ()  # all must match a finding's text
    prefer: tuple[re.Pattern[str], ...] = ()  # each match ranks a finding higher
    none: str = ""  # said when no finding on the treatment answers it
    #: may be answered from records on joint injections in general (no treatment named)
    general: bool = False
    take: int = 1  # how many answering findings the short answer gives
    #: finding outcomes searched, when wider than the facet's: "will it last 18 months" is
    #: answered by a placebo-controlled trial's pain result at a year, not only by `duration`
    outcomes: tuple[str, ...] = ()
    #: the person's own time to their operation is set against the span of time a harm
    #: finding names ("in the 3 months before"): that finding leads, and says which side
    window: bool = False

    def answered_by(self, text: str) -> bool:
        return bool(self.answers) and all(p.search(text) for p in self.answers)

    def topics(self, text: str) -> set[str]:
        """The words by which `text` answers this aspect ("flushing", "infection")."""
        return {m.group(0).lower()[:5] for p in self.answers for m in p.finditer(text)}

    def fit(self, text: str) -> int:
        return sum(1 for p in (*self.answers, *self.prefer) if p.search(text))


@dataclass(frozen=True)
class Form(Aspect):
    """A form of a treatment, or a way of giving it, asked about by name (a slow-release
    steroid, leukocyte-poor PRP, a scan-guided shot, a repeat course): the records that speak
    to it answer before anything about the treatment in general (data/lexicon/forms.yaml)."""

    treatments: tuple[str, ...] = ()  # empty: a form of any injection
    #: treatments whose records speak to this form whatever the injection (image guidance)
    also: tuple[str, ...] = ()
    #: what the form is set against when someone asks "is it better": the words a finding's
    #: comparator says (`versus`), and the line said when no result against it is held
    versus: tuple[re.Pattern[str], ...] = ()
    versus_none: str = ""

    def of(self, treatment: str) -> bool:
        return not self.treatments or treatment in self.treatments


@dataclass(frozen=True)
class Facet(Rule):
    """One thing a question can ask about, the finding outcomes that answer it and its wording."""

    outcomes: tuple[str, ...] = ()
    title: str = ""
    none: str = ""
    internal: bool = False
    weak: tuple[re.Pattern[str], ...] = ()
    prefer_outcomes: tuple[str, ...] = ()
    prefer_when: tuple[re.Pattern[str], ...] = ()
    outranks: tuple[str, ...] = ()  # facets this one leads when both are asked
    aspects: tuple[Aspect, ...] = ()
    #: finding ids every patient answer on this facet closes with (the warning signs after
    #: an injection), shown when the finding is held and applies to the treatment
    closing: tuple[str, ...] = ()

    def aspect(self, aid: str) -> Aspect:
        """The narrower question `aid` (a name the code relies on: missing is a data error)."""
        return next(a for a in self.aspects if a.id == aid)

    def aspects_asked(self, text: str) -> list[Aspect]:
        """The narrower questions asked within this facet, in the order they were asked."""
        hits = [(m.start(), i, a) for i, a in enumerate(self.aspects) for m in [a.search(text)]
                if m]
        return [a for _, _, a in sorted(hits, key=lambda h: h[:2])]

    def outcomes_for(self, text: str) -> tuple[str, ...]:
        """The outcomes that answer this facet for this question, most fitting first."""
        if self.prefer_outcomes and any(p.search(text) for p in self.prefer_when):
            return self.prefer_outcomes
        return self.outcomes

    def first_at(self, text: str) -> int | None:
        """Where in `text` this facet is first asked (None when it is not)."""
        hits = [m.start() for p in self.patterns for m in [p.search(text)] if m]
        return min(hits) if hits else None

    def weakly_asked(self, text: str) -> bool:
        """A weak cue only ("evidence", "cartilage"): asked, but after anything specific."""
        return any(p.search(text) for p in self.weak)


@dataclass
class ContextCues:
    """How people describe their situation (data/lexicon/context.yaml), compiled."""

    age: list[re.Pattern[str]] = field(default_factory=list)
    grade: list[re.Pattern[str]] = field(default_factory=list)
    severity: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    previous_cues: list[re.Pattern[str]] = field(default_factory=list)
    previous_when: list[re.Pattern[str]] = field(default_factory=list)
    #: said just before a cue, it is someone else's injection ("has anyone had ...")
    previous_others: re.Pattern[str] | None = None
    surgery_cues: list[re.Pattern[str]] = field(default_factory=list)
    surgery_when: list[re.Pattern[str]] = field(default_factory=list)
    goals: dict[str, list[re.Pattern[str]]] = field(default_factory=dict)
    jurisdiction: dict[str, re.Pattern[str]] = field(default_factory=dict)
    jurisdiction_weak: dict[str, re.Pattern[str]] = field(default_factory=dict)
    #: countries within a jurisdiction (Ireland within the EU): label and the words for it
    countries: dict[str, tuple[str, re.Pattern[str]]] = field(default_factory=dict)
    medicine_classes: dict[str, re.Pattern[str]] = field(default_factory=dict)
    age_asked: re.Pattern[str] | None = None
    age_number: re.Pattern[str] | None = None
    joint_implied: dict[str, re.Pattern[str]] = field(default_factory=dict)
    person: re.Pattern[str] | None = None
    guided: re.Pattern[str] | None = None
    usual_injection: re.Pattern[str] | None = None
    named_by_giver: re.Pattern[str] | None = None
    not_joint: re.Pattern[str] | None = None
    usual_injection_means: tuple[str, ...] = ()
    #: "which injection could help while I lose weight": the injections are the subject, and
    #: core care or medicines named beside them are the person's situation.
    which_injection: re.Pattern[str] | None = None
    numbers: dict[str, int] = field(default_factory=dict)
    guided_injection_means: tuple[str, ...] = ()
    unknown_cue: re.Pattern[str] | None = None
    #: how the question is put (`question` in context.yaml): whose arthritis, follow-ups,
    #: comparisons, what was already tried
    question: dict[str, re.Pattern[str]] = field(default_factory=dict)
    unknown_frames: list[re.Pattern[str]] = field(default_factory=list)
    unknown_stop_at: re.Pattern[str] | None = None
    not_a_therapy: frozenset[str] = frozenset()
    framed_not_endings: tuple[str, ...] = ()
    #: words a framed name may open with and lose ("a", "the"): any other ordinary word at
    #: either end ("is it normal", "reverse arthritis and") makes the phrase a clause
    framed_openers: frozenset[str] = frozenset()


@dataclass(frozen=True)
class ClinicQuestion:
    id: str
    treatments: tuple[str, ...]
    plain: str
    clinician: str
    sources: tuple[str, ...]
    #: asked first about a product we hold nothing on ("what exactly is injected?")
    unknown_product: bool = False

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
    quality: dict[str, re.Pattern[str]] = field(default_factory=dict)  # quality.yaml cues
    red_flags: list[RedFlag] = field(default_factory=list)
    not_now: NotNow = field(default_factory=NotNow)
    urgent_plain: str = ""
    urgent_clinician: str = ""
    urgent_sources: list[str] = field(default_factory=list)
    #: jurisdiction -> UK term ("999", "NHS 111", "A&E") -> the local one
    local_numbers: dict[str, dict[str, str]] = field(default_factory=dict)
    scope: list[Rule] = field(default_factory=list)
    scope_harms: frozenset[str] = frozenset()  # conditions an injection can also cause
    scope_harm_cue: re.Pattern[str] | None = None  # ... said to be caused by it
    scope_always: frozenset[str] = frozenset()  # out of scope even with arthritis named
    scope_unless_joint: frozenset[str] = frozenset()  # in scope when a joint is named
    #: Just before a condition: it is why the person takes a medicine ("prednisolone for
    #: polymyalgia"), their situation, not what they ask about.
    scope_reason_cue: re.Pattern[str] | None = None
    help_plain: str = ""
    help_elsewhere: str = ""  # the same for someone outside the UK
    help_url: str | None = None
    facets: list[Facet] = field(default_factory=list)
    forms: list[Form] = field(default_factory=list)
    #: a record that only lists what a document covers: it answers no aspect
    contents_only: re.Pattern[str] | None = None
    context: ContextCues = field(default_factory=ContextCues)
    wording: dict = field(default_factory=dict)
    folder: Path | None = None  # where it was read from (jobs read their own files beside it)
    questions: list[ClinicQuestion] = field(default_factory=list)
    hype: list[HypeTerm] = field(default_factory=list)
    hedges: re.Pattern[str] | None = None
    negations: re.Pattern[str] | None = None
    bodies: list[Rule] = field(default_factory=list)
    decision_aid: DecisionAidWording | None = None  # decision_aid.yaml

    def say(self, audience: str, key: str, **values) -> str:
        """A frame phrase for `audience`, with its placeholders filled."""
        return self.wording[audience if audience in ("patient", "clinician") else "patient"][
            key].format(**values)

    def title(self, key: str) -> str:
        return self.wording["titles"].get(key, key)

    def facet(self, fid: str) -> Facet | None:
        return next((f for f in self.facets if f.id == fid), None)

    def hype_in(self, text: str) -> list[tuple[HypeTerm, re.Match[str]]]:
        """Hype words in a text (remembered for a bounded number of texts: the checker asks
        about each sentence when finding claims, judging them and listing the language)."""
        memo = self.__dict__.setdefault("_hype_memo", {})
        hit = memo.get(text)
        if hit is None:
            if len(memo) >= 8192:
                memo.clear()
            hit = memo[text] = tuple((h, m) for h in self.hype
                                     for m in [h.pattern.search(text)] if m)
        return list(hit)

    def negated(self, text: str, at: int, window: int = 90) -> bool:
        """A negation cue before position `at` in the same clause ("does not cure", "have not
        undergone the trials needed to be proven safe"); a comma or semicolon ends its reach."""
        if self.negations is None:
            return False
        before = text[max(0, at - window):at].replace("\u2019", "'")  # "won’t" is "won't"
        before = re.split(r"[;,:\u2014()]|\bbut\b", before)[-1]
        return bool(self.negations.search(before))

    def hedged(self, text: str) -> bool:
        return bool(self.hedges and self.hedges.search(text))


def _read(path: Path) -> dict:
    try:
        data = load_text(path.read_text(encoding="utf-8"))
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


def _compile(patterns, where: Path, what: str) -> list[re.Pattern[str]]:
    if isinstance(patterns, str):
        patterns = [patterns]
    try:
        return [re.compile(str(p), re.IGNORECASE) for p in patterns or []]
    except re.error as exc:
        raise LexiconError(f"{where}: {what}: bad pattern: {exc}") from None


def _red_flags(entries: list, where: Path) -> list[RedFlag]:
    flags = []
    for e in entries or []:
        if not isinstance(e, dict) or not e.get("id") or not e.get("plain"):
            raise LexiconError(f"{where}: every red flag needs an id and plain advice")
        flags.append(RedFlag(
            str(e["id"]), str(e.get("label") or e["id"]),
            tuple(_compile(e.get("patterns"), where, str(e["id"]))),
            level=str(e.get("level", "111")).lower(), plain=" ".join(str(e["plain"]).split()),
            clinician=" ".join(str(e.get("clinician") or e["plain"]).split()),
            sources=tuple(e.get("sources") or ()),
            yields_to=tuple(str(x) for x in e.get("yields_to") or ())))
    known = {f.id for f in flags}
    for f in flags:
        if set(f.yields_to) - known:
            raise LexiconError(f"{where}: {f.id} yields to unknown flags "
                               f"{sorted(set(f.yields_to) - known)}")
    return sorted(flags, key=lambda f: f.rank)


def _facets(entries: list, where: Path) -> list[Facet]:
    facets = []
    for e in entries or []:
        if not isinstance(e, dict) or not e.get("id"):
            raise LexiconError(f"{where}: every facet needs an id")
        facets.append(Facet(
            str(e["id"]), str(e.get("label") or e["id"]),
            tuple(_compile(e.get("patterns"), where, str(e["id"]))),
            outcomes=tuple(e.get("outcomes") or ()), title=str(e.get("title") or e["id"]),
            none=str(e.get("none") or ""), internal=bool(e.get("internal")),
            weak=tuple(_compile(e.get("weak_patterns"), where, str(e["id"]))),
            prefer_outcomes=tuple((e.get("prefer") or {}).get("outcomes") or ()),
            prefer_when=tuple(_compile((e.get("prefer") or {}).get("patterns"), where,
                                       str(e["id"]))),
            outranks=tuple(str(o) for o in e.get("outranks") or ()),
            aspects=tuple(_aspects(e.get("aspects"), where, str(e["id"]))),
            closing=tuple(str(c) for c in e.get("closing") or ())))
    return facets


def _aspects(entries: list | None, where: Path, facet: str) -> list[Aspect]:
    aspects = []
    for e in entries or []:
        if not isinstance(e, dict) or not e.get("id") or not e.get("asked") \
                or not e.get("answers"):
            raise LexiconError(f"{where}: facet {facet}: every aspect needs an id, 'asked' "
                               "and 'answers' patterns")
        name = f"{facet}.{e['id']}"
        aspects.append(Aspect(
            str(e["id"]), str(e.get("label") or e["id"]), tuple(_compile(e["asked"], where, name)),
            answers=tuple(_compile(e["answers"], where, name)),
            prefer=tuple(_compile(e.get("prefer"), where, name)),
            none=str(e.get("none") or ""), general=bool(e.get("general")),
            take=max(1, min(3, int(e.get("take") or 1))),
            outcomes=tuple(str(o) for o in e.get("outcomes") or ()),
            window=bool(e.get("window"))))
    return aspects


def _forms(entries: list | None, where: Path) -> list[Form]:
    forms = []
    for a in _aspects(entries, where, "forms"):
        entry = next(e for e in entries or [] if str(e.get("id")) == a.id)
        treatments = entry.get("treatments") or []
        if not isinstance(treatments, list):
            raise LexiconError(f"{where}: form {a.id}: 'treatments' must be a list")
        versus = entry.get("versus") or {}
        if not isinstance(versus, dict) or bool(versus.get("comparator")) != bool(
                versus.get("none")):
            raise LexiconError(f"{where}: form {a.id}: 'versus' needs 'comparator' and 'none'")
        forms.append(Form(**{**a.__dict__, "treatments": tuple(str(t) for t in treatments),
                             "also": tuple(str(t) for t in entry.get("also") or ()),
                             "versus": tuple(_compile(versus.get("comparator"), where,
                                                      f"{a.id}.versus")),
                             "versus_none": str(versus.get("none") or "")}))
    return forms


QUESTION_CUES = ("oa", "not_oa", "oa_named", "someone_else", "both", "follow_up", "set_against",
                 "compare", "tried", "tried_stop")


def _context(data: dict, where: Path) -> ContextCues:
    c = ContextCues()
    question = data.get("question") or {}
    missing = [k for k in QUESTION_CUES if not question.get(k)]
    if missing:
        raise LexiconError(f"{where}: question: missing {', '.join(missing)}")
    c.question = {k: _compile([question[k]], where, f"question.{k}")[0] for k in QUESTION_CUES}
    c.age = _compile(data.get("age"), where, "age")
    c.grade = _compile(data.get("grade"), where, "grade")
    c.severity = {k: _compile(v, where, f"severity.{k}")
                  for k, v in (data.get("severity") or {}).items()}
    prev = data.get("previous_injection") or {}
    c.previous_cues = _compile(prev.get("cues"), where, "previous_injection.cues")
    c.previous_when = _compile(prev.get("when"), where, "previous_injection.when")
    others = _compile(prev.get("others"), where, "previous_injection.others")
    c.previous_others = others[0] if others else None
    surgery = data.get("planned_surgery") or {}
    c.surgery_cues = _compile(surgery.get("cues"), where, "planned_surgery.cues")
    c.surgery_when = _compile(surgery.get("when"), where, "planned_surgery.when")
    c.goals = {k: _compile(v, where, f"goals.{k}") for k, v in (data.get("goals") or {}).items()}
    c.jurisdiction = {k: _compile(v, where, f"jurisdiction.{k}")[0]
                      for k, v in (data.get("jurisdiction") or {}).items()}
    c.jurisdiction_weak = {k: _compile(v, where, f"jurisdiction_weak.{k}")[0]
                           for k, v in (data.get("jurisdiction_weak") or {}).items()}
    c.medicine_classes = {str(k): _compile([v], where, f"medicine_classes.{k}")[0]
                          for k, v in (data.get("medicine_classes") or {}).items()}
    for k, v in (data.get("countries") or {}).items():
        if not isinstance(v, dict) or not v.get("label") or not v.get("pattern"):
            raise LexiconError(f"{where}: countries.{k}: needs a label and a pattern")
        c.countries[str(k)] = (str(v["label"]), _compile([v["pattern"]], where,
                                                         f"countries.{k}")[0])
    age_if = data.get("age_if_asked") or {}
    if age_if:
        c.age_asked = _compile(age_if.get("asked"), where, "age_if_asked.asked")[0]
        c.age_number = _compile(age_if.get("number"), where, "age_if_asked.number")[0]
    c.joint_implied = {k: _compile(v, where, f"joint_implied.{k}")[0]
                       for k, v in (data.get("joint_implied") or {}).items()}
    if data.get("person"):
        c.person = _compile(data["person"], where, "person")[0]
    if data.get("guided"):
        c.guided = _compile(data["guided"], where, "guided")[0]
    if data.get("named_by_giver"):
        c.named_by_giver = _compile(data["named_by_giver"], where, "named_by_giver")[0]
    if data.get("not_joint"):
        c.not_joint = _compile(data["not_joint"], where, "not_joint")[0]
    if data.get("usual_injection"):
        c.usual_injection = _compile(data["usual_injection"], where, "usual_injection")[0]
    c.usual_injection_means = tuple(data.get("usual_injection_means") or ())
    if data.get("which_injection"):
        c.which_injection = _compile(data["which_injection"], where, "which_injection")[0]
    c.numbers = {str(k): int(v) for k, v in (data.get("numbers") or {}).items()}
    means = data.get("guided_injection_means") or ()
    c.guided_injection_means = tuple([means] if isinstance(means, str) else means)
    unknown = data.get("unknown_therapy") or {}
    if unknown.get("cue"):
        c.unknown_cue = _compile(unknown["cue"], where, "unknown_therapy.cue")[0]
    c.unknown_frames = _compile(unknown.get("frames"), where, "unknown_therapy.frames")
    if unknown.get("stop_at"):
        c.unknown_stop_at = _compile(unknown["stop_at"], where, "unknown_therapy.stop_at")[0]
    c.not_a_therapy = frozenset(str(w).lower() for w in unknown.get("not_a_therapy") or [])
    c.framed_not_endings = tuple(str(e) for e in unknown.get("framed_not_endings") or ())
    c.framed_openers = frozenset(str(w).lower() for w in unknown.get("framed_openers") or ())
    return c


def _wording(data: dict, where: Path) -> dict:
    """The answer's frame words; every audience must carry every phrase the other has."""
    for key in ("disclaimer", "titles", "patient", "clinician"):
        if key not in data:
            raise LexiconError(f"{where}: missing {key!r}")
    missing = set(data["patient"]) ^ set(data["clinician"])
    if missing:
        raise LexiconError(f"{where}: phrases not given for both audiences: {sorted(missing)}")

    def tidy(value):
        if isinstance(value, dict):
            return {k: tidy(v) for k, v in value.items()}
        return " ".join(str(value).split())

    return tidy(data)


def load_lexicon(folder: Path) -> Lexicon:
    lex = Lexicon(folder=folder)
    flags = _read(folder / "red_flags.yaml")
    lex.red_flags = _red_flags(flags.get("red_flags"), folder / "red_flags.yaml")
    not_now = flags.get("not_now") or {}
    where = folder / "red_flags.yaml"
    negation = _compile([not_now["negation"]] if not_now.get("negation") else [], where,
                        "not_now")
    lex.not_now = NotNow(negation[0] if negation else None,
                         tuple(_compile(not_now.get("before"), where, "not_now")),
                         tuple(_compile(not_now.get("clause"), where, "not_now")),
                         _compile([not_now["resets"]], where, "not_now")[0]
                         if not_now.get("resets") else None)
    advice = flags.get("urgent_advice") or {}
    lex.urgent_plain = " ".join(str(advice.get("plain", "")).split())
    lex.urgent_clinician = " ".join(str(advice.get("clinician", lex.urgent_plain)).split())
    lex.urgent_sources = list(advice.get("sources") or [])
    local = flags.get("local_numbers") or {}
    if not isinstance(local, dict) or not all(isinstance(v, dict) for v in local.values()):
        raise LexiconError(f"{where}: local_numbers must map a jurisdiction to UK term -> local")
    lex.local_numbers = {str(k): {str(a): str(b) for a, b in v.items()} for k, v in local.items()}
    scope = _read(folder / "scope.yaml")
    lex.scope = _rules(scope.get("conditions"), folder / "scope.yaml")
    lex.scope_harms = frozenset(str(h) for h in scope.get("harms") or ())
    cue = _compile([scope["harm_cue"]] if scope.get("harm_cue") else [], folder / "scope.yaml",
                   "harm_cue")
    lex.scope_harm_cue = cue[0] if cue else None
    lex.scope_always = frozenset(str(h) for h in scope.get("always") or ())
    lex.scope_unless_joint = frozenset(str(h) for h in scope.get("unless_joint") or ())
    reason = _compile([scope["reason_cue"]] if scope.get("reason_cue") else [],
                      folder / "scope.yaml", "reason_cue")
    lex.scope_reason_cue = reason[0] if reason else None
    unknown = (lex.scope_harms | lex.scope_always | lex.scope_unless_joint) - {
        r.id for r in lex.scope}
    if unknown:
        raise LexiconError(f"{folder / 'scope.yaml'}: harms/always name unknown conditions: "
                           f"{sorted(unknown)}")
    help_ = scope.get("help") or {}
    lex.help_plain = str(help_.get("plain", "")).strip()
    lex.help_elsewhere = " ".join(str(help_.get("elsewhere") or lex.help_plain).split())
    lex.help_url = help_.get("url")
    facets = _read(folder / "facets.yaml")
    lex.facets = _facets(facets.get("facets"), folder / "facets.yaml")
    contents = _compile([facets["contents_only"]] if facets.get("contents_only") else [],
                        folder / "facets.yaml", "contents_only")
    lex.contents_only = contents[0] if contents else None
    lex.forms = _forms(_read(folder / "forms.yaml").get("forms"), folder / "forms.yaml")
    lex.context = _context(_read(folder / "context.yaml"), folder / "context.yaml")
    lex.wording = _wording(_read(folder / "answer.yaml"), folder / "answer.yaml")
    questions = _read(folder / "questions.yaml")
    for q in questions.get("questions") or []:
        lex.questions.append(ClinicQuestion(
            str(q["id"]), tuple(q.get("treatments") or ["all"]), str(q["plain"]).strip(),
            str(q.get("clinician") or q["plain"]).strip(), tuple(q.get("sources") or []),
            bool(q.get("unknown_product"))))
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
    if (folder / "decision_aid.yaml").exists():
        lex.decision_aid = _decision_aid(_read(folder / "decision_aid.yaml"),
                                         folder / "decision_aid.yaml")
    bodies = folder / "guideline_bodies.yaml"
    if bodies.exists():
        lex.bodies = _rules(_read(bodies).get("bodies"), bodies)
    if (folder / "quality.yaml").exists():
        lex.quality = quality_cues(folder)
    return lex


@dataclass(frozen=True)
class AidRow:
    """One row of the decision aid: a question asked about every option."""

    id: str
    label: str
    question: str  # with {option} and {joint}
    sentences: int


@dataclass(frozen=True)
class DecisionAidWording:
    title: str
    intro: str
    core_label: str
    core_question: str
    core_cues: tuple[str, ...]
    core_points: int
    core_certainty: str
    rows: tuple[AidRow, ...]
    none_held: str


def _decision_aid(data: dict, where: Path) -> DecisionAidWording:
    try:
        rows = tuple(AidRow(str(r["id"]), str(r["label"]), str(r["question"]),
                            int(r.get("sentences", 2))) for r in data["rows"])
        core = data["core_care"]
        aid = DecisionAidWording(str(data["title"]), " ".join(str(data["intro"]).split()),
                                 str(core["label"]), str(core["question"]),
                                 tuple(str(c).lower() for c in core.get("cues") or ()),
                                 int(core.get("points", 2)), str(core.get("guidelines", "")),
                                 rows,
                                 str(data["none_held"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise LexiconError(f"{where}: {exc!r} (needs title, intro, core_care, rows)") from None
    for text in [aid.title, aid.core_question] + [r.question for r in rows]:
        try:
            text.format(option="x", joint="knee")
        except (KeyError, IndexError, ValueError) as exc:
            raise LexiconError(f"{where}: {text!r}: only {{option}} and {{joint}} may be "
                               f"filled in ({exc!r})") from None
    if not rows or any(r.sentences < 1 for r in rows):
        raise LexiconError(f"{where}: rows must be listed, each keeping at least 1 sentence")
    return aid


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


QUALITY_CUES = ("core", "risk", "uncertain", "regulatory", "cost", "date", "author", "coi",
                "sales", "mechanism", "no_treatment", "qol", "shared", "help", "aims")


@lru_cache(maxsize=4)
def quality_cues(folder: Path) -> dict[str, re.Pattern[str]]:
    """The cue patterns of `quality.yaml` (what a balanced article covers), each compiled once,
    case-insensitive and multi-line."""
    path = folder / "quality.yaml"
    data = _read(path)
    out = {}
    for key in QUALITY_CUES:
        if not isinstance(data.get(key), str):
            raise LexiconError(f"{path}: '{key}' must be one pattern")
        try:
            out[key] = re.compile(data[key], re.I | re.M)
        except re.error as exc:
            raise LexiconError(f"{path}: bad pattern for '{key}': {exc}") from None
    return out


@lru_cache(maxsize=4)
def cached_lexicon(folder: Path) -> Lexicon:
    return load_lexicon(folder)
