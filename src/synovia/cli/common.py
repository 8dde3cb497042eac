"""What every command shares: the application object and clean failure messages."""

from __future__ import annotations

import sys
from typing import NoReturn

from rich.console import Console

from synovia.platform import Synovia

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and a non-zero exit: never a traceback for a user's mistake."""
    sys.stderr.write(f"error: {message}\n")
    raise SystemExit(code)


def platform() -> Synovia:
    return Synovia()


def database_error(exc: Exception) -> NoReturn:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "no such table" in text or ("relation" in text and "does not exist" in text):
        fail("the database has not been set up: run `synovia db upgrade` (then "
             "`synovia evidence load`)")
    fail(f"database problem: {text}")
