"""Understand a question: every therapy named (held or not, kept by name), the joints, the
facets asked (how long, how many, cost, with my diabetes, before my operation ...), the
jurisdiction, the person's situation, red-flag symptoms and scope. The language lives in
`data/lexicon/` (facets, context, red flags, scope) and `data/vocab.yaml`; this module only
reads it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synovia.vocab import Vocabulary
from synovia.vocab.lexicon import Lexicon

# Osteoarthritis named outright: it stays the subject even beside another condition ("I have
# rheumatoid arthritis as well as OA").


def _own_oa(text: str, said: dict[str, re.Pattern[str]]) -> bool:
    """Osteoarthritis named as the person's own, not a friend's ("like my friend who has OA")."""
    return any(not said["someone_else"].search(text[max(0, m.start() - 30):m.start()])
               for m in said["oa_named"].finditer(text))


_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_UNITS_IN_WEEKS = {"day": 1 / 7, "week": 1, "month": 4.345, "year": 52.18}
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
# Follow-ups that lean on what came before ("and for the hip?", "what about that?").
#: "those two", "both of them", "which of the two": the last two therapies asked about.
#: A question needs at least one word of two letters or more ("?" and "a" are not questions).
_WORDS = re.compile(r"[^\W\d_]{2,}", re.UNICODE)
#: Categories of vocabulary treatments the evidence base answers on in full.
ANSWERED = ("injection",)


class NotAQuestion(ValueError):
    """Input with no words to understand ("?", "a", punctuation)."""


@dataclass
class Subject:
    """A therapy the person named: its vocabulary id (None when the vocabulary does not know
    it), the words they used, and whether it is asked about or only already tried."""

    id: str | None
    name: str
    category: str
    role: str = "asked"  # asked | tried
    implied: bool = False  # meant, not named: "an ultrasound-guided injection" = the usual ones


@dataclass
class Situation:
    """What the person said about themselves."""

    age: int | None = None
    oa_grade: int | None = None
    severity: str | None = None  # mild | moderate | severe
    conditions: list[str] = field(default_factory=list)  # context ids: diabetes, pregnancy ...
    medicines: list[str] = field(default_factory=list)  # context ids: anticoagulant ...
    previous: list[dict] = field(default_factory=list)  # {treatment, weeks_ago}
    planned_surgery: dict | None = None  # {joint, weeks_until}
    goals: list[str] = field(default_factory=list)
    tried: list[str] = field(default_factory=list)
    guidance: str | None = None

    def contexts(self) -> list[str]:
        """The context ids (data/vocab.yaml) this situation brings to the evidence."""
        out = list(self.conditions) + list(self.medicines)
        if self.previous:
            out.append("recent-injection")
        if self.planned_surgery is not None:
            out.append("planned-joint-replacement")
        if self.severity == "severe" or (self.oa_grade or 0) >= 4:
            out.append("advanced-oa")
        elif self.severity == "mild" or (self.oa_grade is not None and self.oa_grade <= 2):
            out.append("early-oa")
        if self.age is not None and self.age >= 65:
            out.append("older-age")
        elif self.age is not None and self.age < 50:
            out.append("younger-age")
        return list(dict.fromkeys(out))

    def as_dict(self) -> dict:
        d: dict = {}
        for key in ("age", "oa_grade", "severity", "planned_surgery", "guidance"):
            value = getattr(self, key)
            if value is not None:
                d[key] = value
        for key in ("conditions", "medicines", "previous", "goals", "tried"):
            value = getattr(self, key)
            if value:
                d[key] = value
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Situation:
        s = cls()
        for key, value in (d or {}).items():
            if hasattr(s, key):
                setattr(s, key, value)
        return s


@dataclass
class Understanding:
    question: str
    subjects: list[Subject] = field(default_factory=list)
    joints: list[str] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)
    jurisdiction: str | None = None
    #: every place named, in the order named ("legal in Ireland? and in the US?"), the one
    #: asked about first
    places: list[str] = field(default_factory=list)
    country: str | None = None  # a country within the jurisdiction (Ireland within the EU)
    situation: Situation = field(default_factory=Situation)
    red_flags: list[str] = field(default_factory=list)
    out_of_scope: list[str] = field(default_factory=list)
    mentions_oa: bool = False
    inherited: list[str] = field(default_factory=list)
    forms: list[str] = field(default_factory=list)  # forms asked by name (forms.yaml)
    #: forms whose words only name the injection meant ("an ultrasound-guided hip injection")
    forms_naming: list[str] = field(default_factory=list)
    form_facets: list[str] = field(default_factory=list)  # facets asked only through a form
    #: situations told in an earlier turn and not again now (already answered for)
    told_before: list[str] = field(default_factory=list)
    facets_asked: bool = False  # False when no facet cue matched and "efficacy" was assumed
    #: every therapy asked about so far in the conversation, oldest first ("those two")
    earlier: list[Subject] = field(default_factory=list)

    # -- views ----------------------------------------------------------------------------
    @property
    def treatments(self) -> list[str]:
        """Vocabulary ids of every therapy asked about, in the order named."""
        return list(dict.fromkeys(s.id for s in self.subjects if s.id and s.role == "asked"))

    @property
    def unknown(self) -> list[str]:
        """Therapies named that the vocabulary does not know, by the words used."""
        return [s.name for s in self.subjects if s.id is None and s.role == "asked"]

    @property
    def options_named(self) -> int:
        """How many known options the person named themselves (not the usual ones implied)."""
        return len({s.id for s in self.subjects if s.id and s.role == "asked" and not s.implied})

    @property
    def urgent(self) -> bool:
        return bool(self.red_flags)

    @property
    def primary_facet(self) -> str:
        return self.facets[0] if self.facets else "efficacy"

    @property
    def has_subject(self) -> bool:
        return bool(self.subjects or self.joints or self.mentions_oa)

    @staticmethod
    def inherited_facets(previous: dict) -> list[str]:
        return list(previous.get("facets") or [])

    def state(self) -> dict:
        """What a follow-up may inherit (stored with the conversation)."""
        asked = [s for s in self.subjects if s.role == "asked"]
        earlier = [s for s in self.earlier if not any(_same(s, a) for a in asked)] + asked
        return {"subjects": [s.__dict__ for s in self.subjects], "joints": self.joints,
                "earlier": [s.__dict__ for s in earlier[-4:]],
                "facets": self.facets, "jurisdiction": self.jurisdiction,
                "country": self.country,
                "situation": self.situation.as_dict(), "mentions_oa": self.mentions_oa}


def understand(question: str, vocab: Vocabulary, lexicon: Lexicon) -> Understanding:
    """Read one question (without the conversation: see `inherit`)."""
    if not _WORDS.search(question):
        raise NotAQuestion("please ask a question in words, e.g. 'Does PRP help knee arthritis?'")
    u = Understanding(question=question)
    cues = lexicon.context
    matches = vocab.find(question)
    tried_spans = _tried_spans(question, lexicon)
    people = [m.span() for m in cues.person.finditer(question)] if cues.person else []
    not_joint = [m.span() for m in cues.not_joint.finditer(question)] if cues.not_joint else []
    guided = bool(cues.guided and cues.guided.search(question))
    for m in matches:
        if m.kind == "treatment":
            term = vocab.term("treatment", m.id)
            category = (term.category if term else None) or "injection"
            if any(a <= m.start < b for a, b in people):
                continue  # "my physio said ...": a person, not a therapy
            if category == "comparator":
                continue  # placebo, saline, sham: what an option is compared with
            if m.id == "image-guidance":
                guided = True
                continue
            role = "tried" if any(a <= m.start < b for a, b in tried_spans) else "asked"
            _add_subject(u, Subject(m.id, m.text, category, role))
        elif m.kind == "joint" and m.id not in u.joints:
            if not any(a <= m.start < b for a, b in not_joint):
                u.joints.append(m.id)
        elif m.kind == "context":
            _add_context(u.situation, m.id)
            # a situation named with its joint ("a septic knee") names the joint too
            for j in (x for w in m.text.split() for x in vocab.find(w, fuzzy=False)):
                if j.kind == "joint" and j.id not in u.joints:
                    u.joints.append(j.id)
    if guided:
        u.situation.guidance = "image-guided"
        if not any(s.category in ANSWERED for s in u.subjects) and _names_an_injection(
                question):
            # "an ultrasound-guided hip injection": the usual injections, given that way.
            for tid in cues.guided_injection_means:
                _add_subject(u, Subject(tid, "image-guided injection", "injection", implied=True))
            u.forms_naming.append("image-guidance")
    if cues.named_by_giver and cues.named_by_giver.search(question):
        # "or just another of the injections my GP does": the usual injection, by name.
        for tid in cues.usual_injection_means:
            _add_subject(u, Subject(tid, "the usual injection", "injection", implied=True))
    if not u.subjects and cues.usual_injection and \
            cues.usual_injection.search(question) and not _unknown_therapies(
                question, matches, cues, known=(*lexicon.forms, *lexicon.bodies)):
        # "my GP says an injection is the next step": the usual injection.
        for tid in cues.usual_injection_means:
            _add_subject(u, Subject(tid, "the usual injection", "injection", implied=True))
    known = (*lexicon.forms, *lexicon.bodies)
    for name in _unknown_therapies(question, matches, cues, known=known):
        _add_subject(u, Subject(None, name, "unknown"))
    # Painkillers asked about around an injection already had ("can I take ibuprofen after my
    # PRP?") are a question about that injection.
    asked = [s for s in u.subjects if s.role == "asked"]
    if asked and all(s.category == "medicine" for s in asked) and any(
            s.role == "tried" and s.category in ANSWERED for s in u.subjects):
        for s in u.subjects:
            s.role = "asked" if s.category in ANSWERED else "context"
    # A procedure had before ("infected after an arthroscopy") beside "an injection" asked
    # about: the question is about the usual injections, the procedure is history.
    if u.subjects and not any(s.role == "asked" for s in u.subjects) and not any(
            s.category in ANSWERED for s in u.subjects) and _names_an_injection(question):
        for tid in cues.usual_injection_means:
            _add_subject(u, Subject(tid, "an injection", "injection", implied=True))
    # Something only mentioned as already tried is context, not the subject, when something
    # else is asked about; alone, it is what they ask about.
    if not any(s.role == "asked" for s in u.subjects):
        for s in u.subjects:
            s.role = "asked"
    u.situation.tried = [s.id for s in u.subjects if s.role == "tried" and s.id]
    # Core care and medicines named beside an injection ("physio, paracetamol, the lot") are
    # history, not options, unless the question compares them.
    if any(s.role == "asked" and s.category in ANSWERED for s in u.subjects) and \
            not cues.question["compare"].search(question):
        for s in u.subjects:
            if s.role == "asked" and s.category in ("core", "medicine"):
                s.role = "context"
    if cues.which_injection and cues.which_injection.search(question) and not any(
            s.role == "asked" and s.category in ANSWERED for s in u.subjects) and not \
            cues.question["set_against"].search(question):
        # ("do injections work better than exercise?" keeps exercise as an option)
        # "My surgeon wants me to lose weight first: which injection could bridge me?"
        for s in u.subjects:
            if s.role == "asked" and s.category in ("core", "medicine"):
                s.role = "context"
    for joint, rx in cues.joint_implied.items():
        if rx.search(question) and joint not in u.joints:
            u.joints.append(joint)
    said = cues.question
    u.mentions_oa = _own_oa(question, said) or (
        bool(said["oa"].search(question)) and not said["not_oa"].search(question))
    u.facets = _facets(question, lexicon, len(u.treatments) + len(u.unknown))
    # a form that only names the injection meant is not asked about, unless the question
    # sets it against its counterpart ("ultrasound-guided ... better than a blind one?")
    named = sorted((m.start(), f.id) for f in lexicon.forms for m in [f.search(question)]
                   if m and (f.id not in u.forms_naming
                             or any(rx.search(question) for rx in f.versus)))
    u.forms = [fid for _, fid in named]
    if u.forms:
        # A facet asked only in a form's own words ("done blind or under ultrasound?" is
        # procedure) is answered by the form: it has no gap of its own to declare.
        spans = [m.span() for f in lexicon.forms if f.id in u.forms for p in f.patterns
                 for m in p.finditer(question)]
        for f in lexicon.facets:
            hits = [m.span() for p in f.patterns for m in p.finditer(question)]
            if f.id in u.facets and hits and all(
                    any(a <= x and y <= b for a, b in spans) for x, y in hits):
                u.form_facets.append(f.id)
    u.facets_asked = any(f.first_at(question) is not None for f in lexicon.facets
                         if not f.internal)
    u.jurisdiction = _jurisdiction(question, cues)
    named = sorted((m.start(), code) for code, rx in cues.jurisdiction.items()
                   for m in [rx.search(question)] if m)
    u.places = list(dict.fromkeys([u.jurisdiction] * bool(u.jurisdiction)
                                  + [code for _, code in named]))
    named = sorted((m.start(), code) for code, (_, rx) in cues.countries.items()
                   for m in [rx.search(question)] if m)
    u.country = named[0][1] if named else None
    present = [f for f in lexicon.red_flags if f.present(question, lexicon.not_now)]
    found = {f.id for f in present}
    u.red_flags = [f.id for f in present if not set(f.yields_to) & found]
    u.out_of_scope = [r.id for r in lexicon.scope if r.search(question)
                      and not (r.id in lexicon.scope_harms and u.treatments
                               and "safety" in u.facets and lexicon.scope_harm_cue is not None
                               and lexicon.scope_harm_cue.search(question))  # "cause AVN?"
                      and not (r.id in lexicon.scope_unless_joint and u.joints)
                      and not (u.joints and _as_reason(question, r, lexicon))]
    _situation(question, u, cues)
    safety_bound = [c for c in u.situation.conditions + u.situation.medicines
                    if (t := vocab.term("context", c)) is not None and t.category == "safety"]
    if safety_bound and "interaction" not in u.facets:
        # Their medicine or condition leads when nothing more specific was asked.
        u.facets.insert(1 if u.facets_asked else 0, "interaction")
    if "interaction" in u.facets and "safety" not in u.facets:
        # "Is it OK with my warfarin?" is a safety question about this person.
        u.facets.insert(u.facets.index("interaction") + 1, "safety")
    if u.situation.planned_surgery is not None and "surgery-timing" not in u.facets:
        u.facets.insert(0, "surgery-timing")
    if "surgery-timing" in u.facets and u.situation.planned_surgery is None:
        # Asked about timing around an operation: the answer speaks to that situation.
        u.situation.planned_surgery = {"weeks_until": None, "joint": u.joints[0] if u.joints
                                       else None}
    # An operation named beside an injection ("a steroid jab before my TKR"), or in a question
    # about timing around it, is the person's plan, not an option to grade.
    if "surgery-timing" in u.facets or any(s.category in ANSWERED and s.role == "asked"
                                           for s in u.subjects):
        for s in u.subjects:
            if s.category == "surgery":
                s.role = "context"
    return u


def _add_subject(u: Understanding, s: Subject) -> None:
    for old in u.subjects:
        if (s.id and old.id == s.id) or (not s.id and not old.id and old.name == s.name):
            if s.role == "asked":
                old.role = "asked"
            return
    u.subjects.append(s)


def _add_context(sit: Situation, cid: str) -> None:
    target = sit.medicines if cid in ("anticoagulant", "antiplatelet") else sit.conditions
    if cid in ("advanced-oa", "early-oa", "older-age", "younger-age", "recent-injection",
               "planned-joint-replacement"):
        return  # read from the words around them (age, grade, when) instead
    if cid not in target:
        target.append(cid)




def _names_an_injection(text: str) -> bool:
    return bool(re.search(r"\b(injections?|shots?|jabs?|inject\w*)\b", text, re.I))


def _as_reason(text: str, rule, lexicon: Lexicon) -> bool:
    """The condition is why they take a medicine ("on prednisolone for polymyalgia")."""
    m = rule.search(text)
    cue = lexicon.scope_reason_cue
    return bool(m and cue and cue.search(text[max(0, m.start() - 60):m.start()]))


def asked_part(text: str, last_if_none: bool = False) -> str:
    """The sentences that end in a question mark, when some do and some do not: "stem cells
    are 3x the price. is there good evidence they are better?" asks about evidence, and
    the price is background. With `last_if_none`, a text without any question mark is
    taken to ask in its last sentence."""
    sentences = [x for x in re.findall(r"[^.?!]*[.?!]+|[^.?!]+$", text) if x.strip()]
    asked = [x for x in sentences if x.rstrip().endswith("?")]
    if not asked and last_if_none and len(sentences) > 1:
        return sentences[-1]
    return " ".join(asked) if asked and len(asked) < len(sentences) else ""


def _facets(text: str, lexicon: Lexicon, n_subjects: int) -> list[str]:
    found = []
    weak = []
    asked = asked_part(text, last_if_none=True)
    for facet in lexicon.facets:
        if facet.internal:
            continue
        at = facet.first_at(text)
        if at is not None:
            # Facets named in the question itself come before those only in the background.
            in_question = not asked or facet.first_at(asked) is not None
            found.append(((not in_question, at), facet.id))
        elif facet.weakly_asked(text):
            weak.append(facet.id)
    order = [fid for _, fid in sorted(found, key=lambda x: x[0])] + weak
    for facet in lexicon.facets:
        # "Long term, are there problems with ...": the risk is the question, not the time.
        if facet.id in order and facet.outranks:
            first = min((order.index(o) for o in facet.outranks if o in order), default=None)
            if first is not None and first < order.index(facet.id):
                order.remove(facet.id)
                order.insert(first, facet.id)
    if n_subjects >= 2 and "comparison" not in order:
        # Two or more options named: the comparison is the question, before "does it work".
        at = order.index("efficacy") if "efficacy" in order else len(order)
        order.insert(at, "comparison")
    if n_subjects < 2 and "comparison" in order and not re.search(
            r"\b(vs\.?|versus|compar\w*|better than|instead of|rather than|or)\b", text, re.I):
        order.remove("comparison")
    return list(dict.fromkeys(order)) or ["efficacy"]


def _jurisdiction(text: str, cues) -> str | None:
    """The place asked about: one named in the question itself wins over one in the
    background ("a clinic in Tijuana says ... is it illegal in America")."""
    asked = asked_part(text, last_if_none=True)
    if asked and asked != text:
        place = _first_place(asked, cues)
        if place:
            return place
    return _first_place(text, cues)


def _first_place(text: str, cues) -> str | None:
    for table in (cues.jurisdiction, cues.jurisdiction_weak):
        hits = [(m.start(), code) for code, rx in table.items() for m in [rx.search(text)] if m]
        if hits:
            return min(hits)[1]
    return None


def _tried_spans(text: str, lexicon: Lexicon) -> list[tuple[int, int]]:
    """Stretches of text that say what was already had ("I've had two cortisone shots")."""
    spans = []
    rx = lexicon.context.question["tried"]
    for m in rx.finditer(text):
        end = len(text)
        stop = lexicon.context.question["tried_stop"].search(text[m.end():])
        if stop:
            end = m.end() + stop.start()
        spans.append((m.start(), end))
    return spans


def _unknown_therapies(text: str, matches, cues, frames: bool = True,
                       known: tuple = ()) -> list[str]:
    """Therapies the vocabulary does not know, kept by name: those named with a cue word
    ("ozone injections", "CBD oil") and, when no known therapy is asked about, what the
    question's frame names ("does turmeric help ...", "has anyone tried X for ...").
    Words matched by a `known` rule are not therapies: a form of a known treatment ("the
    slow release one"), a guideline body ("NICE's position")."""
    low = text.lower()
    taken = [(m.start, m.end) for m in matches if m.kind in ("treatment", "joint", "context")]
    taken += [m.span() for r in known for p in r.patterns for m in p.finditer(text)]
    # a place ("toronto - does OHIP ...") is where the person is, never a therapy
    taken += [m.span() for table in (cues.jurisdiction, cues.jurisdiction_weak)
              for rx in table.values() for m in rx.finditer(text)]
    out: list[str] = []

    def keep(start: int, phrase: str, trim_stop: bool) -> None:
        if trim_stop and any(a < start + len(phrase) and start < b for a, b in taken):
            # a frame that spans a therapy we know ("do gel injections work for ...") named
            # that therapy: what is left once it is trimmed ("work") is no therapy
            return
        if trim_stop and cues.unknown_stop_at is not None:
            phrase = cues.unknown_stop_at.split(f" {phrase} ")[0].strip()
        words = [w.strip("'") for w in phrase.split()]
        if trim_stop:
            # a name found by a frame loses an article; any other ordinary word at either
            # end shows a clause ("is it normal", "reverse arthritis and"), not a name
            while words and words[0] in cues.framed_openers:
                words.pop(0)
            if words and (words[0] in cues.not_a_therapy or words[-1] in cues.not_a_therapy):
                return
        while words and words[0] in cues.not_a_therapy:
            words.pop(0)
        while words and words[-1] in cues.not_a_therapy:
            words.pop()
        if not words or any(w in cues.not_a_therapy for w in words) or len(words) > 4:
            return
        if trim_stop and any(len(w) > 4 and w.endswith(cues.framed_not_endings) for w in words):
            return  # "does being on ...", "how would squirting those ...": a verb, not a name
        name = " ".join(words)
        at = low.find(name, start)
        if at >= 0 and any(a < at + len(name) and at < b for a, b in taken):
            return
        if len(name) >= 3 and name not in out and not any(name in o for o in out):
            out.append(name)

    if cues.unknown_cue is not None:
        for m in cues.unknown_cue.finditer(low):
            a0, b0 = m.span(1)
            if any(a < b0 and a0 < b for a, b in taken):
                continue  # "steroid injections": a therapy we know
            words = m.group(1).split()
            if words and words[-1] in cues.not_a_therapy:
                continue  # "rate per injection", "after the injection": no name next to it
            keep(m.start(1), " ".join(words), trim_stop=False)
    for m in matches:
        # a product named just before the kind of therapy it is ("CartiRegen Plus collagen
        # injections"): kept by name, so that what we hold on the kind is never passed off as
        # evidence on the product (an inner capital or two capitalised words mark a name)
        if m.kind != "treatment":
            continue
        name = re.search(r"(?<![\w-])((?:[A-Z][A-Za-z0-9-]*\s+){1,3})$", text[:m.start])
        words = name.group(1).split() if name else []
        if words and words[0].lower() not in cues.not_a_therapy and (
                len(words) >= 2 or re.search(r"[a-z][A-Z]", words[0])):
            keep(name.start(1), " ".join(words).lower(), trim_stop=False)
    if frames:
        for rx in cues.unknown_frames:
            for m in rx.finditer(low):
                keep(m.start(1), m.group(1), trim_stop=True)
    return out


def _weeks(amount: str, unit: str, numbers: dict[str, int]) -> float | None:
    amount = amount.lower().strip()
    n = int(amount) if amount.isdigit() else numbers.get(amount)
    unit = unit.lower().rstrip("s")
    if n is None or unit not in _UNITS_IN_WEEKS:
        return None
    return round(n * _UNITS_IN_WEEKS[unit], 1)


def _when(text: str, patterns, numbers: dict[str, int]) -> float | None:
    """Weeks in a time phrase ("6 weeks ago", "in three months", "next month", "in March")."""
    for rx in patterns:
        m = rx.search(text)
        if not m:
            continue
        groups = [g for g in m.groups() if g]
        if len(groups) >= 2:
            return _weeks(groups[0], groups[1], numbers)
        phrase = m.group(0).lower()
        if "week" in phrase:
            return 1
        if "month" in phrase:
            return 4.3
        if "year" in phrase:
            return 52
        if any(day in phrase for day in ("yesterday", "today", "morning", "this week")):
            return 0.1
        if any(month in phrase for month in _MONTHS):
            return None  # a named month: timing known to the person, not to us
    return None


def _situation(text: str, u: Understanding, cues) -> None:
    sit = u.situation
    for rx in cues.age:
        m = rx.search(text)
        if m:
            raw = next(g for g in m.groups() if g)
            age = int(raw) * 10 + 5 if len(raw) == 1 else int(raw)
            if 18 <= age <= 105:
                sit.age = age
                break
    if sit.age is None and cues.age_asked and cues.age_asked.search(text):
        m = cues.age_number.search(text) if cues.age_number else None
        if m:
            sit.age = int(m.group(1))
    for rx in cues.grade:
        g = rx.search(text)
        if g:
            raw = g.group(1).lower()
            sit.oa_grade = _ROMAN.get(raw, int(raw) if raw.isdigit() else None)
            break
    for level in ("severe", "moderate", "mild"):
        if any(rx.search(text) for rx in cues.severity.get(level, [])):
            sit.severity = level
            break
    if any(not (cues.previous_others and cues.previous_others.search(
            text[max(0, m.start() - 25):m.start()]))
           for rx in cues.previous_cues for m in rx.finditer(text)):
        had = sit.tried or [t for t in u.treatments if t]
        weeks = _when(text, cues.previous_when, cues.numbers)
        for t in (had or [None]):
            sit.previous.append({"treatment": t, "weeks_ago": weeks})
    if any(rx.search(text) for rx in cues.surgery_cues):
        sit.planned_surgery = {"weeks_until": _when(text, cues.surgery_when, cues.numbers),
                               "joint": u.joints[0] if u.joints else None}
    sit.goals = [gid for gid, rxs in cues.goals.items() if any(rx.search(text) for rx in rxs)]


def looks_like_follow_up(question: str, u: Understanding, lexicon: Lexicon) -> bool:
    """True when the question leans on an earlier turn for its subject."""
    if not (u.treatments and u.joints):
        return True
    return bool(lexicon.context.question["follow_up"].search(question))


def inherit(u: Understanding, previous: dict, lexicon: Lexicon) -> Understanding:
    """Fill what the follow-up leaves implied from the conversation so far."""
    prev_subjects = [Subject(**s) for s in previous.get("subjects") or []
                     if isinstance(s, dict) and {"id", "name", "category"} <= set(s)]
    prev_asked = [s for s in prev_subjects if s.role == "asked"]
    u.earlier = [Subject(**s) for s in previous.get("earlier") or []
                 if isinstance(s, dict) and {"id", "name", "category"} <= set(s)]
    both = u.earlier[-2:] if u.earlier else []
    prev_j = [j for j in previous.get("joints", []) if j]
    asked_now = [s for s in u.subjects if s.role == "asked"]
    if not asked_now and len(both) == 2 and lexicon.context.question["both"].search(u.question):
        # "so which of those two would you go for": the last two therapies asked about.
        u.subjects = both + [s for s in u.subjects if s.role != "asked"]
        u.inherited.append("treatments")
        if "comparison" not in u.facets:
            u.facets.insert(0, "comparison")
    elif not asked_now and prev_asked:
        u.subjects = prev_asked + [s for s in u.subjects if s.role != "asked"]
        u.inherited.append("treatments")
    elif asked_now and "comparison" in u.facets and prev_asked:
        # "how does that compare with a steroid injection?": the old subject stays.
        u.subjects = prev_asked + [s for s in u.subjects
                                   if not any(_same(s, p) for p in prev_asked)]
        u.inherited.append("treatments")
    if not u.joints and prev_j:
        u.joints = list(prev_j)
        u.inherited.append("joints")
    if not u.facets_asked and previous.get("facets"):
        u.facets = list(previous["facets"])
        u.inherited.append("facets")
    if u.jurisdiction is None and previous.get("jurisdiction"):
        u.country = u.country or previous.get("country")
        u.jurisdiction = previous["jurisdiction"]
        u.inherited.append("jurisdiction")
    old = Situation.from_dict(previous.get("situation") or {})
    new = u.situation
    u.told_before = [c for c in old.contexts() if c not in new.contexts()]
    for key in ("age", "oa_grade", "severity", "planned_surgery", "guidance"):
        if getattr(new, key) is None and getattr(old, key) is not None:
            setattr(new, key, getattr(old, key))
    for key in ("conditions", "medicines", "previous", "goals", "tried"):
        merged = list(getattr(old, key)) + [x for x in getattr(new, key)
                                            if x not in getattr(old, key)]
        setattr(new, key, merged)
    if previous.get("mentions_oa"):
        u.mentions_oa = True
    n = len(u.treatments) + len(u.unknown)
    if n >= 2 and "comparison" not in u.facets:
        u.facets.insert(len(u.facets) - (1 if u.facets[-1:] == ["efficacy"] else 0),
                        "comparison")
    elif n < 2 and "comparison" in u.facets and "comparison" in u.inherited_facets(previous):
        u.facets.remove("comparison")
    u.facets = u.facets or ["efficacy"]
    return u


def _same(a: Subject, b: Subject) -> bool:
    return (a.id is not None and a.id == b.id) or (a.id is None and a.name == b.name)
