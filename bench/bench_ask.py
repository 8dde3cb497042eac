"""Answer latency (p50, p95) in-process and through the CLI, on the shipped evidence and on
100,000 generated findings; and retrieval recall@10 of the fused search against plain BM25
(rank-bm25) on our labelled questions, measured in the same run."""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time

import numpy as np
import yaml

from bench.common import ROOT, percentiles, timed
from synovia.ask import Asker
from synovia.evidence import EvidenceBase, Finding, KnownTerms, Source, Store, read_evidence
from synovia.search import Retriever, reindex
from synovia.search.embed import DIM
from synovia.vocab import Vocabulary, load_lexicon

QUESTIONS = yaml.safe_load((ROOT / "tests" / "data" / "ask_questions.yaml").read_text())
DEV_SET = yaml.safe_load((ROOT / "eval" / "ask" / "questions.yaml").read_text())


def _setup(url: str, base: EvidenceBase, vocab: Vocabulary, vectors: bool = True) -> Store:
    store = Store(url)
    store.upgrade()
    store.load(base)
    reindex(store, vocab, with_vectors=vectors)
    return store


def latency(asker: Asker, rounds: int = 3, questions: list | None = None) -> dict:
    """Warm latency: every question asked `rounds` more times after a first round that warms
    caches and the model (the first round is reported as `cold`: each question's embedding is
    computed then, as for a question never seen)."""
    questions = questions or QUESTIONS
    samples, cold = [], []
    asker.ask("warm the model up", "patient", save=False)
    for r in range(rounds + 1):
        for i, item in enumerate(questions):
            t = time.perf_counter()
            asker.ask(item["q"], item.get("audience", "patient"), f"bench-{r}-{i}", save=False)
            (samples if r else cold).append((time.perf_counter() - t) * 1000)
    out = percentiles(samples)
    out["cold"] = percentiles(cold)
    return out


def cli_latency(url: str, n: int = 8) -> dict:
    samples = []
    env = {**os.environ, "SYNOVIA_DATABASE_URL": url}
    for item in QUESTIONS[:n]:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "synovia", "ask", item["q"], "--format", "json"],
                       env=env, capture_output=True, check=True)
        samples.append((time.perf_counter() - t) * 1000)
    return percentiles(samples)


def generated(n: int, seed: int = 7) -> EvidenceBase:
    rng = random.Random(seed)
    treatments = ["corticosteroid", "hyaluronic-acid", "prp", "bmac", "msc", "exosomes", "paag"]
    joints = ["knee", "hip", "shoulder", "hand"]
    outcomes = ["pain", "function", "structure", "safety"]
    words = ["improved", "did not change", "reduced", "worsened", "was similar for"]
    base = EvidenceBase()
    for i in range(n // 5):
        t = treatments[i % 7]
        src = Source(id=f"gen-src-{i}", kind=rng.choice(["rct", "cohort", "systematic-review"]),
                     title=f"Generated study {i} of {t}", year=2000 + i % 25,
                     doi=f"10.9999/gen.{i}", n_participants=rng.randint(20, 800),
                     population={"joints": [joints[i % 4]]}, verification="verified")
        base.sources[src.id] = src
        for k in range(5):
            o = rng.choice(outcomes)
            f = Finding(id=f"gen-f-{i}-{k}", source=src.id, treatments=[t],
                        joints=[joints[(i + k) % 4]], outcome=o,
                        direction=rng.choice(["benefit", "no-difference", "uncertain"]),
                        plain=f"In study {i}, {t} {rng.choice(words)} {o} in the "
                              f"{joints[(i + k) % 4]}.",
                        clinician=f"Generated trial {i}: {t} {o} effect {rng.random():.2f}.",
                        verification="verified")
            base.findings[f.id] = f
    return base


def synthetic_vectors(store: Store) -> None:
    """Unit vectors for generated documents (embedding 100k texts on 2 cores would take
    ~15 min); the query is still embedded by the real model, so search cost is real."""
    from sqlalchemy import bindparam, update

    from synovia.evidence.tables import SearchDoc

    table = SearchDoc.__table__
    stmt = update(table).where(table.c.doc_id == bindparam("b_id")).values(
        vector=bindparam("b_vec"))
    rng = np.random.default_rng(1)
    with store.session() as s:
        ids = [r[0] for r in s.execute(SearchDoc.__table__.select().with_only_columns(
            SearchDoc.doc_id))]
        for i in range(0, len(ids), 2000):
            vecs = rng.standard_normal((len(ids[i:i + 2000]), DIM)).astype(np.float32)
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            s.execute(stmt, [{"b_id": d, "b_vec": v.tobytes()}
                             for d, v in zip(ids[i:i + 2000], vecs, strict=True)])


def recall_at_10(store: Store, base: EvidenceBase, vocab: Vocabulary) -> dict:
    from rank_bm25 import BM25Okapi

    from synovia.search.index import document_text

    labelled = [q for q in QUESTIONS if q.get("relevant")]
    docs = [(f"findings:{fid}", document_text(f, base, vocab)) for fid, f in base.findings.items()]
    bm25 = BM25Okapi([t.lower().split() for _, t in docs])
    retriever = Retriever(store)
    fused_hits = bm25_hits = 0
    total = 0
    for q in labelled:
        relevant = {f"findings:{r}" for r in q["relevant"]}
        fused = [h.doc_id for h in retriever.search(q["q"], limit=10,
                                                    allowed={d for d, _ in docs})]
        scores = bm25.get_scores(q["q"].lower().split())
        top = [docs[i][0] for i in np.argsort(-scores)[:10]]
        fused_hits += len(relevant & set(fused))
        bm25_hits += len(relevant & set(top))
        total += len(relevant)
    return {"questions": len(labelled), "fused": fused_hits / max(total, 1),
            "bm25": bm25_hits / max(total, 1)}


def main(n: int) -> dict:
    vocab = Vocabulary.from_file(ROOT / "data" / "vocab.yaml")
    lexicon = load_lexicon(ROOT / "data" / "lexicon")
    shipped, problems = read_evidence(ROOT / "data" / "evidence",
                                      KnownTerms(vocab.treatment_ids, vocab.joint_ids))
    assert not problems
    out: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/ask.sqlite"
        store = _setup(url, shipped, vocab)
        asker = Asker(store, vocab, lexicon, Retriever(store))
        out["in_process_ms"] = latency(asker, questions=DEV_SET)
        keyword_only = Asker(store, vocab, lexicon, Retriever(store, use_vectors=False))
        out["keyword_only_ms"] = latency(keyword_only, questions=DEV_SET)
        out["cli_ms"] = cli_latency(url)
        out["recall@10"] = recall_at_10(store, shipped, vocab)
        store.dispose()
        url2 = f"sqlite:///{tmp}/big.sqlite"
        big = generated(n)
        merged = EvidenceBase(sources={**shipped.sources, **big.sources},
                              findings={**shipped.findings, **big.findings},
                              recommendations=shipped.recommendations,
                              regulatory=shipped.regulatory, pathway=shipped.pathway)
        t_setup, store2 = timed(lambda: _setup(url2, merged, vocab, vectors=False))
        synthetic_vectors(store2)
        asker2 = Asker(store2, vocab, lexicon, Retriever(store2))
        out["generated_in_process_ms"] = latency(asker2, rounds=1)
        out["generated_setup_s"] = t_setup
        store2.dispose()
    ip, cli, big = out["in_process_ms"], out["cli_ms"], out["generated_in_process_ms"]
    kw = out["keyword_only_ms"]
    rc = out["recall@10"]
    print(f"ask, shipped evidence, {len(DEV_SET)} development questions: in-process p50 "
          f"{ip['p50']:.1f} ms, p95 {ip['p95']:.1f} ms (first time each question is seen: p50 "
          f"{ip['cold']['p50']:.1f}, p95 {ip['cold']['p95']:.1f} ms) | baseline, keyword-only "
          f"retrieval: p95 {kw['p95']:.1f} ms (ratio {ip['p95'] / kw['p95']:.2f}) | CLI p50 "
          f"{cli['p50']:.0f} ms, p95 {cli['p95']:.0f} ms (CLI/in-process p50 ratio "
          f"{cli['p50'] / ip['p50']:.0f}x)")
    print(f"ask, shipped + {n:,} generated findings: in-process p50 {big['p50']:.1f} ms, "
          f"p95 {big['p95']:.1f} ms (ratio to shipped p95 {big['p95'] / ip['p95']:.1f}x)")
    print(f"retrieval recall@10 on {rc['questions']} labelled questions: fused {rc['fused']:.2f} "
          f"vs BM25 {rc['bm25']:.2f} (ratio {rc['fused'] / max(rc['bm25'], 1e-9):.2f})")
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=100_000)
    main(parser.parse_args().n)
