"""Render an answer as Markdown or for a terminal (Rich); JSON is the model itself."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markdown import Markdown
from rich.panel import Panel
from rich.table import Table

from synovia.ask.answer import Answer

CERTAINTY_SYMBOL = {"high": "⊕⊕⊕⊕", "moderate": "⊕⊕⊕◯", "low": "⊕⊕◯◯", "very-low": "⊕◯◯◯"}


def _stance_text(option) -> str:
    parts = []
    for s in option.guideline_stance[:4]:
        parts.append(f"{s['body']} {s['year']}: {s.get('wording') or s['direction']}")
    return "; ".join(parts) or "none held"


def to_markdown(answer: Answer) -> str:
    lines = [f"# {answer.question}", ""]
    if answer.safety.urgent and answer.safety.message:
        lines += [f"> **Urgent:** {answer.safety.message}", ""]
    lines += ["## Short answer", "", answer.summary, ""]
    if answer.key_points:
        lines += ["## Key points", ""] + [f"- {k}" for k in answer.key_points] + [""]
    if answer.options:
        lines += ["## Options side by side", "",
                  "| Option | Joint | Best evidence | Size | Effect | Certainty | Guidelines | "
                  "Regulatory |", "|---|---|---|---|---|---|---|---|"]
        for o in answer.options:
            cites = "".join(f"[{n}]" for n in o.citations)
            lines.append(
                f"| {o.treatment_label} {cites} | {o.joint or 'any'} | {o.design} | {o.size} | "
                f"{o.effect} | {o.certainty} {CERTAINTY_SYMBOL[o.certainty]} | "
                f"{_stance_text(o)} | {o.regulatory or 'no record'} |")
        lines.append("")
    for s in answer.sections:
        if s.id in ("urgent", "disclaimer"):
            continue
        lines += [f"## {s.title}", "", s.text, ""]
    if answer.references:
        lines += ["## References", ""]
        for r in answer.references:
            tag = "" if r.verification == "verified" else f" [{r.verification}]"
            lines.append(f"{r.n}. {r.citation or r.title}{tag}")
        lines.append("")
    if answer.follow_ups:
        lines += ["## You could also ask", ""] + [f"- {q}" for q in answer.follow_ups] + [""]
    lines += [f"*{answer.disclaimer}*", ""]
    if answer.reading_grade is not None:
        lines.append(f"<!-- reading grade {answer.reading_grade} -->")
    lines.append(f"<!-- conversation {answer.conversation_id} -->")
    return "\n".join(lines)


def to_terminal(answer: Answer, console: Console) -> None:
    if answer.safety.urgent and answer.safety.message:
        console.print(Panel(answer.safety.message, title="URGENT", style="bold red"))
    console.print(Panel(Markdown(answer.summary), title="Short answer"))
    if answer.key_points:
        console.print(Markdown("\n".join(f"- {k}" for k in answer.key_points)))
    if answer.options:
        table = Table("Option", "Joint", "Best evidence", "Size", "Effect", "Certainty",
                      "Guidelines", "Regulatory", title="Options side by side", show_lines=True)
        for o in answer.options:
            table.add_row(
                f"{o.treatment_label} " + "".join(f"[{n}]" for n in o.citations),
                o.joint or "any", o.design, o.size, o.effect,
                f"{o.certainty}\n{CERTAINTY_SYMBOL[o.certainty]}", _stance_text(o),
                o.regulatory or "no record")
        console.print(table)
    blocks = []
    for s in answer.sections:
        if s.id in ("urgent", "disclaimer"):
            continue
        blocks.append(Markdown(f"## {s.title}\n\n{s.text}"))
    console.print(Group(*blocks))
    if answer.references:
        console.print(Markdown("## References"))
        for r in answer.references:
            tag = "" if r.verification == "verified" else f" [{r.verification}]"
            console.print(f"[{r.n}] {r.citation or r.title}{tag}", markup=False,
                          highlight=False)
    if answer.follow_ups:
        console.print(Markdown("## You could also ask\n\n" +
                               "\n".join(f"- {q}" for q in answer.follow_ups)))
    console.print(f"[italic]{answer.disclaimer}[/italic]")
    meta = f"conversation {answer.conversation_id}"
    if answer.reading_grade is not None:
        meta += f" · reading grade {answer.reading_grade}"
    console.print(f"[dim]{meta}[/dim]")
