"""Where the evidence base is thin: for each treatment, joint and facet of a question, how many
verified findings speak to it (a general finding, with no joint, counts for every joint). The
facets and their outcomes come from the caller (data/lexicon/facets.yaml), so this layer
stays free of language."""

from __future__ import annotations

from synovia.evidence.models import EvidenceBase


def coverage(base: EvidenceBase, treatments: list[str], joints: list[str],
             facets: dict[str, tuple[str, ...]], tag: str = "verified") -> dict:
    """{treatment: {facet: {joint: count}}} of findings tagged `tag` (regulatory records and
    guideline recommendations count under the facets whose outcomes name them)."""
    out: dict[str, dict[str, dict[str, int]]] = {}
    for t in treatments:
        rows: dict[str, dict[str, int]] = {}
        findings = [f for f in base.findings_about(t) if f.verification == tag]
        recs = [r for r in base.recommendations.values()
                if r.treatment == t and r.verification == tag]
        regs = [r for r in base.regulatory.values() if r.treatment == t and r.verification == tag]
        for facet, outcomes in facets.items():
            cells = {}
            for j in joints:
                n = sum(1 for f in findings if f.outcome in outcomes
                        and (not f.joints or j in f.joints))
                if "recommendation" in outcomes:
                    n += sum(1 for r in recs if r.joint in (j, None))
                if "regulatory" in outcomes:
                    n += len(regs)
                cells[j] = n
            rows[facet] = cells
        out[t] = rows
    return out


def gaps(matrix: dict) -> list[tuple[str, str, str]]:
    """Every (treatment, facet, joint) cell that holds nothing."""
    return [(t, f, j) for t, rows in matrix.items() for f, cells in rows.items()
            for j, n in cells.items() if n == 0]
