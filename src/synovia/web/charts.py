"""Visual evidence summaries as server-drawn SVG (no script): a forest-style plot of effects
with their intervals, and an evidence ladder of study designs."""

from __future__ import annotations

import html

from synovia.evidence import EvidenceBase, Finding

LADDER = [("guideline", "Guidelines"), ("systematic-review", "Reviews of trials"),
          ("rct", "Randomised trials"), ("cohort", "Studies without a control group"),
          ("case-series", "Case series"), ("preclinical", "Animal or lab studies")]


def forest_rows(base: EvidenceBase, findings: list[Finding]) -> list[dict]:
    rows = []
    for f in findings:
        e = f.effect
        if not e or e.value is None or e.ci_low is None or e.ci_high is None:
            continue
        src = base.sources.get(f.source)
        rows.append({"label": f"{src.who if src else f.source} {src.year if src else ''}".strip(),
                     "value": e.value, "low": e.ci_low, "high": e.ci_high,
                     "unit": e.unit or "", "time": e.timepoint or "", "id": f.id,
                     "joints": ", ".join(f.joints)})
    return rows


#: Designs of studies in people, strongest first (the map's order within an outcome).
HUMAN_DESIGNS = ("systematic-review", "rct", "cohort", "case-series")
#: Outcomes a result can favour or not (not costs, rules or procedures).
MAP_OUTCOMES = ("pain", "function", "quality-of-life", "structure", "duration", "safety")


def evidence_map(base: EvidenceBase, findings: list[Finding], treatment: str,
                 label) -> list[dict]:
    """Every result in people at a glance, for every treatment with human evidence (numbers
    or not): study, design, joint, outcome, which way it went, its interval when one is held,
    and its certainty. `label(kind, id)` names outcomes and joints."""
    rows = []
    for f in findings:
        src = base.sources.get(f.source)
        if src is None or src.kind not in HUMAN_DESIGNS or f.outcome not in MAP_OUTCOMES:
            continue
        if treatment not in f.treatments:
            continue
        e = f.effect
        interval = (f"{e.value:g} ({e.ci_low:g} to {e.ci_high:g}) {e.unit or ''}".strip()
                    if e and e.value is not None and e.ci_low is not None
                    and e.ci_high is not None else "")
        rows.append({"study": f"{src.who} {src.year}", "design": src.kind,
                     "joint": ", ".join(label("joint", j) for j in f.joints) or "any joint",
                     "outcome": label("outcome", f.outcome), "outcome_id": f.outcome,
                     "direction": f.direction, "comparator": f.comparator or "",
                     "interval": interval, "certainty": f.certainty or "", "id": f.id,
                     "plain": f.plain})
    rank = {d: i for i, d in enumerate(HUMAN_DESIGNS)}
    order = {o: i for i, o in enumerate(MAP_OUTCOMES)}
    rows.sort(key=lambda r: (r["joint"], order[r["outcome_id"]], rank[r["design"]], r["study"]))
    return rows


def forest_svg(rows: list[dict], width: int = 640) -> str:
    """Effects grouped by unit: each row a point with its 95% interval and a zero line."""
    if not rows:
        return ""
    groups: dict[str, list[dict]] = {}
    for r in rows:
        groups.setdefault(r["unit"], []).append(r)
    parts = []
    for unit, items in groups.items():
        lo = min(min(r["low"] for r in items), 0.0)
        hi = max(max(r["high"] for r in items), 0.0)
        span = (hi - lo) or 1.0
        left, right, row_h = 230, width - 20, 26
        height = row_h * (len(items) + 2)

        def x(v: float, lo=lo, span=span, left=left, right=right) -> float:
            return left + (v - lo) / span * (right - left)

        svg = [f'<svg role="img" viewBox="0 0 {width} {height}" width="100%" '
               f'aria-labelledby="forest-{abs(hash(unit))}">'
               f'<title id="forest-{abs(hash(unit))}">Effects in {html.escape(unit)} with 95% '
               f'intervals</title>',
               f'<line x1="{x(0):.1f}" y1="0" x2="{x(0):.1f}" y2="{height - row_h}" '
               f'stroke="#555" stroke-dasharray="4 3"/>']
        for i, r in enumerate(items):
            y = row_h * (i + 1)
            svg.append(f'<text x="4" y="{y + 4}" font-size="12">{html.escape(r["label"][:30])} '
                       f'{html.escape(r["time"][:14])}</text>')
            svg.append(f'<line x1="{x(r["low"]):.1f}" y1="{y}" x2="{x(r["high"]):.1f}" y2="{y}" '
                       f'stroke="#1f4e79" stroke-width="2"/>')
            svg.append(f'<rect x="{x(r["value"]) - 4:.1f}" y="{y - 4}" width="8" height="8" '
                       f'fill="#1f4e79"><title>{r["value"]:g} ({r["low"]:g} to {r["high"]:g}) '
                       f'{html.escape(unit)}</title></rect>')
        y = height - row_h + 14
        svg.append(f'<text x="{left}" y="{y}" font-size="11">{lo:g}</text>')
        svg.append(f'<text x="{right - 30}" y="{y}" font-size="11">{hi:g}</text>')
        svg.append(f'<text x="{x(0) - 3:.1f}" y="{y}" font-size="11">0</text></svg>')
        parts.append(f"<figure><figcaption>{html.escape(unit)}</figcaption>{''.join(svg)}"
                     f"</figure>")
    return "".join(parts)


def ladder(base: EvidenceBase, treatment: str) -> list[dict]:
    """How many sources of each design the evidence base holds for a treatment."""
    counts = {k: 0 for k, _ in LADDER}
    cited = {f.source for f in base.findings_about(treatment)}
    cited |= {r.source for r in base.recommendations.values() if r.treatment == treatment}
    for sid in cited:
        src = base.sources.get(sid)
        if src and src.kind in counts:
            counts[src.kind] += 1
    return [{"kind": k, "label": label, "n": counts[k]} for k, label in LADDER]
