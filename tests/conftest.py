"""Shared fixtures: throwaway databases on both engines, and the shipped data folders."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared"
PG_ADMIN = os.environ.get("SYNOVIA_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin_url() -> str:
    from synovia.config import normalise_database_url

    return normalise_database_url(PG_ADMIN)


def pg_available() -> bool:
    try:
        engine = create_engine(_pg_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return True
    except Exception:  # noqa: BLE001 - any failure means "not here"
        return False


_PG = pg_available()
if os.environ.get("SYNOVIA_REQUIRE_PG") and not _PG:
    raise RuntimeError(f"SYNOVIA_REQUIRE_PG is set but PostgreSQL at {PG_ADMIN} is unreachable")


def make_pg_database() -> tuple[str, callable]:
    """A fresh database on the PostgreSQL server, and a function that drops it."""
    name = f"synovia_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = _pg_admin_url().rsplit("/", 1)[0] + f"/{name}"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url, drop


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> Iterator[str]:
    """A database URL on each engine (PostgreSQL tests skip only when no server is reachable
    and `make test` did not ask for one)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    if not _PG:
        unavailable("no PostgreSQL server reachable (make test provides one)")
    url, drop = make_pg_database()
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def store(db_url):
    from synovia.evidence import Store

    s = Store(db_url)
    s.upgrade()
    yield s
    s.dispose()


@pytest.fixture(scope="session")
def vocab():
    from synovia.vocab import Vocabulary

    return Vocabulary.from_file(DATA / "vocab.yaml")


@pytest.fixture
def mini_evidence(tmp_path) -> Path:
    """A copy of the small fixture evidence folder, free to break."""
    folder = tmp_path / "evidence"
    shutil.copytree(FIXTURES / "evidence", folder)
    return folder


def run_cli(*args: str, env: dict | None = None, input: str | None = None,
            timeout: int = 120) -> subprocess.CompletedProcess:
    """Run `synovia` as a subprocess, the way a person would."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "synovia", *args], capture_output=True, text=True,
        env=full_env, input=input, timeout=timeout,
    )


@pytest.fixture(scope="session")
def loaded_db(tmp_path_factory) -> str:
    """A SQLite database with the shipped evidence loaded and indexed (built once)."""
    from synovia.evidence import KnownTerms, Store, read_evidence
    from synovia.search import reindex
    from synovia.vocab import Vocabulary

    vocab = Vocabulary.from_file(DATA / "vocab.yaml")
    base, problems = read_evidence(DATA / "evidence", KnownTerms(vocab.treatment_ids,
                                                                 vocab.joint_ids))
    assert problems == [], problems[:5]
    url = f"sqlite:///{tmp_path_factory.mktemp('loaded') / 'synovia.sqlite'}"
    store = Store(url)
    store.upgrade()
    store.load(base)
    reindex(store, vocab)
    store.dispose()
    return url


@pytest.fixture(scope="session")
def asker(loaded_db):
    from synovia.ask import Asker
    from synovia.evidence import Store
    from synovia.search import Retriever
    from synovia.vocab import Vocabulary
    from synovia.vocab.lexicon import load_lexicon

    store = Store(loaded_db)
    return Asker(store, Vocabulary.from_file(DATA / "vocab.yaml"), load_lexicon(DATA / "lexicon"),
                 Retriever(store))


CONTRACTS = ROOT / "tests" / "contracts"


def contract(name: str) -> dict:
    """A JSON schema every interface must meet. A copy lives in tests/contracts so the contract
    tests always run (never skip); `test_contract_copies_match_shared` keeps the copy equal to
    ../shared/contracts wherever that is beside the checkout."""
    import json

    return json.loads((CONTRACTS / name).read_text())


def unavailable(reason: str) -> None:
    """Skip a test whose outside service is missing, but fail under `make test`
    (SYNOVIA_TEST_STRICT=1), which always provides it: in CI nothing skips silently."""
    if os.environ.get("SYNOVIA_TEST_STRICT"):
        pytest.fail(f"{reason}, and SYNOVIA_TEST_STRICT is set (make test provides it)")
    pytest.skip(reason)


def copy_sqlite(url: str, folder: Path) -> str:
    """A private copy of a SQLite database (tests that write must not share one)."""
    src = Path(url.removeprefix("sqlite:///"))
    dst = folder / "copy.sqlite"
    import sqlite3

    with sqlite3.connect(src) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.copy(src, dst)
    return f"sqlite:///{dst}"


def make_platform(url: str):
    """The application object on `url`, with the rest of the settings from the environment
    (as a deployment reads them)."""
    from synovia.config import settings_from
    from synovia.platform import Synovia

    return Synovia(settings_from({**os.environ, "SYNOVIA_DATABASE_URL": url,
                                  "SYNOVIA_DATA_DIR": str(DATA)}))


@pytest.fixture
def web_db(loaded_db, tmp_path) -> str:
    url = copy_sqlite(loaded_db, tmp_path)
    from synovia.evidence import Store

    Store(url).upgrade()
    return url


@pytest.fixture
def client(web_db):
    from fastapi.testclient import TestClient

    from synovia.web.app import create_app

    with TestClient(create_app(make_platform(web_db))) as c:
        c.get("/")  # receive the CSRF cookie
        yield c


def csrf_of(client) -> str:
    return client.cookies.get("synovia_csrf")


def make_user(url: str, role: str, email: str | None = None, password: str = "correct-horse-9"):
    from synovia.evidence import Store
    from synovia.publish import create_user

    email = email or f"{role}@example.org"
    return create_user(Store(url), email, role.capitalize(), role, password)


def login(client, email: str, password: str = "correct-horse-9"):
    r = client.post("/login", data={"email": email, "password": password,
                                    "csrf_token": csrf_of(client), "next": "/dashboard"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    return r


def edit_record_citing(folder: Path, source_id: str) -> str:
    """Change the plain sentence of the first record that cites `source_id`; returns its file."""
    for path in sorted(folder.glob("*.yaml")):
        lines = path.read_text().splitlines(keepends=True)
        for i, line in enumerate(lines):
            if line.strip() == f"source: {source_id}":
                for j in range(i + 1, min(i + 40, len(lines))):
                    if lines[j].lstrip().startswith("plain:"):
                        lines[j] = lines[j].replace("plain: ", "plain: (edited) ", 1)
                        path.write_text("".join(lines))
                        return path.name
    raise AssertionError(f"no record cites {source_id}")


# -- the browser tests' shared parts ------------------------------------------------------------
CHROMIUM = Path("/usr/bin/chromium")


@contextlib.contextmanager
def serve_app(url: str) -> Iterator[str]:
    """The web app on `url`'s database, served by uvicorn in a thread on a free port."""
    import socket
    import threading
    import time

    import uvicorn

    from synovia.web.app import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(create_app(make_platform(url)), host="127.0.0.1",
                                        port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(200):
        if srv.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        srv.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (it cannot download browsers here)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_default_timeout(60000)
    yield pg
    context.close()


def axe_violations(page, script: str) -> list[str]:
    """Serious or critical axe-core violations on the page now shown (the context must bypass
    our CSP so the test can inject axe; the pages themselves are unchanged)."""
    page.add_script_tag(content=script)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]
