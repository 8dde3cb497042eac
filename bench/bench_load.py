"""Evidence loading: the shipped evidence, and 100,000 generated sources, on SQLite and
PostgreSQL. Baseline measured in the same run: a bare executemany INSERT of the same rows
(no validation, no hashing, no upsert), so the ratio shows what our safety costs."""

from __future__ import annotations

import argparse
import json

from sqlalchemy import create_engine, text

from bench.common import ROOT, database, engines, timed
from synovia.evidence import EvidenceBase, KnownTerms, Source, Store, read_evidence
from synovia.vocab import Vocabulary


def generated_sources(n: int) -> EvidenceBase:
    treatments = ["corticosteroid", "hyaluronic-acid", "prp", "bmac", "msc", "exosomes", "paag"]
    joints = ["knee", "hip", "shoulder", "hand", "ankle"]
    kinds = ["rct", "cohort", "systematic-review", "case-series", "preclinical"]
    base = EvidenceBase()
    for i in range(n):
        src = Source(
            id=f"gen-{i:07d}", kind=kinds[i % len(kinds)],
            title=f"Generated study {i} of {treatments[i % 7]} in {joints[i % 5]} osteoarthritis",
            year=1990 + i % 35, author=f"Author {i % 997}", doi=f"10.9999/gen.{i}",
            population={"joints": [joints[i % 5]], "species": "human"},
            n_participants=20 + i % 500, treatments=[treatments[i % 7]],
            verification="unverified", origin="curated")
        base.sources[src.id] = src
    return base


def raw_insert(url: str, base: EvidenceBase) -> None:
    engine = create_engine(url)
    rows = [{"id": s.id, "kind": s.kind, "title": s.title, "year": s.year, "doi": s.doi,
             "verification": s.verification, "data": json.dumps(s.model_dump(mode="json")),
             "content_hash": "x"} for s in base.sources.values()]
    with engine.begin() as conn:
        conn.execute(text(
            "INSERT INTO sources (id, kind, title, year, doi, verification, data, content_hash, "
            "origin, review_status) VALUES (:id, :kind, :title, :year, :doi, :verification, "
            ":data, :content_hash, 'curated', 'accepted')"), rows)
    engine.dispose()


def main(n: int) -> dict:
    vocab = Vocabulary.from_file(ROOT / "data" / "vocab.yaml")
    results: dict = {}
    t_read, (shipped, problems) = timed(lambda: read_evidence(
        ROOT / "data" / "evidence", KnownTerms(vocab.treatment_ids, vocab.joint_ids)))
    assert not problems, problems[:3]
    records = sum(shipped.counts().values())
    print(f"shipped evidence: {records} records; read+validate {t_read * 1000:.0f} ms")
    generated = generated_sources(n)
    for engine in engines():
        with database(engine) as url:
            store = Store(url)
            store.upgrade()
            t_load, _ = timed(lambda store=store: store.load(shipped))
            t_again, summary = timed(lambda store=store: store.load(shipped))
            assert summary.total_changes == 0
            store.dispose()
        with database(engine) as url:
            store = Store(url)
            store.upgrade()
            t_gen, _ = timed(lambda store=store: store.load(generated))
            store.dispose()
        with database(engine) as url:
            Store(url).upgrade()
            t_raw, _ = timed(lambda: raw_insert(url, generated))
        rate, raw_rate = n / t_gen, n / t_raw
        results[engine] = {"shipped_load_s": t_load, "shipped_reload_noop_s": t_again,
                           "generated_n": n, "generated_load_s": t_gen,
                           "rate_per_s": rate, "raw_insert_rate_per_s": raw_rate,
                           "ratio_vs_raw": rate / raw_rate}
        print(f"[{engine}] shipped: load {t_load * 1000:.0f} ms, no-op reload "
              f"{t_again * 1000:.0f} ms | {n:,} generated sources: {t_gen:.1f} s "
              f"({rate:,.0f}/s); bare INSERT baseline {raw_rate:,.0f}/s; "
              f"ratio {rate / raw_rate:.2f}")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000)
    main(parser.parse_args().n)
