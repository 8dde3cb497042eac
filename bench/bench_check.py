"""Time to check each example article and a 2,000-word article, and how it grows with length
up to 50,000 words (generated articles whose sentences are all distinct). Baseline measured in
the same run: parsing alone (one pass over the text)."""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from bench.common import ROOT, timed
from synovia.check import Checker
from synovia.check.parse import parse
from synovia.evidence import KnownTerms, Store, read_evidence
from synovia.search import reindex
from synovia.vocab import Vocabulary, load_lexicon

SENTENCES = [
    "PRP injections may reduce knee pain for some people, but results vary between trials.",
    "A 2023 meta-analysis found that hyaluronic acid gave only a small benefit over placebo.",
    "Steroid injections can ease pain for a few weeks in knee osteoarthritis.",
    "Exosome therapy is not approved by the FDA for any condition.",
    "Stem cell clinics often claim their injections regrow cartilage.",
    "Exercise and weight loss remain the core treatments for hip and knee arthritis.",
    "Side effects include pain and swelling at the injection site for a day or two.",
    "Ask your clinic what exactly is injected and how outcomes will be followed up.",
]


def article(words: int, seed: int = 3) -> str:
    """A generated article; each seed's sentences differ from every other seed's."""
    rng = random.Random(seed)
    out, count, para = ["Joint injections for osteoarthritis", ""], 0, []
    while count < words:
        # A number makes every sentence distinct, so no cache or dedupe flatters the timing.
        s = rng.choice(SENTENCES)[:-1] + f" (group {seed}-{count})." + f" [{rng.randint(1, 5)}]"
        para.append(s)
        count += len(s.split())
        if len(para) == 5:
            out += [" ".join(para), ""]
            para = []
    out += [" ".join(para), "", "References"]
    out += [f"[{i}] Study {i}. 2024. https://doi.org/10.1000/bench.{i}" for i in range(1, 6)]
    return "\n".join(out)


def main() -> dict:
    vocab = Vocabulary.from_file(ROOT / "data" / "vocab.yaml")
    base, problems = read_evidence(ROOT / "data" / "evidence",
                                   KnownTerms(vocab.treatment_ids, vocab.joint_ids))
    assert not problems
    results: dict = {"examples": {}, "growth": []}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/check.sqlite")
        store.upgrade()
        store.load(base)
        reindex(store, vocab)
        checker = Checker(store, vocab, load_lexicon(ROOT / "data" / "lexicon"))
        checker.check(article(300))  # warm the caches
        from synovia.search import get_encoder

        get_encoder().encode(["A first run of the model, as a running server has had."])
        examples = ROOT.parent / "shared" / "examples" / "articles"
        for path in sorted(examples.glob("*.txt")) if examples.exists() else []:
            raw = path.read_bytes()
            t, _ = timed(lambda raw=raw: checker.check(raw))
            results["examples"][path.name] = t
            print(f"check {path.name}: {t * 1000:.0f} ms")
        for words in (1000, 2000, 5000, 10000, 20000, 50000):
            # The median of three articles never checked before (no cache sees a sentence
            # twice); fewer runs for the long ones.
            runs = []
            for seed in range(3 if words <= 5000 else 1):
                text = article(words, seed=10 + seed)
                t_parse, _ = timed(lambda text=text: parse(text))
                t, (report, _) = timed(lambda text=text: checker.check(text))
                runs.append((t, t_parse, report))
            t, t_parse, report = sorted(runs, key=lambda r: r[0])[len(runs) // 2]
            results["growth"].append({"words": words, "s": t, "parse_s": t_parse,
                                      "claims": len(report.claims)})
            print(f"check {words:>6,} words: {t * 1000:>7.0f} ms ({len(report.claims)} claims; "
                  f"parse alone {t_parse * 1000:.0f} ms, ratio {t / max(t_parse, 1e-9):.0f}x)")
        results["cli"] = cli_start(f"sqlite:///{tmp}/check.sqlite", tmp)
        store.dispose()
    return results


def cli_start(url: str, tmp: str, n: int = 5) -> dict:
    """Start-up as a person meets it: `synovia --help` and `synovia check` on one paragraph,
    each the median of n runs, beside `python -c pass` measured in the same run."""
    import os
    import statistics
    import subprocess
    import sys

    paragraph = Path(tmp) / "paragraph.txt"
    paragraph.write_text("PRP for knee arthritis\n\nPRP injections regrow cartilage and are "
                         "completely safe. Most patients are pain-free for years.\n")
    env = {**os.environ, "SYNOVIA_DATABASE_URL": url}
    runs = {"python -c pass": [sys.executable, "-c", "pass"],
            "synovia --help": [sys.executable, "-m", "synovia", "--help"],
            "synovia check (one paragraph)": [sys.executable, "-m", "synovia", "check",
                                              str(paragraph)]}
    out = {}
    for name, cmd in runs.items():
        subprocess.run(cmd, env=env, capture_output=True)  # warm the file cache
        times = []
        for _ in range(n):
            t = time.perf_counter()
            subprocess.run(cmd, env=env, capture_output=True)
            times.append(time.perf_counter() - t)
        out[name] = statistics.median(times)
    base = out["python -c pass"]
    for name, t in out.items():
        print(f"cli {name}: {t * 1000:.0f} ms (ratio to python -c pass {t / base:.0f}x)")
    return out


if __name__ == "__main__":
    argparse.ArgumentParser(description=__doc__).parse_args()
    main()
