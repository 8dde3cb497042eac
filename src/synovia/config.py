"""Settings from `SYNOVIA_*` environment variables, with safe defaults for one machine.

Every variable is declared once, in `VARIABLES` (name, meaning, default as people read it),
read once into the typed `Settings`, and checked when read: a bad value is a clear
`SettingsError`, not a failure later. Nothing else in the package reads `SYNOVIA_*` from the
environment (tests/test_architecture.py checks it), and the README's table is checked against
this list."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from platformdirs import user_data_dir

#: The repository's `data/` folder; an installed copy may point elsewhere with SYNOVIA_DATA_DIR.
REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True)
class Variable:
    name: str
    meaning: str
    default: str  # as the README shows it


VARIABLES = (
    Variable("SYNOVIA_DATABASE_URL", "`sqlite:///file` or `postgresql://user@host/db`",
             "a SQLite file in the user data directory"),
    Variable("SYNOVIA_DATA_DIR",
             "folder with `evidence/`, `vocab.yaml`, `lexicon/`, `directory/`",
             "the repository's `data/`"),
    Variable("SYNOVIA_RATE_LIMITS", "e.g. `ask=30/60,check=10/60,login=60/300,"
             "login-failed=20/300,enquiry=5/3600` (requests/seconds per address)",
             "as shown"),
    Variable("SYNOVIA_REDIS_URL", "`redis://host:6379/0`: rate limits shared by every worker "
             "and machine", "unset (limits kept per process)"),
    Variable("SYNOVIA_TRUST_PROXY",
             "set when behind an HTTPS proxy (Secure cookies, client IPs)", "unset"),
    Variable("SYNOVIA_SMTP_HOST",
             "send directory enquiries by email; none is sent when unset", "unset"),
    Variable("SYNOVIA_SMTP_PORT", "the mail server's port", "587"),
    Variable("SYNOVIA_SMTP_USER", "mail server sign-in (with `SYNOVIA_SMTP_PASSWORD`)", "unset"),
    Variable("SYNOVIA_SMTP_PASSWORD", "mail server password", "unset"),
    Variable("SYNOVIA_SMTP_STARTTLS", "`0` to send without STARTTLS", "`1`"),
    Variable("SYNOVIA_SMTP_FROM", "the sender address of enquiry emails", "`synovia@localhost`"),
    Variable("SYNOVIA_ENQUIRY_TO", "where enquiries to fictional or email-less listings go",
             "unset"),
    Variable("SYNOVIA_VECTOR_DIR", "where the literature vector index file lives",
             "beside the SQLite file"),
    Variable("SYNOVIA_EMBED_THREADS", "threads for the embedding model",
             "2 (1 on a one-core machine)"),
    Variable("SYNOVIA_CACHE_DIR", "where the syllable table for reading grades is cached",
             "the user cache directory"),
)
_RATE = re.compile(r"^\s*([\w-]+)\s*=\s*(\d+)\s*/\s*(\d+)\s*$")


class SettingsError(ValueError):
    """A `SYNOVIA_*` variable holds a value that cannot be used."""


@dataclass(frozen=True)
class Smtp:
    host: str | None = None
    port: int = 587
    user: str | None = None
    password: str = ""
    starttls: bool = True
    sender: str = "synovia@localhost"
    enquiry_to: str | None = None


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    rate_limits: dict[str, tuple[int, int]] = field(default_factory=dict)  # name: (N, seconds)
    redis_url: str | None = None
    trust_proxy: bool = False
    smtp: Smtp = field(default_factory=Smtp)
    vector_dir: Path | None = None
    embed_threads: int | None = None  # None: 2, or 1 on a one-core machine
    cache_dir: Path | None = None

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"

    @property
    def vocab_file(self) -> Path:
        return self.data_dir / "vocab.yaml"

    @property
    def lexicon_dir(self) -> Path:
        return self.data_dir / "lexicon"


def default_database_url() -> str:
    """A SQLite file under the user's data directory (created on first use)."""
    folder = Path(user_data_dir("synovia", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'synovia.sqlite'}"


def normalise_database_url(url: str) -> str:
    """Let people write `postgresql://…`; SQLAlchemy needs the psycopg 3 driver named."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _int(env: Mapping[str, str], name: str, low: int, high: int) -> int | None:
    raw = (env.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {raw!r}")
    return int(raw)


def settings_from(env: Mapping[str, str]) -> Settings:
    """Read and check every declared variable from `env`."""
    rates: dict[str, tuple[int, int]] = {}
    for part in filter(str.strip, (env.get("SYNOVIA_RATE_LIMITS") or "").split(",")):
        m = _RATE.match(part)
        if not m:
            raise SettingsError("SYNOVIA_RATE_LIMITS must look like 'ask=30/60,login=60/300' "
                                f"(name=requests/seconds), not {part[:80]!r}")
        rates[m.group(1)] = (int(m.group(2)), int(m.group(3)))
    smtp = Smtp(host=env.get("SYNOVIA_SMTP_HOST") or None,
                port=_int(env, "SYNOVIA_SMTP_PORT", 1, 65535) or 587,
                user=env.get("SYNOVIA_SMTP_USER") or None,
                password=env.get("SYNOVIA_SMTP_PASSWORD", ""),
                starttls=env.get("SYNOVIA_SMTP_STARTTLS", "1").lower() not in ("0", "no",
                                                                                "false"),
                sender=env.get("SYNOVIA_SMTP_FROM") or "synovia@localhost",
                enquiry_to=env.get("SYNOVIA_ENQUIRY_TO") or None)
    url = env.get("SYNOVIA_DATABASE_URL") or default_database_url()
    return Settings(
        database_url=normalise_database_url(url),
        data_dir=Path(env.get("SYNOVIA_DATA_DIR") or REPO_DATA),
        rate_limits=rates, redis_url=env.get("SYNOVIA_REDIS_URL") or None,
        trust_proxy=bool(env.get("SYNOVIA_TRUST_PROXY")), smtp=smtp,
        vector_dir=Path(env["SYNOVIA_VECTOR_DIR"]) if env.get("SYNOVIA_VECTOR_DIR") else None,
        embed_threads=_int(env, "SYNOVIA_EMBED_THREADS", 1, 256),
        cache_dir=Path(env["SYNOVIA_CACHE_DIR"]) if env.get("SYNOVIA_CACHE_DIR") else None)


def get_settings() -> Settings:
    """The settings of this process's environment."""
    return settings_from(os.environ)
