"""A printable decision aid: the options of a comparison side by side, with no injection among
them, in plain words (IPDAS qualifying items: options, what each involves, benefits, harms, how
sure we are, cost and access, regulatory status, questions to ask).

Every cell is the start of Synovia's own cited answer to the row's question about that option
(`data/lexicon/decision_aid.yaml`), so nothing is written here that the answer engine would
not say, and the one citation routine numbers the whole sheet."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

from synovia.ask.answer import Answer, Reference
from synovia.text.citations import number_citations, to_placeholders

_SENTENCE_END = re.compile(r"(?<=[.!?])(\s*\[\d+(?:,\d+)*\])?\s+(?=[A-Z*])")
_HAS_MARKER = re.compile(r"\[\d+(?:,\d+)*\]")


class AidOption(BaseModel):
    label: str
    treatment: str | None = None  # None: no injection (core care)
    certainty: str | None = None
    guidelines: str = ""
    regulatory: str | None = None
    cells: dict[str, str] = Field(default_factory=dict)  # row id -> Markdown with markers


class DecisionAid(BaseModel):
    question: str
    title: str
    intro: str
    joint: str
    rows: list[dict]  # {"id", "label"}
    options: list[AidOption]
    questions: list[str]
    references: list[Reference]
    disclaimer: str


def first_sentences(text: str, n: int) -> str:
    """The first `n` sentences, carried on to the next citation marker so that no kept
    sentence loses its source; '' when the text cites nothing."""
    pieces, last = [], 0
    for m in _SENTENCE_END.finditer(text):
        pieces.append(text[last:m.end()].strip())
        last = m.end()
    pieces.append(text[last:].strip())
    kept: list[str] = []
    for piece in pieces:
        kept.append(piece)
        if len(kept) >= n and _HAS_MARKER.search(piece):
            break
    out = " ".join(p for p in kept if p)
    return out if _HAS_MARKER.search(out) else ""


def _ids(a: Answer) -> list[str]:
    return [r.id for r in sorted(a.references, key=lambda r: r.n)]


def short_name(body: str) -> str:
    """A guideline body as people write it: its own acronym when given ("... (NICE)"), else
    the initials of each named part ("American College of Rheumatology/Arthritis
    Foundation" → "ACR/AF")."""
    given = re.search(r"\(([A-Z][A-Za-z/&-]{1,12})\)", body)
    if given:
        return given.group(1)
    parts = ["".join(w[0] for w in p.split() if w[:1].isupper()) for p in body.split("/")]
    return "/".join(p for p in parts if p) or body


def _stance(o) -> str:
    return "; ".join(
        f"{short_name(s['body'])} {s['year']}: {s['direction']}"
        + (f" ({s['strength']})" if s.get("strength") not in (None, "", "none") else "")
        for s in o.guideline_stance[:3]) or "none held"


def build(main: Answer, asked, fresh, wording, joint: str) -> DecisionAid:
    """`asked(question) -> Answer` answers a row's question in the same conversation;
    `fresh(question)` answers one on its own (core care, which must not inherit the options)."""
    texts: list[str] = []  # placeholders, numbered together at the end
    slots: list[tuple[int, str]] = []  # (option index, row id) for each text
    refs: dict[str, Reference] = {}

    def keep(a: Answer, text: str, where: tuple[int, str]) -> None:
        refs.update({r.id: r for r in a.references})
        texts.append(to_placeholders(text, _ids(a)) if text else "")
        slots.append(where)

    options = [AidOption(label=wording.core_label, guidelines=wording.core_certainty)]
    core = fresh(wording.core_question.format(joint=joint, option=""))
    pathway = next((s.text for s in core.sections if s.id == "pathway"), "")
    labels = [(re.match(r"- \*\*([^*]+)\*\*", line), line) for line in pathway.splitlines()]
    points = [line[2:].strip() for label, line in labels
              if label and any(c in label.group(1).lower() for c in wording.core_cues)]
    points = points[:wording.core_points]
    keep(core, " ".join(p for p in points if _HAS_MARKER.search(p)), (0, "involves"))
    seen: set[str] = set()
    for o in main.options:
        if o.treatment in seen:
            continue
        seen.add(o.treatment)
        i = len(options)
        options.append(AidOption(label=o.treatment_label, treatment=o.treatment,
                                 certainty=o.certainty, guidelines=_stance(o),
                                 regulatory=o.regulatory))
        for row in wording.rows:
            a = asked(row.question.format(option=o.treatment_label, joint=joint))
            keep(a, first_sentences(a.summary, row.sentences), (i, row.id))
    questions = next((s.text for s in main.sections if s.id == "questions"), "")
    q_lines = [line[2:].strip() for line in questions.splitlines() if line.startswith("- ")]
    refs.update({r.id: r for r in main.references})
    for q in q_lines[:6]:
        texts.append(to_placeholders(q, _ids(main)))
        slots.append((-1, "question"))
    numbered = number_citations(texts, known=refs.__contains__)
    asked_list: list[str] = []
    for (i, row_id), text in zip(slots, numbered.texts, strict=True):
        if i < 0:
            asked_list.append(text.strip())
        else:
            options[i].cells[row_id] = text.strip() or wording.none_held
    references = [refs[sid].model_copy(update={"n": n})
                  for n, sid in enumerate(numbered.order, 1)]
    return DecisionAid(
        question=main.question, title=wording.title.format(joint=joint, option=""),
        intro=wording.intro, joint=joint,
        rows=[{"id": r.id, "label": r.label} for r in wording.rows], options=options,
        questions=asked_list, references=references, disclaimer=main.disclaimer)
