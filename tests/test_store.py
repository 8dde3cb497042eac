"""The store on SQLite and PostgreSQL: migrations, idempotent loads, rollback, concurrency."""

from __future__ import annotations

import subprocess
import sys

import pytest

from synovia.evidence import KnownTerms, Store, read_evidence
from tests.conftest import DATA, run_cli


def _read(folder):
    base, problems = read_evidence(folder, KnownTerms())
    assert problems == []
    return base


def test_migrations_up_down_up(db_url):
    store = Store(db_url)
    store.upgrade()
    assert {"sources", "findings", "search_docs"} <= store.table_names()
    store.downgrade("base")
    assert "sources" not in store.table_names()
    store.upgrade()
    assert store.current_revision() is not None
    assert "findings" in store.table_names()
    store.dispose()


def test_migrations_and_table_definitions_agree(db_url):
    """After upgrade → downgrade → upgrade, autogenerate proposes no change: every table,
    column, index and type the code declares is what the migrations made (the engine-specific
    keyword indexes aside, which only migrations make)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine

    from synovia.evidence.tables import Base, include_in_comparison

    store = Store(db_url)
    store.upgrade()
    store.downgrade("base")
    store.upgrade()
    store.dispose()
    engine = create_engine(db_url)
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "include_object": include_in_comparison, "compare_type": True})
        changes = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert changes == []
    assert {"users", "articles", "conversations", "directory_listings", "literature_records",
            "source_reviews"} <= set(Base.metadata.tables)


def test_load_is_idempotent(store, mini_evidence):
    base = _read(mini_evidence)
    first = store.load(base)
    assert first.added == {"sources": 2, "findings": 1, "recommendations": 1,
                           "regulatory": 1, "pathway": 1}
    second = store.load(base)
    assert second.total_changes == 0
    assert store.counts() == {"sources": 2, "findings": 1, "recommendations": 1,
                              "regulatory": 1, "pathway": 1}


def test_load_reports_changes_and_removals(store, mini_evidence):
    store.load(_read(mini_evidence))
    path = mini_evidence / "mini.yaml"
    text = path.read_text().replace("advises against PRP", "advises strongly against PRP")
    text = text.split("pathway:")[0]
    path.write_text(text)
    summary = store.load(_read(mini_evidence))
    assert summary.changed["recommendations"] == 1
    assert summary.removed["pathway"] == 1
    assert store.get("test-pathway-core") is None
    kinds = {(c.record_id, c.change) for c in store.changes_since(0)}
    assert ("test-guideline-prp-knee", "changed") in kinds
    assert ("test-pathway-core", "removed") in kinds


def test_failed_load_writes_nothing(store, mini_evidence):
    base = _read(mini_evidence)
    calls = []

    def crash(n: int) -> None:
        calls.append(n)
        if len(calls) == 2:  # after sources were written, before the rest
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        store.load(base, progress=crash)
    assert store.counts() == {k: 0 for k in store.counts()}


def test_filters_by_treatment_joint_and_kind(store, mini_evidence):
    store.load(_read(mini_evidence))
    ids = [s.id for s in store.list_records("sources", treatment="prp")]
    assert ids == ["test-guideline", "test-trial"]
    assert [s.id for s in store.list_records("sources", joint="hip")] == []
    assert [s.id for s in store.list_records("sources", source_kind="rct")] == ["test-trial"]
    assert [f.id for f in store.list_records("findings", treatment="prp", joint="knee")] == [
        "test-trial-pain"]


def test_two_loads_at_once_leave_one_copy(db_url, mini_evidence):
    Store(db_url).upgrade()
    env = {"SYNOVIA_DATABASE_URL": db_url}
    cmd = [sys.executable, "-m", "synovia", "evidence", "load", "--no-index",
           "--dir", str(mini_evidence)]
    import os

    procs = [subprocess.Popen(cmd, env={**os.environ, **env}, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    store = Store(db_url)
    assert store.counts() == {"sources": 2, "findings": 1, "recommendations": 1,
                              "regulatory": 1, "pathway": 1}
    added = [c for c in store.changes_since(0) if c.change == "added"]
    assert len(added) == 6  # one load added everything; the other found nothing to do
    store.dispose()


def test_cli_load_list_show(db_url, mini_evidence):
    env = {"SYNOVIA_DATABASE_URL": db_url}
    bad = mini_evidence / "bad.yaml"
    bad.write_text("findings:\n  - id: x\n")
    result = run_cli("evidence", "load", "--dir", str(mini_evidence), env=env)
    assert result.returncode == 1
    assert "nothing was loaded" in result.stderr
    bad.unlink()
    result = run_cli("evidence", "load", "--dir", str(mini_evidence), env=env)
    assert result.returncode == 0, result.stderr
    result = run_cli("evidence", "list", "--treatment", "prp", "--format", "json", env=env)
    import json

    data = json.loads(result.stdout)
    assert {s["id"] for s in data["sources"]} == {"test-guideline", "test-trial"}
    src = next(s for s in data["sources"] if s["id"] == "test-trial")
    assert {"id", "kind", "title", "year", "doi", "url", "verification"} <= set(src)
    assert src["doi"] == "10.1000/test.2021.1"
    assert [f["id"] for f in data["findings"]] == ["test-trial-pain"]
    shown = run_cli("evidence", "show", "test-trial-pain", "--format", "json", env=env)
    assert json.loads(shown.stdout)["source"] == "test-trial"
    missing = run_cli("evidence", "show", "nope", env=env)
    assert missing.returncode == 1 and "no record" in missing.stderr
    unknown = run_cli("evidence", "list", "--treatment", "snake-oil", env=env)
    assert unknown.returncode == 1 and "unknown treatment" in unknown.stderr


@pytest.mark.skipif(not (DATA / "evidence").exists(), reason="no shipped evidence")
def test_shipped_evidence_loads(store, vocab):
    base, problems = read_evidence(DATA / "evidence",
                                   KnownTerms(vocab.treatment_ids, vocab.joint_ids))
    assert problems == []
    summary = store.load(base)
    assert sum(summary.added.values()) == sum(base.counts().values())
    assert store.load(base).total_changes == 0


def test_contract_copies_match_shared():
    """tests/contracts is the copy the contract tests read; it must equal ../shared/contracts
    wherever that is beside the checkout (there, a change to a contract shows up here)."""
    from tests.conftest import CONTRACTS, SHARED

    shared = SHARED / "contracts"
    if not shared.exists():
        pytest.skip("../shared/contracts is not beside this checkout; the copy is used as is")
    names = sorted(p.name for p in shared.glob("*.json"))
    assert names == sorted(p.name for p in CONTRACTS.glob("*.json"))
    for name in names:
        assert (shared / name).read_text() == (CONTRACTS / name).read_text(), name


def test_a_load_killed_after_it_committed_is_caught_up_on_the_next_start(tmp_path):
    """kill -9 during `evidence load` once its records are committed (while the index is
    being built): the durable note survives, and the next start rebuilds the index, so answers
    retrieve again. (A kill before the commit writes nothing: test_failed_load_writes_nothing.)"""
    import json
    import os
    import signal
    import time

    from tests.conftest import ROOT

    url = f"sqlite:///{tmp_path / 'killed.sqlite'}"
    env = {**os.environ, "SYNOVIA_DATABASE_URL": url}
    proc = subprocess.Popen([sys.executable, "-m", "synovia", "evidence", "load"], env=env,
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = Store(url)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                if store.pending_load() is not None:
                    break  # committed, index not yet rebuilt
            except Exception:  # noqa: BLE001 - tables not created yet
                pass
            time.sleep(0.1)
        assert proc.poll() is None, "the load finished before it could be interrupted"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert store.index_pending()
    answer = run_cli("ask", "Does PRP help knee arthritis?", "--format", "json",
                     env={"SYNOVIA_DATABASE_URL": url}, timeout=300)
    assert answer.returncode == 0, answer.stderr
    assert "rebuilding the search index" in answer.stderr
    assert json.loads(answer.stdout)["references"]
    assert not store.index_pending()
    store.dispose()
