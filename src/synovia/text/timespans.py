"""Spans of time written in words ("six weeks", "2 to 10 weeks", "a few months"), in weeks:
how long relief lasted, how soon an operation is, how long before surgery a study looked."""

from __future__ import annotations

import re
from dataclasses import dataclass

SPAN = re.compile(r"\b(\d+(?:\.\d)?|a|one|two|three|four|five|six|eight|ten|twelve|several|"
                  r"a few|few|many)"
                  r"(?:\s*(?:to|-|–|or|and)\s*(\d+|two|three|four|five|six|eight|ten|twelve))?\s*"
                  r"(days?|weeks?|months?|years?)\b", re.I)
WORDS = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "eight": 8,
         "ten": 10, "twelve": 12, "several": 3, "a few": 2, "few": 2, "many": 6}
WEEKS = {"day": 1 / 7, "week": 1, "month": 4.35, "year": 52}


@dataclass(frozen=True)
class Span:
    low: float  # weeks
    high: float  # weeks
    words: str  # as written ("3 months")


def weeks(amount: str, unit: str) -> float:
    n = float(amount) if amount[0].isdigit() else WORDS.get(amount.lower(), 1)
    return n * WEEKS[unit.lower().rstrip("s")]


def spans(text: str) -> list[Span]:
    """Every span of time in `text`, in the order written."""
    out = []
    for m in SPAN.finditer(text):
        low = weeks(m.group(1), m.group(3))
        high = weeks(m.group(2), m.group(3)) if m.group(2) else low
        out.append(Span(low, high, m.group(0)))
    return out


def say_weeks(n: float, months_from: float = 9) -> str:
    """A number of weeks as people say it: weeks up to `months_from` weeks, then months."""
    return f"{round(n)} weeks" if n < months_from else f"{round(n / 4.35)} months"
