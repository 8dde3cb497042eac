"""Shared pieces for the benchmarks: throwaway databases on both engines and timing."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text

from synovia.config import normalise_database_url

ROOT = Path(__file__).resolve().parents[1]
PG_ADMIN = normalise_database_url(
    os.environ.get("SYNOVIA_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))


def pg_available() -> bool:
    try:
        engine = create_engine(PG_ADMIN, connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001
        return False


@contextmanager
def database(engine: str) -> Iterator[str]:
    """A fresh, empty database URL on `engine` ('sqlite' or 'postgresql'), removed after."""
    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/bench.sqlite"
        return
    name = f"synovia_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def engines() -> list[str]:
    return ["sqlite"] + (["postgresql"] if pg_available() else [])


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t = time.perf_counter()
    result = fn()
    return time.perf_counter() - t, result


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"p50": statistics.median(ordered), "p95": p95, "max": ordered[-1]}
