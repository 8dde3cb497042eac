"""Directory search on 100,000 generated listings, SQLite and PostgreSQL: the CSV read and
validation, the import, and p50/p95 latency of a few filter combinations through the same
`Directory.search()` the pages, API and CLI use. Baselines measured in the same run: the
unfiltered first page on the same database, and a pure-Python scan of the listings in memory
for the same filters."""

from __future__ import annotations

import csv
import io
import random
import time

from bench.common import ROOT, database, engines, percentiles, timed
from synovia.directory import Directory, Listing
from synovia.directory.postcodes import Districts
from synovia.evidence import Store
from synovia.vocab import Vocabulary

DATA = ROOT / "data"
N = 100_000
REPEAT = 20
TREATMENTS = ["corticosteroid", "hyaluronic-acid", "prp", "bmac", "msc", "exosomes", "paag"]
SPECIALTIES = ["sport-exercise-medicine", "rheumatology", "orthopaedic-surgery", "msk-radiology",
               "pain-medicine", "advanced-physiotherapy"]
SCORES = ["koos", "oxford-knee", "oxford-hip", "pain-vas", "eq-5d"]
GB_REGIONS = ["north-east", "north-west", "yorkshire-humber", "east-midlands", "west-midlands",
              "east-of-england", "london", "south-east", "south-west", "wales", "scotland"]
QUERIES = {
    "unfiltered, by name": {},
    "region": {"region": "london"},
    "region + treatment": {"region": "london", "treatment": "prp"},
    "treatment + guidance + outcome": {"treatment": "exosomes", "guidance": "ultrasound",
                                       "outcome": "any"},
    "free text (place)": {"q": "leeds"},
    "near LS6, no filter": {"near": "LS6"},
    "near LS6 + treatment": {"near": "LS6", "treatment": "paag"},
}


def generated_csv(n: int, districts: Districts) -> str:
    """n listings across every region, a fifth with a second location."""
    rng = random.Random(6)
    codes = sorted(districts.places)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", "name", "registration_body", "registration_number", "specialties",
                     "treatments", "image_guidance", "outcome_scores", "sectors", "example",
                     "transparency_product", "address", "town", "region", "postcode_district"])
    for i in range(n):
        treatments = ";".join(rng.sample(TREATMENTS, rng.randint(1, 3)))
        for k in range(2 if i % 5 == 0 else 1):
            code = rng.choice(codes)
            region = "northern-ireland" if code.startswith("BT") else rng.choice(GB_REGIONS)
            town = rng.choice(["Leeds", "York", "Bristol", "Cardiff", "Glasgow", "Belfast",
                               "Norwich", "Truro", "Leicester", "Oxford"])
            head = [f"gen-{i:06d}", f"Dr Generated {i} (fictional)", "GMC", f"{i:07d}",
                    rng.choice(SPECIALTIES), treatments,
                    rng.choice(["ultrasound", "fluoroscopy", "ultrasound;fluoroscopy", ""]),
                    ";".join(rng.sample(SCORES, rng.randint(0, 2))),
                    rng.choice(["nhs", "private", "nhs;private"]), "yes",
                    "Triamcinolone" if i % 2 else ""]
            writer.writerow((head if k == 0 else [head[0]] + [""] * 10) +
                            [f"{i % 200 + 1} Generated Road", town, region, code])
    return out.getvalue()


def python_scan(listings: list[Listing], f: dict) -> int:
    """The baseline: the same filter as a loop over the listings in memory."""
    n = 0
    for item in listings:
        if f.get("region") and f["region"] not in {loc.region for loc in item.locations}:
            continue
        if f.get("treatment") and f["treatment"] not in item.treatments:
            continue
        n += 1
    return n


def main(n: int = N) -> dict:
    vocab = Vocabulary.from_file(DATA / "vocab.yaml")
    reader = Directory.from_data(None, vocab, DATA)
    text = generated_csv(n, reader.districts)
    t_read, result = timed(lambda: reader.read_csv(text))
    assert result.ok, result.errors[:3]
    listings = result.listings
    print(f"{n:,} generated listings ({text.count(chr(10)) - 1:,} CSV rows): read and validated "
          f"in {t_read:.1f} s ({n / t_read:,.0f}/s)")
    scan = [timed(lambda: python_scan(listings, QUERIES["region + treatment"]))[0]
            for _ in range(5)]
    scan_p50 = percentiles(scan)["p50"]
    print(f"pure-Python scan, region + treatment: p50 {scan_p50 * 1000:.1f} ms")
    results: dict = {"read_s": t_read, "python_scan_p50_ms": scan_p50 * 1000}
    for engine in engines():
        with database(engine) as url:
            store = Store(url)
            store.upgrade()
            directory = Directory(store, vocab, reader.terms, reader.districts, reader.lexicon)
            t_import, _ = timed(lambda d=directory: d.db.import_listings(listings))
            figures = {"import_s": t_import}
            print(f"[{engine}] import {t_import:.1f} s ({n / t_import:,.0f} listings/s)")
            base = None
            for label, query in QUERIES.items():
                directory.search(query)  # warm the plan and the cache
                samples = []
                for _ in range(REPEAT):
                    t = time.perf_counter()
                    page = directory.search(query)
                    samples.append(time.perf_counter() - t)
                p = percentiles(samples)
                base = base or p["p50"]
                figures[label] = {"p50_ms": p["p50"] * 1000, "p95_ms": p["p95"] * 1000,
                                  "total": page.total}
                print(f"[{engine}] {label:32s} {page.total:>7,} found  p50 "
                      f"{p['p50'] * 1000:7.1f} ms  p95 {p['p95'] * 1000:7.1f} ms  "
                      f"x{p['p50'] / base:5.2f} unfiltered  "
                      f"x{p['p50'] / scan_p50:5.2f} Python scan")
            store.dispose()
        results[engine] = figures
    return results


if __name__ == "__main__":
    main()
