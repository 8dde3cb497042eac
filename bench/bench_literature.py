"""Literature at scale: import throughput and reviewer search latency (keyword, vector, fused)
at 10k, 100k and 1M synthetic abstracts on SQLite and PostgreSQL, with peak memory.

The abstracts come from `synovia.literature.synthetic` (benchmark data only). They are written
as a PubMed MEDLINE (.nbib) file and imported through the real path (parse, classify, tag,
bulk write, keyword index). Their vectors are SYNTHETIC: a mix of real MiniLM embeddings of
each record's topics plus noise, because embedding 1M abstracts at ~115/s would take 2.4 hours;
queries are embedded with the real model. Baselines measured in the same run: plain keyword
search (vs fused) and numpy brute-force cosine over the same vectors (vs the HNSW index, with
its recall@10). Each (engine, size) runs in its own process so peak RSS is per step.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from bench.common import ROOT, database, engines, percentiles

SIZES = [10_000, 100_000, 1_000_000]
QUERIES = [
    "platelet-rich plasma knee pain randomised", "hyaluronic acid hip osteoarthritis",
    "stem cell injection cartilage MRI", "corticosteroid injection shoulder function",
    "exosomes rat model", "polyacrylamide hydrogel knee", "bone marrow aspirate concentrate",
    "PRP versus hyaluronic acid meta-analysis", "steroid injection adverse events",
    "viscosupplementation knee function 6 months", "mesenchymal stromal cells hip pain",
    "leukocyte-poor PRP WOMAC", "cortisone shot knee how long", "Arthrosamid safety",
    "BMAC versus PRP", "intra-articular injection ankle osteoarthritis",
    "hand osteoarthritis thumb base steroid", "extracellular vesicles cartilage",
    "saline placebo injection trial knee", "cohort study hyaluronic acid shoulder",
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def write_corpus(path: Path, n: int, vocab) -> list[tuple]:
    from synovia.literature.synthetic import generate, medline_text

    topics = []
    with path.open("w", encoding="utf-8") as fh:
        for item in generate(n, vocab):
            fh.write(medline_text(item.record))
            topics.append(item.topics)
    return topics


def one(engine: str, n: int) -> dict:
    """Generate, import, index and search `n` abstracts on `engine`; runs in a child process."""
    from sqlalchemy import text

    from synovia.evidence import Store
    from synovia.evidence.importers import LiteratureStore
    from synovia.literature import Importer, read_records
    from synovia.literature.synthetic import PMID_BASE, TopicVectors
    from synovia.search import get_encoder
    from synovia.search.literature import LiteratureIndex
    from synovia.search.vectors import VectorStore
    from synovia.vocab import Vocabulary

    vocab = Vocabulary.from_file(ROOT / "data" / "vocab.yaml")
    out: dict = {"engine": engine, "n": n}
    with tempfile.TemporaryDirectory() as tmp, database(engine) as url:
        corpus = Path(tmp) / "corpus.nbib"
        t = time.perf_counter()
        topics = write_corpus(corpus, n, vocab)
        out["generate_s"] = time.perf_counter() - t
        out["file_mb"] = corpus.stat().st_size / 1e6
        store = Store(url)
        store.upgrade()
        t = time.perf_counter()
        fmt, records = read_records(corpus, "medline")
        report = Importer(store, vocab).run(records, fmt)
        out["import_s"] = time.perf_counter() - t
        assert report.written and report.added == n, (report.added, report.bad[:3])
        out["import_rate"] = n / out["import_s"]
        corpus.unlink()

        # Vectors: synthetic for the bulk (see module docstring), real for the queries.
        encoder = get_encoder()
        mixer = TopicVectors(vocab, encoder)
        lit = LiteratureStore(store)
        vectors = VectorStore(Path(tmp) / "literature.usearch")
        index = LiteratureIndex(store, vectors)
        t = time.perf_counter()
        keys = np.empty(n, dtype=np.uint64)
        with store.reading() as session:
            rows = session.execute(text(
                "SELECT r.id, s.pmid FROM literature_records r JOIN sources s "
                "ON s.id = r.source_id")).all()
        for key, pmid in rows:
            keys[int(pmid) - PMID_BASE] = key
        del rows
        all_vecs = mixer.vectors(topics)
        t_vec = time.perf_counter()
        vectors.add(keys, all_vecs, threads=0)
        out["vector_build_s"] = time.perf_counter() - t_vec
        lit.mark_embedded(keys.tolist())
        out["vectors_total_s"] = time.perf_counter() - t
        out["vector_file_mb"] = vectors.memory_bytes() / 1e6

        qvecs = encoder.encode(QUERIES)
        for q in QUERIES[:3]:  # warm caches and the memory map
            index.search(q)
        fused, keyword, dense, brute, recall = [], [], [], [], []
        for q, qv in zip(QUERIES * 3, np.vstack([qvecs] * 3), strict=True):
            t = time.perf_counter()
            index.search(q, status="unreviewed", limit=20)
            fused.append(time.perf_counter() - t)
            t = time.perf_counter()
            lit.keyword(q, "unreviewed", 100)
            keyword.append(time.perf_counter() - t)
            t = time.perf_counter()
            ann = vectors.search(qv, 100)
            dense.append(time.perf_counter() - t)
            t = time.perf_counter()
            scores = all_vecs @ qv
            top = np.argpartition(-scores, 10)[:10]
            brute.append(time.perf_counter() - t)
            exact = {int(keys[i]) for i in top}
            recall.append(len(exact & {k for k, _ in ann[:10]}) / 10)
        out.update({
            "fused_ms": {k: v * 1000 for k, v in percentiles(fused).items()},
            "keyword_ms": {k: v * 1000 for k, v in percentiles(keyword).items()},
            "ann_ms": {k: v * 1000 for k, v in percentiles(dense).items()},
            "bruteforce_ms": {k: v * 1000 for k, v in percentiles(brute).items()},
            "recall_at_10": float(np.mean(recall)),
        })
        if store.is_sqlite:
            db = Path(url.removeprefix("sqlite:///"))
            out["db_mb"] = sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6
        else:
            with store.reading() as session:
                out["db_mb"] = session.execute(text(
                    "SELECT pg_database_size(current_database())")).scalar() / 1e6
        store.dispose()
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def show(r: dict) -> None:
    f, k, a, b = r["fused_ms"], r["keyword_ms"], r["ann_ms"], r["bruteforce_ms"]
    print(f"[{r['engine']}] {r['n']:>9,} abstracts: import {r['import_s']:.1f} s "
          f"({r['import_rate']:,.0f}/s, file {r['file_mb']:.0f} MB); "
          f"vectors {r['vector_build_s']:.1f} s (synthetic); db {r['db_mb']:.0f} MB + "
          f"vector file {r['vector_file_mb']:.0f} MB; "
          f"peak RSS {r['peak_rss_mb']:.0f} MB")
    print(f"    search p50/p95 ms: fused (keyword+vector, incl. query embedding) "
          f"{f['p50']:.1f}/{f['p95']:.1f} | keyword {k['p50']:.1f}/{k['p95']:.1f} | "
          f"HNSW {a['p50']:.2f}/{a['p95']:.2f} vs numpy brute force {b['p50']:.1f}/{b['p95']:.1f}"
          f" (x{b['p50'] / max(a['p50'], 1e-6):.0f}, recall@10 {r['recall_at_10']:.2f})")


def main(sizes: list[int] | None = None, which: list[str] | None = None) -> list[dict]:
    """Every size on every engine; SYNOVIA_BENCH_LITERATURE_SIZES=10000,100000 trims a run
    (the 1M steps take about 25 minutes each on the 2-core machine)."""
    env = os.environ.get("SYNOVIA_BENCH_LITERATURE_SIZES")
    sizes = sizes or ([int(s) for s in env.split(",")] if env else SIZES)
    results = []
    for engine in which or engines():
        for n in sizes:
            t = time.perf_counter()
            proc = subprocess.run(
                [sys.executable, "-m", "bench.bench_literature", "--one", engine, str(n)],
                cwd=ROOT, capture_output=True, text=True, env={**os.environ})
            if proc.returncode != 0:
                print(f"[{engine}] {n:,}: failed\n{proc.stderr[-2000:]}")
                continue
            r = json.loads(proc.stdout.strip().splitlines()[-1])
            r["wall_s"] = time.perf_counter() - t
            show(r)
            print(f"    (step wall time {r['wall_s']:.0f} s)")
            results.append(r)
            sys.stdout.flush()
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=",".join(str(s) for s in SIZES))
    parser.add_argument("--engines", default=None, help="sqlite,postgresql (default: both)")
    parser.add_argument("--json", type=Path, help="Also write the figures to this file.")
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one(args.one[0], int(args.one[1]))))
    else:
        found = main([int(s) for s in args.sizes.split(",")],
                     args.engines.split(",") if args.engines else None)
        if args.json:
            args.json.write_text(json.dumps(found, indent=2))
