"""Reading our YAML data files (lexicons, vocabulary, term lists) safely and fast: libyaml's C
parser when the installed PyYAML has it (about ten times faster: the lexicons are read on
every start), else the pure-Python one; both are safe loaders. A module of its own, light to
import, so reading a word list never pulls in the database layer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_FAST_SAFE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_text(text: str) -> Any:
    """Plain YAML, read safely."""
    return yaml.load(text, Loader=_FAST_SAFE)  # noqa: S506 - a safe loader


def read_lexicon(name: str, folder: Path | None = None) -> tuple[Path, Any]:
    """A file of the lexicon folder (`folder`, default: the configured one), parsed: (its path,
    its data). A missing or unreadable file is a ValueError naming it."""
    if folder is None:
        from synovia.config import get_settings

        folder = get_settings().lexicon_dir
    path = folder / name
    try:
        return path, load_text(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ValueError(f"{path}: cannot read: {exc}") from None
