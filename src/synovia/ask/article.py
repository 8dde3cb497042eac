"""An answer as the parts of an article: what an editor starts a draft from.

The draft keeps the answer's structure as data — short answer, key points, sections, the
options side by side, references, and a FAQ made of the answers to its follow-up questions —
numbered together by the one citation routine, so every marker has its reference and every
reference a marker. `generated` lists the text Synovia wrote, so the publishing gate can tell
it from what a person added or changed later."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from synovia.ask.answer import Answer, Reference
from synovia.text.citations import cite, comparable, number_citations, to_placeholders

MAX_FAQ = 4
_MARKER = re.compile(r"\s*\[\d+(?:,\d+)*\]")


@dataclass
class ArticleDraft:
    title: str
    summary: str  # plain: the page's description
    body: str  # Markdown with [n] markers
    faq: list[dict]
    content: dict
    evidence_ids: list[str] = field(default_factory=list)


def plain(text: str) -> str:
    """Text without citation markers or Markdown emphasis (descriptions, structured data)."""
    return re.sub(r"\*\*?([^*]+)\*\*?", r"\1", _MARKER.sub("", text)).strip()


def draft(main: Answer, follow_ups: list[tuple[str, Answer]]) -> ArticleDraft:
    """One article from an answer and the answers to its follow-ups, renumbered as one."""
    def ids(a: Answer) -> list[str]:
        return [r.id for r in sorted(a.references, key=lambda r: r.n)]

    order = ids(main)
    body_parts = [to_placeholders(main.summary, order)]
    if main.key_points:
        body_parts.append("## Key points\n\n" + "\n".join(
            f"- {to_placeholders(k, order)}" for k in main.key_points))
    for s in main.sections:
        if s.id not in ("urgent", "disclaimer"):
            body_parts.append(f"## {s.title}\n\n{to_placeholders(s.text, order)}")
    option_cites = [cite(*(order[n - 1] for n in o.citations)) for o in main.options]
    faq_texts = [to_placeholders(a.summary, ids(a)) for _, a in follow_ups]
    refs = {r.id: r for a in [main] + [a for _, a in follow_ups] for r in a.references}
    texts = ["\n\n".join(body_parts)] + option_cites + faq_texts
    numbered = number_citations(texts, known=refs.__contains__)
    body, rest = numbered.texts[0], numbered.texts[1:]
    options = []
    for o, marked in zip(main.options, rest[:len(main.options)], strict=True):
        row = o.model_dump(mode="json")
        row["citations"] = [int(n) for n in re.findall(r"\d+", marked)]
        options.append(row)
    faq = [{"q": q, "a": a.strip()}
           for (q, _), a in zip(follow_ups, rest[len(main.options):], strict=True)]
    references = []
    for n, sid in enumerate(numbered.order, 1):
        ref: Reference = refs[sid]
        references.append(ref.model_copy(update={"n": n}).model_dump(mode="json"))
    generated = [comparable(t) for t in [body] + [f["a"] for f in faq] if t.strip()]
    content = {
        "origin": {"kind": "answer", "question": main.question, "audience": main.audience,
                   "conversation_id": main.conversation_id},
        "options": options, "references": references, "generated": generated,
        "safety": main.safety.model_dump(mode="json") if main.safety.urgent else None,
    }
    return ArticleDraft(title=main.question[:300], summary=plain(main.summary)[:500], body=body,
                        faq=faq, content=content,
                        evidence_ids=sorted(set(main.evidence_ids)
                                            | {sid for sid in numbered.order}))
