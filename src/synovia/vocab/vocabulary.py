"""One place that decides what a word means: canonical ids for treatments, joints, outcomes
and study designs, with synonyms, brands, lay terms, abbreviations and misspellings."""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from synovia.yamldata import load_text

TERM_FIELDS = ("synonyms", "lay_terms", "brands", "drugs", "abbreviations", "misspellings")
KINDS = ("treatments", "joints", "outcomes", "source_kinds", "contexts")


class VocabularyError(ValueError):
    """data/vocab.yaml is missing or malformed."""


@dataclass(frozen=True)
class Term:
    kind: str  # treatment | joint | outcome | source_kind | context
    id: str
    label: str
    clinician_label: str
    category: str | None = None
    #: how a treatment is given (injection, oral, needle, procedure, device ...): what is
    #: said about needles in a joint applies only to what is injected
    route: str | None = None
    #: product names (a question naming one is about that product first)
    brands: tuple[str, ...] = ()

    @property
    def injected(self) -> bool:
        return (self.route or ("injection" if self.category == "injection" else "")) == \
            "injection"


ROUTES = ("injection", "oral", "topical", "needle", "procedure", "device", "physical",
          "surgery")


@dataclass(frozen=True)
class Match:
    kind: str
    id: str
    start: int
    end: int
    text: str
    fuzzy: bool = False


def normalise(text: str) -> str:
    """Lower case, accents folded, curly quotes and dashes made plain."""
    if text.isascii():
        return text.lower()  # nothing to fold (the common case, and the fast one)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = re.sub(r"[\u2010-\u2015]", "-", text)
    return text.lower()


FIND_MEMORY = 8192  # texts whose matches are remembered (a few MB at most)


@dataclass
class Vocabulary:
    terms: dict[str, dict[str, Term]] = field(default_factory=dict)
    _exact: dict[str, tuple[str, str]] = field(default_factory=dict)
    _case_sensitive: dict[str, tuple[str, str]] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = None
    _cs_pattern: re.Pattern[str] | None = None
    _fuzzy_keys: list[str] = field(default_factory=list)
    _found: dict[tuple[str, bool], tuple[Match, ...]] = field(default_factory=dict, repr=False)

    # -- loading ---------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: Path) -> Vocabulary:
        try:
            data = load_text(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise VocabularyError(f"{path}: cannot read vocabulary: {exc}") from None
        except yaml.YAMLError as exc:
            raise VocabularyError(f"{path}: malformed YAML: {exc}") from None
        if not isinstance(data, dict):
            raise VocabularyError(f"{path}: top level must be a mapping")
        return cls.from_dict(data, str(path))

    @classmethod
    def from_dict(cls, data: dict, where: str = "vocabulary") -> Vocabulary:
        vocab = cls()
        for kind in KINDS:
            singular = kind[:-1]
            vocab.terms[singular] = {}
            for entry in data.get(kind) or []:
                if not isinstance(entry, dict) or "id" not in entry:
                    raise VocabularyError(f"{where}: every {singular} needs an id")
                tid = str(entry["id"])
                label = str(entry.get("label") or tid)
                route = entry.get("route")
                if route is not None and route not in ROUTES:
                    raise VocabularyError(f"{where}: {tid}: route must be one of {ROUTES}")
                vocab.terms[singular][tid] = Term(
                    singular, tid, label, str(entry.get("clinician_label") or label),
                    entry.get("category"), route,
                    tuple(str(b) for b in entry.get("brands") or ()),
                )
                if kind != "contexts":
                    # A situation is matched by the words listed for it only: its id or label
                    # ("infection") also names what people merely worry about.
                    vocab._add(singular, tid, tid.replace("-", " "))
                    vocab._add(singular, tid, tid)
                    vocab._add(singular, tid, label)
                    vocab._add(singular, tid, str(entry.get("clinician_label") or ""))
                for fname in TERM_FIELDS:
                    for term in entry.get(fname) or []:
                        vocab._add(singular, tid, str(term), abbreviation=fname == "abbreviations")
        vocab._compile()
        return vocab

    def knows(self, word: str) -> bool:
        """Whether `word` is itself a term (a treatment, brand, joint ...), spelt as listed."""
        return normalise(word) in self._exact

    def _add(self, kind: str, tid: str, term: str, abbreviation: bool = False) -> None:
        term = term.strip()
        if not term:
            return
        # Short abbreviations ("HA", "EV") only count in capitals, or they fire on ordinary words.
        if abbreviation and len(term) <= 3:
            self._case_sensitive.setdefault(term, (kind, tid))
            return
        self._exact.setdefault(normalise(term), (kind, tid))

    def _compile(self) -> None:
        self._found.clear()
        keys = sorted(self._exact, key=len, reverse=True)
        if keys:
            alternation = "|".join(re.escape(k) for k in keys)
            self._pattern = re.compile(rf"(?<![\w-])(?:{alternation})(?:'?s|es)?(?![\w-])")
        cs_keys = sorted(self._case_sensitive, key=len, reverse=True)
        if cs_keys:
            alternation = "|".join(re.escape(k) for k in cs_keys)
            self._cs_pattern = re.compile(rf"(?<![\w-])(?:{alternation})s?(?![\w-])")
        self._fuzzy_keys = [k for k in keys if len(k) >= 5]

    # -- lookups ---------------------------------------------------------------------------
    def ids(self, kind: str) -> set[str]:
        return set(self.terms.get(kind, {}))

    @property
    def treatment_ids(self) -> set[str]:
        return self.ids("treatment")

    @property
    def joint_ids(self) -> set[str]:
        return self.ids("joint")

    def term(self, kind: str, tid: str) -> Term | None:
        return self.terms.get(kind, {}).get(tid)

    def label(self, kind: str, tid: str, audience: str = "patient") -> str:
        t = self.term(kind, tid)
        if t is None:
            return tid
        return t.clinician_label if audience == "clinician" else t.label

    def resolve(self, kind: str, text: str) -> str | None:
        """The id a single term stands for (exact, then fuzzy), or None."""
        for m in self.find(text, fuzzy=True):
            if m.kind == kind:
                return m.id
        return None

    def find(self, text: str, fuzzy: bool = True) -> list[Match]:
        """Every vocabulary term in `text`, longest first, non-overlapping, in text order.

        Offsets refer to `text` itself (normalisation keeps lengths for Latin text). Results
        are remembered for a bounded number of texts: the checker asks about each sentence
        several times (its terms, what it compares, which option it names first).
        """
        key = (text, fuzzy)
        hit = self._found.get(key)
        if hit is not None:
            return list(hit)
        found = self._find(text, fuzzy)
        if len(self._found) >= FIND_MEMORY:
            self._found.clear()
        self._found[key] = tuple(found)
        return found

    def _find(self, text: str, fuzzy: bool) -> list[Match]:
        norm = normalise(text)
        if len(norm) != len(text):  # accents folded to different lengths: match on a copy
            norm = text.lower()
        taken = _Spans()
        found: list[Match] = []
        free = taken.free

        if self._pattern is not None:
            for m in self._pattern.finditer(norm):
                key = self._strip_plural(m.group(0))
                hit = self._exact.get(key)
                if hit and free(m.start(), m.end()):
                    taken.append((m.start(), m.end()))
                    found.append(Match(hit[0], hit[1], m.start(), m.end(), text[m.start():m.end()]))
        if self._cs_pattern is not None:
            for m in self._cs_pattern.finditer(text):
                key = m.group(0)
                hit = self._case_sensitive.get(key) or self._case_sensitive.get(key.rstrip("s"))
                if hit and free(m.start(), m.end()):
                    taken.append((m.start(), m.end()))
                    found.append(Match(hit[0], hit[1], m.start(), m.end(), key))
        if fuzzy and self._fuzzy_keys:
            found.extend(self._fuzzy(text, norm, free, taken))
        found.sort(key=lambda m: m.start)
        return found

    def _strip_plural(self, key: str) -> str:
        if key in self._exact:
            return key
        for suffix in ("'s", "es", "s"):
            if key.endswith(suffix) and key[: -len(suffix)] in self._exact:
                return key[: -len(suffix)]
        return key

    def _fuzzy(self, text: str, norm: str, free, taken) -> list[Match]:
        """Misspellings nobody listed: compare one- to three-word windows with known terms."""
        words = [(m.start(), m.end()) for m in re.finditer(r"[a-z][a-z'-]+", norm)]
        found: list[Match] = []
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                start, end = words[i][0], words[i + size - 1][1]
                chunk = norm[start:end]
                if len(chunk) < 5 or not free(start, end) or chunk in COMMON_WORDS:
                    continue
                best = process.extractOne(
                    chunk, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=_cutoff(chunk)
                )
                if best is None:
                    continue
                key = best[0]
                if abs(len(key) - len(chunk)) > max(2, len(key) // 5):
                    continue
                if _real_word_outside(chunk, key):
                    continue
                if " " in chunk and not _word_by_word(chunk, key):
                    continue  # "to injections" is not "toxin injections": a shared word
                    # does not make the others alike
                kind, tid = self._exact[key]
                taken.append((start, end))
                found.append(Match(kind, tid, start, end, text[start:end], fuzzy=True))
        return found


def _word_by_word(chunk: str, key: str) -> bool:
    """A phrase is a misspelling of a term only when each of its words is one of the term's
    words misspelt, in order."""
    words, keys = chunk.split(), key.split()
    return len(words) == len(keys) and all(fuzz.ratio(a, b) >= 75
                                           for a, b in zip(words, keys, strict=True))


#: Everyday words one or two letters away from a term ("should" ~ "shoulder", "kneel" ~ "knee"):
#: never read as a misspelling.
COMMON_WORDS = frozenset({
    "should", "would", "could", "shoulders'", "kneel", "kneeling", "knew", "known", "hippo",
    "hippie", "ships", "chips", "whips", "tips", "steer", "stereo", "stored", "storied",
    "plasma's", "places", "plates", "platter", "hyper", "hello", "heels", "heals",
})


class _Spans:
    """Non-overlapping spans already matched, kept sorted: whether a new span is free is a
    binary search, not a scan (a whole article has hundreds of matches)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []

    def free(self, a: int, b: int) -> bool:
        i = bisect.bisect_right(self.starts, a)
        if i and self.ends[i - 1] > a:
            return False  # the span before reaches into this one
        return i == len(self.starts) or self.starts[i] >= b

    def append(self, span: tuple[int, int]) -> None:
        i = bisect.bisect_right(self.starts, span[0])
        self.starts.insert(i, span[0])
        self.ends.insert(i, span[1])


def _real_word_outside(chunk: str, key: str) -> bool:
    """A real English word in `chunk` that the term does not contain: "dextrose injections"
    is not a misspelling of "exosome injections", whatever the letters say."""
    from synovia.text.readability import is_english_word

    key_words = set(key.split())
    return any(len(w) > 3 and w not in key_words and is_english_word(w.strip("'-"))
               for w in chunk.split())


def _cutoff(chunk: str) -> float:
    # Short words need a closer match: "hips" must not become "chips".
    return 90.0 if len(chunk) < 7 else 85.0


@lru_cache(maxsize=4)
def load_vocabulary(path: Path) -> Vocabulary:
    """Cached per file: the vocabulary is read once per process."""
    return Vocabulary.from_file(path)
