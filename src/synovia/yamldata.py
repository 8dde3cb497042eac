"""Reading our YAML data files (lexicons, vocabulary, term lists) safely and fast: libyaml's C
parser when the installed PyYAML has it (about ten times faster: the lexicons are read on
every start), else the pure-Python one; both are safe loaders. A module of its own, light to
import, so reading a word list never pulls in the database layer."""

from __future__ import annotations

from typing import Any

import yaml

_FAST_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str) -> Any:
    """Plain YAML, read safely."""
    return yaml.load(text, Loader=_FAST_SAFE)  # noqa: S506 - a safe loader
