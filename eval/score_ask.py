"""Score `synovia ask` on a question set: every expectation of every question, checked by
machine, and a scorecard by class.

    python eval/score_ask.py [eval/ask/questions.yaml] [-v] [--only CLASS] [--json FILE]

Runs in process against a throwaway SQLite database loaded with the shipped evidence (or the
database in SYNOVIA_DATABASE_URL when --use-db is given). The checks here are the judge's, not
the product's: they read the answer the way a person would (does the short answer speak to
the facet asked?), never the product's own labels alone."""

from __future__ import annotations

import argparse
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
CONTRACT = ROOT.parent / "shared" / "contracts" / "answer.schema.json"

#: What a short answer that speaks to each facet contains (or an honest "we hold no ...").
FACET_WORDS = {
    "duration": r"\b(weeks?|months?|years?|short[- ]term|long[- ]term|lasts?|lasting|wears? off|"
                r"how long)\b",
    "dosing": r"\b(injections?|shots?|jabs?|every|times|once|single|course|a year|per year|apart|"
              r"spacing|repeat\w*|how many|doses?|\d+)\b",
    "cost": r"(£|\$|€|\bcosts?\b|\bprices?\b|\bNHS\b|\binsurance\b|\bMedicare\b|\bpay\b|"
            r"\bprivate\w*|\bfree\b|\bfund\w*|\bcommission\w*|\bcovered\b|\bcover\b)",
    "regulatory": r"\b(approv\w*|licen[cs]\w*|regulat\w*|FDA|MHRA|EMA|CE[- ]mark\w*|UKCA|legal\w*|"
                  r"allowed|authori[sz]\w*|clearance|cleared|HTA|Human Tissue|not approved)\b",
    "safety": r"\b(risks?|side effects?|infection\w*|septic|flush\w*|harms?|safe\w*|flare\w*|"
              r"complications?|adverse|swelling|pain|damage|serious|problems?|cause\w*|fluid|effusion|"
              r"bleed\w*|bruis\w*|rare\w*|common|\d+ in \d+|\d+%|sick|ill|infect\w*|allerg\w*|"
              r"should not|avoid\w*|not for|blood sugar|glucose)\b",
    "surgery-timing": r"\b(operation|surgery|replacement|arthroplasty|surgeon|PJI|TKA|THA|TKR)\b",
    "procedure": r"\b(needle|anaesthe\w*|anesthe\w*|blood|sample|scan|ultrasound|x-ray|minutes?|"
                 r"rest|day|clinic|marrow|fat|drive|hours?|numb\w*|inject\w*|procedure|after|avoid\w*)\b",
    "candidacy": r"\b(age|older|younger|severe|advanced|mild|early|grade|stage|bone[- ]on[- ]bone|"
                 r"who|worse|milder|moderate|do better|did better|responders?|benefit\w* most|"
                 r"weight|bmi)\b",
    "comparison": r"\b(compared|head-to-head|than|beat|best|versus|vs|directly|about as well|"
                  r"strongest|no study|difference|between|equally|similar|same)\b",
    "efficacy": r"\b(help\w*|ease\w*|benefit\w*|better|no clear|little or no|unclear|studies|"
                r"trials?|evidence|improv\w*|work\w*)\b",
    "mechanism": r"\b(work\w*|signal\w*|inflamm\w*|cells?|lubric\w*|cartilage|growth factors?)\b",
    "questions": r"(\bask\b|\bquestions?\b|\?)",
    "pathway": r"\b(exercise|core|first|weight|physio\w*|options?|injections?)\b",
    "interaction": r"\b(blood (sugar|thinner\w*)|glucose|diabet\w*|anticoag\w*|bleed\w*|"
                   r"medicine\w*|painkillers?|anti-inflammator\w*|ibuprofen|nsaids?|aspirin|"
                   r"clopidogrel|tablets?|drugs?)\b",
}
CONTEXT_WORDS = {
    "diabetes": r"\b(blood sugar|glucose|diabet\w*)\b",
    "anticoagulant": r"\b(blood thinner\w*|anticoag\w*|bleed\w*|warfarin|apixaban|DOAC)\b",
    "antiplatelet": r"\b(antiplatelet\w*|blood thinner\w*|aspirin|clopidogrel|bleed\w*)\b",
    "planned-joint-replacement": r"\b(operation|surgery|replacement|arthroplasty)\b",
    "recent-injection": r"\b(months?|weeks?|apart|spacing|again|another|a year|per year|"
                        r"repeat\w*)\b",
    "pregnancy": r"\b(pregnan\w*|breastfeed\w*)\b",
    "allergy": r"\b(allerg\w*|egg|bird|avian|protein)\b",
    "advanced-oa": r"\b(severe|advanced|bone[- ]on[- ]bone|grade|stage|worse|later)\b",
    "early-oa": r"\b(mild|early|milder|grade|stage|younger)\b",
    "older-age": r"\b(older|age|years?|elderly)\b",
    "younger-age": r"\b(younger|age|years?)\b",
}
URGENT_WORDS = r"\b(111|999|A&E|emergency|urgent\w*)\b"
REASSURANCE = r"\b(normal|flare[- ]?up|settle\w*|usually (mild|goes)|nothing to worry)\b"
OVERCLAIM = re.compile(r"\b(cure[sd]?|regrow\w*|reverse[sd]?|proven)\b", re.I)
NEGATION = re.compile(r"\b(not|no|never|cannot|can't|isn't|aren't|doesn't|don't|without|nor|"
                      r"none|unproven|claims? (?:to|that|it))\b", re.I)


def load_questions(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise SystemExit(f"{path}: expected a list of questions")
    return data


def _short(answer: dict) -> str:
    return re.sub(r"\s*\[[\d,\s]+\]", "", answer["summary"])


def check(item: dict, answer: dict, base, schema) -> list[str]:
    """Every failed expectation of one answer, in words."""
    exp = item.get("expect") or {}
    u = answer["understood"]
    short = _short(answer)
    fails: list[str] = []
    if schema is not None:
        try:
            jsonschema.validate(answer, schema)
        except jsonschema.ValidationError as exc:
            fails.append(f"contract: {exc.message[:80]}")
    for key in ("treatments", "joints"):
        missing = [x for x in exp.get(key, []) if x not in u.get(key, [])]
        if missing:
            fails.append(f"{key}: missing {missing} (got {u.get(key)})")
    rows = {o["treatment"] for o in answer["options"]}
    missing = [t for t in exp.get("options", []) if t not in rows]
    if missing:
        fails.append(f"options: no row for {missing} (rows {sorted(rows)})")
    if "in_scope" in exp and answer["in_scope"] is not exp["in_scope"]:
        fails.append(f"in_scope: expected {exp['in_scope']}")
    urgent = answer["safety"]["urgent"]
    if exp.get("urgent", False) != urgent:
        fails.append(f"urgent: expected {exp.get('urgent', False)}, got {urgent}")
    if exp.get("red_flag") and exp["red_flag"] not in answer["safety"].get("red_flags", []):
        fails.append(f"red flag {exp['red_flag']} not raised ({answer['safety'].get('red_flags')})")
    if urgent:
        if not re.search(URGENT_WORDS, short):
            fails.append("urgent answer does not say where to get help first")
        if re.search(REASSURANCE, short, re.I):
            fails.append("urgent answer reassures")
    facet = exp.get("facet")
    if facet:
        if facet not in u.get("facets", u.get("intents", [])):
            fails.append(f"facet {facet} not understood (got {u.get('facets')})")
        if not urgent and not re.search(FACET_WORDS.get(facet, facet), short, re.I):
            fails.append(f"short answer does not speak to {facet}")
    for cid in exp.get("context", []):
        if cid not in u.get("context", []):
            fails.append(f"context {cid} not used (got {u.get('context')})")
        elif not urgent and not re.search(CONTEXT_WORDS.get(cid, cid), short, re.I):
            fails.append(f"short answer says nothing for {cid}")
    if "not_held" not in exp and exp.get("in_scope", True) and u.get("not_held") and not urgent:
        # a word of the question read as a therapy nobody asked about ("work" in "do gel
        # injections work")
        fails.append(f"reported as not held, never asked about: {u['not_held']}")
    for name in exp.get("not_held", []):
        if not any(name.lower() in n.lower() for n in u.get("not_held", [])):
            fails.append(f"{name} not reported as not held")
        if name.lower() not in short.lower():
            fails.append(f"{name} not named in the short answer")
    for word in exp.get("named", []):
        if not re.search(word, short, re.I):
            fails.append(f"short answer does not name {word}")
    if exp.get("jurisdiction") and u.get("jurisdiction") != exp["jurisdiction"]:
        fails.append(f"jurisdiction: expected {exp['jurisdiction']}, got {u.get('jurisdiction')}")
    # -- checks every answer must pass ---------------------------------------------------------
    fails += _joint_honesty(answer, base)
    words = len(short.split())
    if words > 100:
        fails.append(f"short answer too long ({words} words)")
    if answer["audience"] == "patient":
        if answer.get("reading_grade") is not None and answer["reading_grade"] > 9:
            fails.append(f"reading grade {answer['reading_grade']}")
        texts = [answer["summary"]] + [s["text"] for s in answer["sections"]]
        for text in texts:
            for sentence in re.split(r"(?<=[.!?])\s+", text):
                if OVERCLAIM.search(sentence) and not NEGATION.search(sentence):
                    fails.append(f"overclaim: {sentence[:70]}")
    nums = [r["n"] for r in answer["references"]]
    used = {int(n) for t in [answer["summary"]] + [s["text"] for s in answer["sections"]]
            + answer.get("key_points", []) for g in re.findall(r"\[([\d,]+)\]", t)
            for n in g.split(",")}
    if used - set(nums) or set(nums) - used:
        fails.append("citations: markers and references disagree")
    return fails


def _joint_honesty(answer: dict, base) -> list[str]:
    """An option for joint J whose evidence comes from other joints must say so."""
    fails = []
    for o in answer["options"]:
        j = o.get("joint")
        if not j or base is None:
            continue
        direct = [f for f in base.findings_about(o["treatment"])
                  if f.outcome in ("pain", "function", "structure", "quality-of-life")
                  and j in f.joints and f.verification in ("verified", "secondary")]
        if direct or o["best_human_evidence"] == "none":
            continue
        if not re.search(rf"no (studies|{j} studies)|only", o["verdict"] + " " + o["design"], re.I):
            fails.append(f"joint honesty: {o['treatment']} for the {j} rests on other joints "
                         f"without saying so")
    return fails


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("questions", nargs="?", default=str(ROOT / "eval" / "ask" / "questions.yaml"))
    ap.add_argument("-v", "--verbose", action="store_true", help="list every failure")
    ap.add_argument("--only", help="score one class only")
    ap.add_argument("--json", help="write per-question results to this file")
    ap.add_argument("--use-db", action="store_true", help="use SYNOVIA_DATABASE_URL as it is")
    ap.add_argument("--no-vectors", action="store_true", help="rank by keywords only")
    args = ap.parse_args(argv)

    if not args.use_db:
        tmp = tempfile.mkdtemp(prefix="synovia-eval-")
        os.environ["SYNOVIA_DATABASE_URL"] = f"sqlite:///{tmp}/eval.db"
    from synovia.ask import Asker
    from synovia.platform import Synovia

    syn = Synovia()
    if not args.use_db:
        _load(syn)
    asker = Asker.from_platform(syn, use_vectors=not args.no_vectors)
    base = syn.store.evidence()
    schema = json.loads(CONTRACT.read_text()) if CONTRACT.exists() else None
    items = load_questions(Path(args.questions))
    if args.only:
        items = [i for i in items if i.get("class") == args.only]
    by_class: dict[str, list[bool]] = defaultdict(list)
    results = []
    conversations: dict[str, str] = {}
    started = time.perf_counter()
    for n, item in enumerate(items, 1):
        conv = item.get("conversation")
        cid = conversations.setdefault(conv, f"eval-{n}-{conv}") if conv else None
        try:
            answer = asker.ask(item["q"], item.get("audience", "patient"), cid).model_dump(
                mode="json")
            fails = check(item, answer, base, schema)
        except Exception as exc:  # noqa: BLE001 - a crash is a failure to score, not to stop on
            answer, fails = None, [f"error: {type(exc).__name__}: {exc}"]
        ok = not fails
        by_class[item.get("class", "other")].append(ok)
        results.append({"q": item["q"], "class": item.get("class"), "ok": ok, "fails": fails,
                        "summary": answer["summary"] if answer else None})
        if args.verbose and fails:
            print(f"✗ [{item.get('class')}] {item['q']}")
            for f in fails:
                print(f"    - {f}")
            if answer:
                print(f"    summary: {answer['summary'][:300]}")
    elapsed = time.perf_counter() - started
    total = sum(len(v) for v in by_class.values())
    passed = sum(sum(v) for v in by_class.values())
    print(f"\nAsk scorecard: {Path(args.questions).name}, {total} questions, "
          f"{elapsed / max(total, 1) * 1000:.0f} ms each")
    print(f"{'class':<24}{'pass':>6}{'of':>5}{'rate':>8}")
    for cls in sorted(by_class):
        v = by_class[cls]
        print(f"{cls:<24}{sum(v):>6}{len(v):>5}{sum(v) / len(v):>8.0%}")
    print(f"{'ALL':<24}{passed:>6}{total:>5}{passed / max(total, 1):>8.0%}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


def _load(syn) -> None:
    from synovia.evidence import read_evidence

    syn.store.upgrade()
    base, problems = read_evidence(syn.settings.evidence_dir, syn.known_terms())
    if problems:
        for p in problems[:10]:
            print(p, file=sys.stderr)
        raise SystemExit("the evidence does not validate; fix it before scoring")
    syn.store.load(base)
    from synovia.search import reindex

    reindex(syn.store, syn.vocab)  # as `synovia evidence load` does: retrieval ranks findings


if __name__ == "__main__":
    raise SystemExit(main())
