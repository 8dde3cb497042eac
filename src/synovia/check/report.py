"""The check report: one Pydantic shape (validated against shared/contracts/check.schema.json),
rendered for a terminal, as JSON, or as HTML that highlights each judged sentence in place."""

from __future__ import annotations

import html
from typing import Literal

from pydantic import BaseModel, Field
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

VERDICT_STYLE = {"supported": "green", "overstated": "yellow", "contradicted": "red",
                 "unsupported": "magenta"}


class ClaimOut(BaseModel):
    text: str
    start: int
    end: int
    verdict: Literal["supported", "overstated", "contradicted", "unsupported"]
    treatments: list[str] = Field(default_factory=list)
    joints: list[str] = Field(default_factory=list)
    evidence: list[str] = Field(default_factory=list)
    reason: str
    kinds: list[str] = Field(default_factory=list)
    hype: list[str] = Field(default_factory=list)
    cited: bool = False
    frame: dict | None = None  # what the sentence asserts (treatment, outcome, direction, ...)
    findings: list[str] = Field(default_factory=list)  # the findings the verdict rests on


class Quality(BaseModel):
    score: float = Field(ge=0, le=100)
    items: list[dict] = Field(default_factory=list)


class Report(BaseModel):
    title: str | None = None
    format: str
    words: int
    citations: dict
    claims: list[ClaimOut]
    omissions: list[str]
    quality: Quality
    summary: dict
    bias: list[dict] = Field(default_factory=list)  # commercial signals with their sentences
    language: list[dict] = Field(default_factory=list)  # hype wording with its sentence
    disclaimer: str = ("Synovia checks articles against its evidence base; a report is "
                       "information, not medical advice.")

    @property
    def passes(self) -> bool:
        """The publishing gate: no citation defects, nothing overstated or contradicted."""
        return self.summary.get("citation_defects", 0) == 0 and not any(
            c.verdict in ("overstated", "contradicted") for c in self.claims)


def to_text(report: Report, console: Console) -> None:
    s = report.summary
    console.print(Panel(
        f"[bold]{report.title or 'Untitled article'}[/bold]\n{report.words} words · "
        f"quality {report.quality.score:.0f}/100 · {s['citation_defects']} citation defects · "
        f"{s['contradicted']} contradicted · {s['overstated']} overstated · "
        f"{s['unsupported']} unsupported · {s['supported']} supported",
        title="Synovia article check"))
    c = report.citations
    lines = []
    if c.get("no_inline_markers"):
        lines.append("No inline citation markers: no claim can be traced to a reference.")
    if c["missing_references"]:
        lines.append("Markers with no reference: " + ", ".join(map(str, c["missing_references"])))
    if c["uncited_references"]:
        lines.append("References never cited: " + ", ".join(map(str, c["uncited_references"])))
    for d in c.get("duplicates", []):
        lines.append("Duplicate: " + d["reason"])
    for d in c.get("malformed_dois", []):
        lines.append(f"Malformed DOI in reference {d['n']}: {d['doi']}")
    for m in c["mismatches"]:
        lines.append(f"[{m['marker']}] {m['reason']}\n    “{m['sentence'][:140]}”")
    console.print(Panel("\n".join(lines) or "No citation defects found.", title="Citations"))
    table = Table("verdict", "claim", "reason", title="Claims", show_lines=True, expand=True)
    order = {"contradicted": 0, "overstated": 1, "unsupported": 2, "supported": 3}
    for claim in sorted(report.claims, key=lambda x: (order[x.verdict], x.start)):
        table.add_row(f"[{VERDICT_STYLE[claim.verdict]}]{claim.verdict}[/]",
                      claim.text[:220], claim.reason[:300] +
                      (f"\nevidence: {', '.join(claim.evidence)}" if claim.evidence else ""))
    console.print(table)
    if report.omissions:
        console.print(Panel("\n".join(f"• {o}" for o in report.omissions), title="Omissions"))
    q = Table("#", "DISCERN question", "score", "why",
              title=f"Quality {report.quality.score:.0f}/100")
    for item in report.quality.items:
        q.add_row(str(item["n"]), item["question"], str(item["score"]), item["reason"])
    console.print(q)
    console.print(f"[italic]{report.disclaimer}[/italic]")


CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;\
line-height:1.55;color:#1a1a1a}
.article{white-space:pre-wrap;border:1px solid #ccc;padding:1rem;border-radius:6px}
mark{padding:0 2px;border-radius:3px}
mark.supported{background:#d7f5dd}mark.overstated{background:#fff0b3}
mark.contradicted{background:#ffd6d6}mark.unsupported{background:#f1dcff}
.verdict{font-weight:700;font-size:.8em;text-transform:uppercase}
table{border-collapse:collapse;width:100%}\
td,th{border:1px solid #ccc;padding:.3rem;vertical-align:top}
"""


def highlighted_article(text: str, claims: list[ClaimOut]) -> str:
    """The article's text with each judged sentence wrapped in <mark> (escaped; safe to show)."""
    out, pos = [], 0
    for i, c in enumerate(sorted(claims, key=lambda x: x.start)):
        if c.start < pos:
            continue
        out.append(html.escape(text[pos:c.start]))
        reason = html.escape(f"{c.verdict}: {c.reason}")
        out.append(f'<mark class="{c.verdict}" id="claim-{i}" title="{reason}" tabindex="0" '
                   f'data-verdict="{c.verdict}">{html.escape(text[c.start:c.end])}'
                   f'<span class="verdict"> [{c.verdict}]</span></mark>')
        pos = c.end
    out.append(html.escape(text[pos:]))
    return "".join(out)


def to_html(report: Report, text: str) -> str:
    s = report.summary
    rows = "".join(
        f"<tr><td>{i['n']}</td><td>{html.escape(i['question'])}</td><td>{i['score']}</td>"
        f"<td>{html.escape(i['reason'])}</td></tr>" for i in report.quality.items)
    claims = "".join(
        f"<li><span class='verdict'>{c.verdict}</span>: {html.escape(c.text[:200])}<br>"
        f"<small>{html.escape(c.reason)}</small></li>" for c in report.claims
        if c.verdict != "supported")
    c = report.citations
    cit = "".join(f"<li>{html.escape(x)}</li>" for x in (
        ([f"Markers with no reference: {c['missing_references']}"]
         if c["missing_references"] else [])
        + ([f"References never cited: {c['uncited_references']}"]
           if c["uncited_references"] else [])
        + [f"[{m['marker']}] {m['reason']}" for m in c["mismatches"]]
        + (["No inline citation markers"] if c.get("no_inline_markers") else [])))
    omissions = "".join(f"<li>{html.escape(o)}</li>" for o in report.omissions)
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Check: {html.escape(report.title or 'article')}</title><style>{CSS}</style></head><body>
<main><h1>Article check: {html.escape(report.title or 'untitled')}</h1>
<p>Quality {report.quality.score:.0f}/100 · {s['citation_defects']} citation defects ·
{s['contradicted']} contradicted · {s['overstated']} overstated · {s['unsupported']} unsupported ·
{s['supported']} supported</p>
<h2>Citations</h2><ul>{cit or '<li>No citation defects found.</li>'}</ul>
<h2>Flagged claims</h2><ul>{claims or '<li>None.</li>'}</ul>
<h2>Omissions</h2><ul>{omissions or '<li>None.</li>'}</ul>
<h2>The article, annotated</h2><div class="article">{highlighted_article(text, report.claims)}</div>
<h2>Quality (DISCERN-style)</h2><table>\
<tr><th>#</th><th>Question</th><th>Score</th><th>Why</th></tr>{rows}</table>
<p><em>{html.escape(report.disclaimer)}</em></p></main></body></html>"""
