"""The answer shape: declared once, validated against shared/contracts/answer.schema.json."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class Understood(BaseModel):
    """What the question was read as. `intents` repeats `facets` for older clients."""

    treatments: list[str] = Field(default_factory=list)
    joints: list[str] = Field(default_factory=list)
    intents: list[str] = Field(default_factory=list)
    facets: list[str] = Field(default_factory=list)
    profile: dict = Field(default_factory=dict)
    context: list[str] = Field(default_factory=list)  # situation ids the answer used
    not_held: list[str] = Field(default_factory=list)  # therapies named we hold nothing on
    jurisdiction: str | None = None
    inherited: list[str] = Field(default_factory=list)


class Safety(BaseModel):
    urgent: bool = False
    message: str | None = None
    red_flags: list[str] = Field(default_factory=list)


class Section(BaseModel):
    id: str
    title: str
    text: str


class Option(BaseModel):
    treatment: str
    treatment_label: str
    joint: str | None
    certainty: Literal["high", "moderate", "low", "very-low"]
    best_human_evidence: Literal["systematic-review", "rct", "cohort", "case-series", "none"]
    design: str
    size: str
    effect: str
    guideline_stance: list[dict] = Field(default_factory=list)
    regulatory: str | None = None
    verdict: str
    reasons: list[str] = Field(default_factory=list)
    citations: list[int] = Field(default_factory=list)


class Reference(BaseModel):
    n: int
    id: str
    title: str
    year: int
    kind: str
    doi: str | None = None
    url: str | None = None
    verification: str
    authors: str | None = None
    organisation: str | None = None
    journal: str | None = None
    pmid: str | None = None
    citation: str = ""  # the reference as one reads it: authors. Title. Journal. Year. Link


class Answer(BaseModel):
    question: str
    audience: Literal["patient", "clinician"]
    conversation_id: str | None = None
    understood: Understood
    in_scope: bool
    safety: Safety
    summary: str
    key_points: list[str] = Field(default_factory=list)
    sections: list[Section]
    options: list[Option]
    references: list[Reference]
    follow_ups: list[str]
    reading_grade: float | None = None
    disclaimer: str
    evidence_ids: list[str] = Field(default_factory=list)
