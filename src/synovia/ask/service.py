"""The ask pipeline: question → understand → retrieve → grade → compose (→ render elsewhere)."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

from synovia.ask.answer import Answer
from synovia.ask.article import MAX_FAQ, ArticleDraft, draft
from synovia.ask.compose import Context, compose, named_sources
from synovia.ask.conversation import load_state, save_turn, turns
from synovia.ask.decision_aid import DecisionAid, build
from synovia.ask.understand import (
    NotAQuestion,
    Subject,
    inherit,
    looks_like_follow_up,
    understand,
)
from synovia.evidence import Store
from synovia.search import Retriever
from synovia.vocab import Vocabulary
from synovia.vocab.lexicon import Lexicon, cached_lexicon

MAX_QUESTION = 2000
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
AUDIENCES = ("patient", "clinician")


class AskError(ValueError):
    """The request cannot be answered as given (empty, too long, bad id); nothing was stored."""


def check_request(question: str, audience: str, conversation_id: str | None) -> str:
    if question is None or not question.strip():
        raise AskError("the question is empty")
    if not re.search(r"[^\W\d_]{2,}", question):
        raise AskError("please ask a question in words, e.g. 'Does PRP help knee arthritis?'")
    if len(question) > MAX_QUESTION:
        raise AskError(f"the question is longer than {MAX_QUESTION} characters")
    if "\x00" in question:
        raise AskError("the question contains binary data")
    if audience not in AUDIENCES:
        raise AskError(f"audience must be 'patient' or 'clinician', not {audience!r}")
    if conversation_id is not None and not CONVERSATION_ID.match(conversation_id):
        raise AskError("conversation id must be 1-100 letters, digits, '.', '_' or '-'")
    return question.strip()


@dataclass
class Asker:
    store: Store
    vocab: Vocabulary
    lexicon: Lexicon
    retriever: Retriever | None = None

    @classmethod
    def from_platform(cls, syn, use_vectors: bool = True) -> Asker:
        return cls(syn.store, syn.vocab, cached_lexicon(syn.settings.lexicon_dir),
                   Retriever(syn.store, use_vectors=use_vectors))

    def ask(self, question: str, audience: str = "patient",
            conversation_id: str | None = None, save: bool = True) -> Answer:
        question = check_request(question, audience, conversation_id)
        cid = conversation_id or uuid.uuid4().hex[:16]
        previous = load_state(self.store, cid) if conversation_id else None
        answer, state = self.answer(question, audience, cid, previous)
        if save:
            save_turn(self.store, cid, question, audience, state,
                      answer.model_dump(mode="json"))
        return answer

    def answer(self, question: str, audience: str, cid: str,
               previous: dict | None = None) -> tuple[Answer, dict]:
        """Answer one checked question, following on from `previous` (a conversation's state)
        when it reads as a follow-up; returns the answer and the state a next turn inherits."""
        try:
            u = understand(question, self.vocab, self.lexicon)
        except NotAQuestion as exc:
            raise AskError(str(exc)) from None
        if previous and looks_like_follow_up(question, u, self.lexicon):
            u = inherit(u, previous, self.lexicon)
        base = self.store.evidence()
        self._study_named(question, u, base)
        ranks = self._ranks(question, u, base)
        answer = compose(u, Context(base, self.vocab, self.lexicon, audience, ranks,
                                    country=u.country, other_brands=self._other_brands(u)),
                         cid)
        return answer, u.state()

    def draft_article(self, question: str, audience: str = "patient") -> ArticleDraft:
        """The parts of an article drafted from this question's answer; its follow-up
        questions, answered in the same conversation, become the FAQ."""
        question = check_request(question, audience, None)
        cid = uuid.uuid4().hex[:16]
        main, state = self.answer(question, audience, cid)
        faq = []
        for q in main.follow_ups[:MAX_FAQ]:
            follow, _ = self.answer(q, audience, cid, state)
            if follow.in_scope and not follow.safety.urgent and follow.references:
                faq.append((q, follow))
        return draft(main, faq)

    def decision_aid(self, question: str) -> DecisionAid:
        """A printable sheet of the options this question compares, no injection among them,
        for patients. Refused (AskError) when the question names fewer than two options."""
        question = check_request(question, "patient", None)
        wording = self.lexicon.decision_aid
        if wording is None:
            raise AskError("no decision-aid wording is installed (data/lexicon/decision_aid.yaml)")
        cid = uuid.uuid4().hex[:16]
        main, state = self.answer(question, "patient", cid)
        if main.safety.urgent:
            raise AskError("this question needs urgent care first: " + (main.safety.message or ""))
        if len({o.treatment for o in main.options}) < 2:
            raise AskError("a decision aid compares options: name two or more, e.g. 'PRP or a "
                           "steroid injection for my knee?'")
        joint = next((o.joint for o in main.options if o.joint), None) or "joint"
        return build(main, lambda q: self.answer(q, "patient", cid, state)[0],
                     lambda q: self.answer(q, "patient", cid)[0], wording, joint)

    def conversation(self, conversation_id: str) -> list[tuple[str, Answer]]:
        """A conversation's questions and answers as they were shown (its permanent link)."""
        if not CONVERSATION_ID.match(conversation_id or ""):
            raise AskError("conversation id must be 1-100 letters, digits, '.', '_' or '-'")
        return [(t.question, Answer.model_validate(t.answer))
                for t in turns(self.store, conversation_id) if t.answer]

    def _study_named(self, question: str, u, base) -> None:
        """A question that names a study we hold ("RESTORE trial: what were the MRI results?")
        but no treatment is about that study's treatments and joints; the study's name is no
        therapy we lack."""
        if any(s.role == "asked" and s.id for s in u.subjects):
            return
        named = named_sources(question, base, self.vocab)
        if not named:
            return
        src = named[0]
        words = {w.lower() for w in re.findall(r"\b[A-Z]{4,}\b", src.title)}
        words.add((src.author or "").split(" ")[0].lower())
        u.subjects = [s for s in u.subjects if not (
            s.id is None and set(re.findall(r"[a-z]+", s.name.lower())) & words)]
        for tid in src.treatments:
            if tid in self.vocab.treatment_ids:
                u.subjects.append(Subject(tid, src.title[:60], "injection", implied=True))
        joints = {j for f in base.findings.values() if f.source == src.id for j in f.joints}
        if len(joints) == 1 and not u.joints:
            u.joints.append(joints.pop())  # a trial of one joint is about that joint

    def _other_brands(self, u) -> re.Pattern[str] | None:
        """The brands of a product the person named by its brand, other than that brand."""
        others: list[str] = []
        for s in u.subjects:
            term = self.vocab.term("treatment", s.id) if s.id else None
            brands = {b.lower() for b in (term.brands if term else ())}
            if s.name.lower() in brands:
                others += sorted(brands - {s.name.lower()})
        return re.compile(r"\b(" + "|".join(map(re.escape, others)) + r")\b", re.I) \
            if others else None

    def _ranks(self, question: str, u, base) -> dict[str, int]:
        """Retrieval rank of each finding about what was understood (lower = more relevant)."""
        if self.retriever is None or not (u.treatments or u.joints):
            return {}
        contexts = set(u.situation.contexts())
        allowed = {f"findings:{f.id}" for t in u.treatments for f in base.findings_about(t)}
        if contexts:
            allowed |= {f"findings:{f.id}" for c in contexts
                        for f in base.findings_with_context(c)}
        if not allowed:
            return {}
        try:
            hits = self.retriever.search(question, limit=40, allowed=allowed)
        except Exception:  # noqa: BLE001 - an empty or missing index must not stop an answer
            return {}
        return {h.record_id: i for i, h in enumerate(hits)}
