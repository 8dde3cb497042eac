"""The publishing gate: which defects stop an article going public, each with its sentence.

An article a person wrote is checked as any article is. An article drafted from an answer
carries its references and options as data (`content`), and the text Synovia wrote from
reviewed records (`content["generated"]`) is cited by construction: one citation routine
numbered it. For such an article the gate checks the citations structurally (every marker has a
reference, every reference is cited, every reference is still in the evidence base) and lets
the checker judge only what a person added or changed since."""

from __future__ import annotations

from synovia.check.report import Report
from synovia.text.citations import comparable, markers_in


def article_text(body: str, faq: list[dict], content: dict | None) -> str:
    """Everything the page shows, as the checker reads it: the body, the FAQ, and the
    structured reference list written out."""
    text = body.rstrip()
    if faq:
        text += "\n\n## Frequently asked questions\n\n" + "\n\n".join(
            f"### {f.get('q', '')}\n\n{f.get('a', '')}" for f in faq)
    refs = (content or {}).get("references") or []
    if refs:
        text += "\n\n## References\n\n" + "\n".join(
            f"{r['n']}. {r.get('citation') or r.get('title', '')}" for r in refs)
    return text + "\n"


def _ours(sentence: str, generated: list[str]) -> bool:
    words = comparable(sentence)
    return bool(words) and any(words in g for g in generated)


def judge(report: Report, body: str, faq: list[dict], content: dict | None, held: set[str]
          ) -> tuple[bool, dict[str, int], list[dict]]:
    """(passes, counts by kind, defects with their sentences) for the report on an article."""
    generated = list((content or {}).get("generated") or [])
    defects: list[dict] = []
    cit = report.citations
    if generated:
        refs = {r["n"]: r for r in content.get("references") or []}
        cited = [o.get("citations") or [] for o in content.get("options") or []]
        texts = [body] + [f.get("a", "") for f in faq] + [
            "[" + ",".join(map(str, c)) + "]" for c in cited if c]
        used = {n for t in texts for n in markers_in(t)}
        for n in sorted(used - set(refs)):
            defects.append({"kind": "citation", "sentence": f"[{n}]",
                            "reason": f"marker [{n}] has no reference"})
        for n in sorted(set(refs) - used):
            defects.append({"kind": "citation", "sentence": refs[n].get("title", ""),
                            "reason": f"reference {n} is never cited (a cited sentence was "
                                      "removed; remove the reference or cite it again)"})
        for n, r in sorted(refs.items()):
            if r.get("id") and r["id"] not in held:
                defects.append({"kind": "citation", "sentence": r.get("title", ""),
                                "reason": f"reference {n} ({r['id']}) is no longer in the "
                                          "evidence base"})
    else:
        for n in cit.get("missing_references", []):
            defects.append({"kind": "citation", "sentence": f"[{n}]",
                            "reason": f"marker [{n}] has no entry in the reference list"})
        for n in cit.get("uncited_references", []):
            defects.append({"kind": "citation", "sentence": f"reference {n}",
                            "reason": f"reference {n} is never cited in the text"})
        for d in cit.get("duplicates", []):
            defects.append({"kind": "citation", "sentence": str(d.get("entries", d)),
                            "reason": "the same source is listed twice"})
        for doi in cit.get("malformed_dois", []):
            defects.append({"kind": "citation", "sentence": str(doi),
                            "reason": "this DOI is malformed"})
        if cit.get("no_inline_markers"):
            defects.append({"kind": "citation", "sentence": "",
                            "reason": "the article has references but cites none in its text"})
        for m in cit.get("missing_citations", []):
            defects.append({"kind": "citation", "sentence": str(m),
                            "reason": "this author-date citation has no reference entry"})
    for m in cit.get("mismatches", []):
        if not _ours(m["sentence"], generated):
            defects.append({"kind": "citation", "sentence": m["sentence"],
                            "reason": f"reference {m['marker']}: {m['reason']}"})
    for c in report.claims:
        if c.verdict in ("overstated", "contradicted") and not _ours(c.text, generated):
            defects.append({"kind": c.verdict, "sentence": c.text, "reason": c.reason})
    summary = {
        "citation_defects": sum(1 for d in defects if d["kind"] == "citation"),
        "overstated": sum(1 for d in defects if d["kind"] == "overstated"),
        "contradicted": sum(1 for d in defects if d["kind"] == "contradicted"),
    }
    return not defects, summary, defects
