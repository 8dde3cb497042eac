"""The domain model: sources, findings, guideline recommendations, regulatory status and the
care pathway, as validated Pydantic shapes (the YAML files and the store both speak these)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_serializer,
    model_validator,
)

SourceKind = Literal[
    "guideline", "systematic-review", "rct", "cohort", "case-series",
    "preclinical", "narrative-review", "regulatory", "other",
]
Verification = Literal["verified", "secondary", "memory", "unverified"]
#: Outcome ids live in data/vocab.yaml (`outcomes`); the validator checks them against it.
Outcome = str
Direction = Literal["benefit", "no-difference", "harm", "uncertain"]
Certainty = Literal["high", "moderate", "low", "very-low"]
RecDirection = Literal["for", "against", "only-with-special-arrangements", "not-addressed"]
Strength = Literal["strong", "conditional", "consensus", "limited", "moderate", "none"]
RegStatus = Literal[
    "approved", "cleared-device", "unapproved", "investigational", "off-label",
    "ce-marked", "unknown",
]
Species = Literal["human", "rat", "mouse", "rabbit", "dog", "horse", "mixed", "in-vitro"]
ReviewStatus = Literal["accepted", "unreviewed", "rejected"]

#: Crossref's recommended pattern for modern DOIs: "10." + registrant + "/" + suffix.
DOI_RE = re.compile(r"^10\.\d{4,9}/[-._;()/:a-z0-9<>\[\]]+$")
ID_RE = re.compile(r"^[a-z0-9][a-z0-9.-]*$")


def clean_doi(value: str | None) -> str | None:
    """Bare, lower-case DOI: strips `doi:` and resolver prefixes people paste."""
    if value is None:
        return None
    text = str(value).strip()
    text = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", text, flags=re.I)
    return text.lower() or None


class Record(BaseModel):
    """Common shape: a readable id, and the brief's verification tag kept with the record."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str
    verification: Verification
    #: how it was checked and what is still open: for curators, never shown to readers
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not ID_RE.match(v):
            raise ValueError(f"id {v!r} must be a lower-case slug (a-z, 0-9, '-', '.')")
        return v


class Population(BaseModel):
    model_config = ConfigDict(extra="forbid")

    joints: list[str] = Field(default_factory=list)
    oa_grades: str | None = None
    species: Species = "human"
    #: False when the study also took people without osteoarthritis (a shoulder-pain trial
    #: with rotator cuff tears): its result speaks only indirectly to arthritis.
    oa_only: bool = True

    @model_serializer(mode="wrap")
    def _dump(self, handler):
        """Leave `oa_only` out while it holds its default, so records written before the
        field existed keep their content hash (a load does not report them all changed)."""
        data = handler(self)
        if self.oa_only:
            data.pop("oa_only", None)
        return data


class Source(Record):
    kind: SourceKind
    title: str
    year: int = Field(ge=1900, le=2100)
    author: str | None = None
    organisation: str | None = None
    journal: str | None = None
    doi: str | None = None
    url: str | None = None
    pmid: str | None = None
    population: Population = Field(default_factory=Population)
    n_studies: int | None = Field(default=None, ge=0)
    n_participants: int | None = Field(default=None, ge=0)
    notes: str | None = None
    abstract: str | None = None
    treatments: list[str] = Field(default_factory=list)
    review_status: ReviewStatus = "accepted"
    origin: Literal["curated", "import"] = "curated"

    @field_validator("doi", mode="before")
    @classmethod
    def _doi(cls, v: str | None) -> str | None:
        v = clean_doi(v)
        if v is not None and not DOI_RE.match(v):
            raise ValueError(f"malformed DOI {v!r} (expected 10.NNNN/suffix)")
        return v

    @field_validator("pmid", mode="before")
    @classmethod
    def _pmid(cls, v: object) -> str | None:
        if v is None or v == "":
            return None
        text = str(v).strip()
        if not text.isdigit():
            raise ValueError(f"PMID {text!r} must be digits")
        return text

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://\S+$", v):
            raise ValueError(f"URL {v!r} must start with http:// or https://")
        return v

    @model_validator(mode="after")
    def _identifier(self) -> Source:
        if not (self.doi or self.url or self.pmid):
            raise ValueError("a source needs a DOI, a URL or a PMID")
        return self

    @property
    def species(self) -> str:
        return self.population.species

    @property
    def link(self) -> str | None:
        """Where a reader can check the source: the DOI resolver first, else the URL."""
        if self.doi:
            return f"https://doi.org/{self.doi}"
        if self.url:
            return self.url
        if self.pmid:
            return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"
        return None

    @property
    def who(self) -> str:
        return self.organisation or self.author or ""


class Effect(BaseModel):
    model_config = ConfigDict(extra="forbid")

    value: float | None = None
    unit: str | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    timepoint: str | None = None

    def describe(self) -> str:
        """'-1.64 points (95% CI -2.79 to -0.62) at 3 months' for the clinician view."""
        if self.value is None:
            return ""
        text = f"{self.value:g}"
        if self.unit:
            text += f" {self.unit}"
        if self.ci_low is not None and self.ci_high is not None:
            text += f" (95% CI {self.ci_low:g} to {self.ci_high:g})"
        if self.timepoint:
            text += f" at {self.timepoint}"
        return text


class Finding(Record):
    source: str
    treatments: list[str] = Field(default_factory=list)
    joints: list[str] = Field(default_factory=list)
    outcome: Outcome
    #: Situations the finding speaks to (ids of `contexts` in data/vocab.yaml): a finding about
    #: blood sugar after a steroid injection carries `diabetes`.
    context: list[str] = Field(default_factory=list)
    #: For cost, access and other place-bound facts: the jurisdiction it holds in (UK, US, EU).
    jurisdiction: str | None = None
    comparator: str | None = None
    direction: Direction
    effect: Effect | None = None
    certainty: Certainty | None = None
    #: People behind this finding when fewer than the source's total: a review of 2,396
    #: people in which only 226 had this treatment. Grading uses it for imprecision.
    n_participants: int | None = Field(default=None, ge=0)
    #: False when the authors judged a statistically clear benefit too small to matter to
    #: patients (below the minimal clinically important difference): it then weighs as "no
    #: real difference" when the evidence is summed up.
    clinically_important: bool | None = None
    plain: str
    clinician: str


class Recommendation(Record):
    source: str
    treatment: str
    joint: str | None = None
    direction: RecDirection
    strength_wording: str | None = None
    strength: Strength = "none"
    plain: str
    clinician: str


class RegulatoryStatus(Record):
    source: str
    jurisdiction: str
    treatment: str
    status: RegStatus
    date: dt.date | None = None
    plain: str
    clinician: str


class PathwayStep(Record):
    step: float
    title: str
    treatments: list[str] = Field(default_factory=list)
    sources: list[str] = Field(min_length=1)
    plain: str
    clinician: str


#: The five record kinds, by the top-level key they live under in a YAML file.
RECORD_TYPES: dict[str, type[Record]] = {
    "sources": Source,
    "findings": Finding,
    "recommendations": Recommendation,
    "regulatory": RegulatoryStatus,
    "pathway": PathwayStep,
}


class EvidenceBase(BaseModel):
    """Everything in `data/evidence/`, validated and cross-checked."""

    sources: dict[str, Source] = Field(default_factory=dict)
    findings: dict[str, Finding] = Field(default_factory=dict)
    recommendations: dict[str, Recommendation] = Field(default_factory=dict)
    regulatory: dict[str, RegulatoryStatus] = Field(default_factory=dict)
    pathway: dict[str, PathwayStep] = Field(default_factory=dict)
    _by_treatment: dict[str, list[Finding]] | None = PrivateAttr(default=None)
    _by_context: dict[str, list[Finding]] | None = PrivateAttr(default=None)

    def findings_about(self, treatment: str) -> list[Finding]:
        """Findings that name `treatment` (indexed once per evidence base)."""
        if self._by_treatment is None:
            self._by_treatment = self._index(lambda f: f.treatments)
        return self._by_treatment.get(treatment, [])

    def findings_with_context(self, context: str) -> list[Finding]:
        """Findings tagged with a situation (diabetes, blood thinners ...), indexed once."""
        if self._by_context is None:
            self._by_context = self._index(lambda f: f.context)
        return self._by_context.get(context, [])

    def _index(self, keys_of) -> dict[str, list[Finding]]:
        index: dict[str, list[Finding]] = {}
        for f in self.findings.values():
            for key in keys_of(f):
                index.setdefault(key, []).append(f)
        return index

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in RECORD_TYPES}
