"""What every command shares: the application object and clean failure messages."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit: never a traceback for a user's mistake."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


def platform():
    """The application object (imported here, not at start: `synovia --help` stays quick)."""
    from synovia.platform import Synovia

    return Synovia()


def db_errors() -> type[Exception]:
    """The database's error class, imported only when an exception is being matched (an
    `except` clause evaluates it then), so importing a command costs no SQLAlchemy."""
    from sqlalchemy.exc import SQLAlchemyError

    return SQLAlchemyError


def database_error(exc: Exception) -> NoReturn:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        fail("the database has not been set up: run `synovia db upgrade` (then "
             "`synovia evidence load`)")
    fail(f"database problem: {text}")


def data_errors() -> tuple[type[Exception], ...]:
    """The errors of a broken data folder (vocabulary, lexicons, evidence YAML, directory
    terms), imported only when an exception is being matched."""
    from synovia.directory.terms import DirectoryDataError
    from synovia.evidence.yamlfile import YamlError
    from synovia.vocab import LexiconError, VocabularyError

    return VocabularyError, LexiconError, YamlError, DirectoryDataError


def settings_error() -> type[Exception]:
    """A `SYNOVIA_*` variable with an unusable value (see `synovia.config`)."""
    from synovia.config import SettingsError

    return SettingsError


def catch_up_index(syn) -> None:
    """Rebuild the search index when an interrupted load left it behind (said on stderr)."""
    from synovia.search import ensure_index

    if syn.store.index_pending():
        err_console.print("rebuilding the search index an interrupted evidence load left "
                          "behind (once)…")
        ensure_index(syn.store, syn.vocab)
