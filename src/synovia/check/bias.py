"""Commercial signals (booking calls to action, prices and offers, testimonials, a clinic's own
results, claims to be the best) and hype wording anywhere on the page, each with its
sentence. The words live in data/lexicon/commercial.yaml and hype.yaml."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from synovia.check.parse import Document
from synovia.vocab import Lexicon
from synovia.yamldata import load_text


@dataclass(frozen=True)
class Signal:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=4)
@lru_cache(maxsize=4)
def load_signals(path: Path) -> tuple[Signal, ...]:
    """The commercial signals of `commercial.yaml`, read and compiled once per file."""
    data = load_text(path.read_text(encoding="utf-8")) or {}
    try:
        return tuple(Signal(str(s["id"]), str(s.get("label") or s["id"]),
                            tuple(re.compile(p, re.I) for p in s["patterns"]))
                     for s in data.get("signals") or [])
    except (KeyError, TypeError, re.error) as exc:
        raise ValueError(f"{path}: malformed commercial signals: {exc}") from None


def commercial(doc: Document, signals: tuple[Signal, ...]) -> list[dict]:
    """One entry per sentence and signal (boilerplate included: "Book now" is often there)."""
    out = []
    headings = [type("H", (), {"text": doc.text[s:e].strip("# ").strip(), "start": s, "end": e})()
                for s, e, kind in doc.blocks if kind == "heading"]
    for sent in list(doc.body_sentences) + headings:
        for sig in signals:
            if any(p.search(sent.text) for p in sig.patterns):
                out.append({"signal": sig.id, "label": sig.label, "sentence": sent.text,
                            "start": sent.start, "end": sent.end})
    return out


#: Hype that claims a result: a question does not assert it ("miracle" is hype either way).
ASSERTED = frozenset({"certainty", "structure", "durability", "safety"})


def hype(doc: Document, lexicon: Lexicon,
         about_core_care: Callable[[str], bool] | None = None) -> list[dict]:
    """Hype wording that is not negated, anywhere in the body ("does not cure" is fine).
    A sentence about core care only ("the most effective treatments include exercise") says
    what every guideline says first: its praise is not hype."""
    out = []
    for sent in doc.body_sentences:
        if sent.boilerplate or (about_core_care and about_core_care(sent.text)):
            continue
        asked = sent.text.rstrip().endswith("?")
        for term, m in lexicon.hype_in(sent.text):
            if lexicon.negated(sent.text, m.start()):
                continue
            if asked and term.category in ASSERTED:
                continue  # "Does PRP help people avoid surgery?" asks; it does not promise
            out.append({"term": term.id, "words": m.group(0), "why": term.why,
                        "sentence": sent.text, "start": sent.start, "end": sent.end})
    return out
