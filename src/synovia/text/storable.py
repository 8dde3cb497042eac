"""Whether text from outside can be stored: PostgreSQL refuses NUL bytes, and UTF-8 cannot
encode a lone surrogate (a JSON `\\ud800` escape makes one). The web guard and the literature
importers both ask here."""

from __future__ import annotations


def unstorable(text: str) -> str | None:
    """What in `text` no database column can hold, in words, or None when it is fine."""
    if "\x00" in text:
        return "a NUL byte"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            return "a lone surrogate (\\ud800-\\udfff), not text"
    return None
