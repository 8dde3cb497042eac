"""Settings from `SYNOVIA_*` environment variables, with safe defaults for one machine."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir

#: The repository's `data/` folder; an installed copy may point elsewhere with SYNOVIA_DATA_DIR.
REPO_DATA = Path(__file__).resolve().parents[2] / "data"


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path

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


def get_settings() -> Settings:
    url = os.environ.get("SYNOVIA_DATABASE_URL") or default_database_url()
    data = Path(os.environ.get("SYNOVIA_DATA_DIR") or REPO_DATA)
    return Settings(database_url=normalise_database_url(url), data_dir=data)
