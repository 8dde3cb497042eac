"""Score `synovia check` on the labelled article corpus (eval/check/README.md): recall by
defect type, claim-level recall, false alarms on correct sentences, and how well the quality
score separates promotional pages from balanced ones.

    python eval/score_check.py [--labels eval/check/labels*.yaml] [-v] [--json FILE]

Runs in process against a throwaway SQLite database loaded with the shipped evidence."""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ROOT.parent / "shared" / "contracts" / "check.schema.json"
CLAIM_TYPES = ("overstated", "unsupported", "contradicted", "citation-mismatch")
FLAGGED = ("overstated", "contradicted", "unsupported")


def norm(text: str) -> str:
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def _words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", norm(text)))


def overlaps(label: str, sentence: str) -> bool:
    a, b = norm(label), norm(sentence)
    if not a or not b:
        return False
    if a in b or (len(b) > 20 and b in a):
        return True
    wa, wb = _words(a), _words(b)
    return len(wa) >= 3 and len(wa & wb) / len(wa) >= 0.9


def load_labels(patterns: list[str]) -> list[dict]:
    items = []
    for pattern in patterns:
        for path in sorted(glob.glob(pattern)):
            data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or []
            name = Path(path).stem  # labels-holdout2.yaml labels the files in holdout2/
            folder = Path(path).parent / (name.split("-", 1)[1] if name.startswith(
                "labels-holdout") else "articles")
            for entry in data:
                entry["_path"] = folder / entry["file"]
                items.append(entry)
    return items


def flags_on(sentence: str, report: dict) -> list[str]:
    """Everything the report says against a sentence (for false alarms)."""
    out = []
    for c in report["claims"]:
        if overlaps(sentence, c["text"]) or overlaps(c["text"], sentence):
            if c["verdict"] in FLAGGED:
                out.append(f"claim {c['verdict']}: {c['reason'][:80]}")
            if c.get("hype"):
                out.append(f"hype {c['hype']}")
    for m in report["citations"]["mismatches"]:
        if overlaps(sentence, m["sentence"]):
            out.append(f"mismatch [{m['marker']}]")
    for b in report.get("bias", []):
        if overlaps(sentence, b["sentence"]):
            out.append(f"commercial {b['signal']}")
    for h in report.get("language", []):
        if overlaps(sentence, h["sentence"]):
            out.append(f"hype {h['term']}")
    return out


def _same_author_year(a: str, b: str) -> bool:
    wa, wb = re.findall(r"[A-Za-zÀ-ÿ'-]+|\d{4}", a), re.findall(r"[A-Za-zÀ-ÿ'-]+|\d{4}", b)
    return bool(wa and wb and wa[0].lower() == wb[0].lower() and
                [x for x in wa if x.isdigit()] == [x for x in wb if x.isdigit()])


def _marker_number(marker, cit: dict):
    """An author-date label ("Hartley et al. 2023") as the number of its reference entry."""
    if not isinstance(marker, str):
        return marker
    for r in cit.get("resolved", []):
        if r.get("first_author") and r.get("year") and _same_author_year(
                marker, f"{r['first_author']} {r['year']}"):
            return r["n"]
    return None


def found(defect: dict, report: dict) -> tuple[bool, str]:
    """(found, how) for one labelled defect."""
    kind = defect["type"]
    cit = report["citations"]
    marker = _marker_number(defect.get("marker"), cit)
    if kind == "missing-reference":
        if isinstance(defect.get("marker"), str):
            return any(_same_author_year(defect["marker"], m)
                       for m in cit.get("missing_citations", [])), ""
        return marker in cit["missing_references"], ""
    if kind == "uncited-reference":
        return marker in cit["uncited_references"], ""
    if kind == "citation-mismatch":
        for m in cit["mismatches"]:
            if m["marker"] == marker and (
                    not defect.get("text") or overlaps(defect["text"], m["sentence"])):
                return True, m["reason"][:60]
        return False, ""
    if kind in ("overstated", "unsupported", "contradicted"):
        verdicts = [c["verdict"] for c in report["claims"] if overlaps(defect["text"], c["text"])]
        bad = [v for v in verdicts if v in FLAGGED]
        if bad:
            return True, "exact" if kind in bad else f"as {bad[0]}"
        return False, f"judged {verdicts[0]}" if verdicts else "not judged"
    if kind == "hype":
        for c in report["claims"]:
            if c.get("hype") and overlaps(defect["text"], c["text"]):
                return True, ""
            if c["verdict"] == "overstated" and overlaps(defect["text"], c["text"]):
                return True, "as overstated"
        for h in report.get("language", []):
            if overlaps(defect["text"], h["sentence"]):
                return True, ""
        return False, ""
    if kind == "commercial":
        return any(overlaps(defect["text"], b["sentence"]) for b in report.get("bias", [])), ""
    if kind == "omission":
        return any(o.lower().startswith(defect["what"].lower()[:6])
                   for o in report.get("omissions", [])), ""
    return False, f"unknown type {kind}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    dev = [str(ROOT / "eval" / "check" / name) for name in ("labels.yaml", "labels-written.yaml")]
    ap.add_argument("--labels", nargs="*", default=dev)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--json", help="write per-article results to this file")
    ap.add_argument("--only", help="score files whose name contains this")
    args = ap.parse_args(argv)
    tmp = tempfile.mkdtemp(prefix="synovia-eval-")
    os.environ.setdefault("SYNOVIA_DATABASE_URL", f"sqlite:///{tmp}/eval.db")
    from synovia.check import Checker
    from synovia.platform import Synovia

    syn = Synovia()
    if os.environ["SYNOVIA_DATABASE_URL"].endswith(f"{tmp}/eval.db"):
        from eval.score_ask import _load

        _load(syn)
    checker = Checker.from_platform(syn)
    schema = json.loads(CONTRACT.read_text()) if CONTRACT.exists() else None
    items = load_labels(args.labels)
    if args.only:
        items = [i for i in items if args.only in i["file"]]
    by_type: dict[str, list[bool]] = defaultdict(list)
    exact: dict[str, list[bool]] = defaultdict(list)
    false_alarms, correct_total = 0, 0
    scores: dict[str, list[float]] = defaultdict(list)
    results = []
    invalid = 0
    started = time.perf_counter()
    for item in items:
        try:
            raw = item["_path"].read_bytes()
            report, _doc = checker.check(raw)
            out = report.model_dump(mode="json")
        except Exception as exc:  # noqa: BLE001 - a crash is scored as a miss on every label
            print(f"✗ {item['file']}: {type(exc).__name__}: {exc}")
            out = None
        if out is not None and schema is not None:
            try:
                jsonschema.validate(out, schema)
            except jsonschema.ValidationError:
                invalid += 1
        misses, alarms = [], []
        for d in item.get("defects") or []:
            ok, how = found(d, out) if out else (False, "crash")
            by_type[d["type"]].append(ok)
            if d["type"] in ("overstated", "unsupported", "contradicted") and ok:
                exact[d["type"]].append(how == "exact")
            if not ok:
                misses.append(f"{d['type']}: {d.get('text') or d.get('marker') or d.get('what')}"
                              f" ({how})")
        for sentence in item.get("correct") or []:
            correct_total += 1
            flags = flags_on(sentence, out) if out else []
            if flags:
                false_alarms += 1
                alarms.append(f"{sentence[:70]} -> {flags[0]}")
        if out and item.get("quality"):
            scores[item["quality"]].append(out["quality"]["score"])
        results.append({"file": item["file"], "misses": misses, "false_alarms": alarms})
        if args.verbose and (misses or alarms):
            print(f"\n== {item['file']}")
            for m in misses:
                print(f"   miss   {m}")
            for a in alarms:
                print(f"   ALARM  {a}")
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in by_type.values())
    hit = sum(sum(v) for v in by_type.values())
    claim = [x for t in CLAIM_TYPES for x in by_type.get(t, [])]
    print(f"\nCheck scorecard: {len(items)} articles, {total} labelled defects, {correct_total} "
          f"correct sentences, {elapsed / max(len(items), 1) * 1000:.0f} ms an article")
    print(f"{'defect type':<22}{'found':>7}{'of':>5}{'recall':>8}")
    for t in sorted(by_type):
        v = by_type[t]
        print(f"{t:<22}{sum(v):>7}{len(v):>5}{sum(v) / len(v):>8.0%}")
    print(f"{'ALL':<22}{hit:>7}{total:>5}{hit / max(total, 1):>8.0%}")
    rate = sum(claim) / max(len(claim), 1)
    print(f"{'claim-level':<22}{sum(claim):>7}{len(claim):>5}{rate:>8.0%}")
    for t, v in sorted(exact.items()):
        print(f"  exact verdict when found, {t}: {sum(v)}/{len(v)}")
    print(f"false alarms: {false_alarms} of {correct_total} correct sentences "
          f"({false_alarms / max(correct_total, 1):.0%})")
    for q in ("low", "medium", "high"):
        if scores.get(q):
            v = scores[q]
            print(f"quality score, {q}-quality pages: mean {sum(v) / len(v):.0f} "
                  f"(min {min(v):.0f}, max {max(v):.0f}, n={len(v)})")
    low, high = scores.get("low") or [], scores.get("high") or []
    if low and high:
        # How often a page labelled high quality scores above one labelled low (0.5 = chance).
        wins = sum(1.0 if h > lo else 0.5 if h == lo else 0.0 for h in high for lo in low)
        print(f"quality separation: a high-quality page scores above a low-quality one in "
              f"{wins / (len(high) * len(low)):.0%} of pairs")
    print(f"reports failing the contract: {invalid}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
