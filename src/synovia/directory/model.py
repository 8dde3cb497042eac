"""The directory's shapes: a clinician's listing with its practice locations and protocol
transparency answers, a search result page and an enquiry. Declared once (Pydantic) and used
by the importer, the store, the pages, the JSON API and the CLI alike."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

#: The transparency items, in the order a checklist shows them (data/directory/terms.yaml
#: gives their labels and matching questions).
TRANSPARENCY = ("product", "licence", "preparation", "guidance", "follow_up", "fallback",
                "study")
EXAMPLE_NOTICE = ("Listings marked 'Fictional example' are invented to show how the directory "
                  "works. They are not real clinicians or clinics.")


class Location(BaseModel):
    """One place a clinician practises; lat/lon is the postcode district's centroid."""

    practice: str = ""
    address: str
    town: str
    region: str
    district: str
    lat: float
    lon: float


class Listing(BaseModel):
    """A clinician as the deploying service imported them."""

    id: str
    name: str
    registration_body: str
    registration_number: str
    specialties: list[str]
    treatments: list[str] = Field(description="vocabulary treatment ids")
    joints: list[str] = Field(default_factory=list, description="vocabulary joint ids")
    image_guidance: list[str] = Field(default_factory=list, description="ultrasound, fluoroscopy")
    outcome_scores: list[str] = Field(default_factory=list)
    sectors: list[str] = Field(description="nhs and/or private")
    fees: str | None = None
    email: str | None = None
    website: str | None = None
    example: bool = Field(False, description="a fictional sample listing, not a real clinician")
    transparency: dict[str, str] = Field(
        default_factory=dict, description="answers by item id; a missing item is unanswered")
    locations: list[Location] = Field(min_length=1)

    @property
    def answered(self) -> list[str]:
        return [k for k in TRANSPARENCY if self.transparency.get(k)]

    @property
    def unanswered(self) -> list[str]:
        return [k for k in TRANSPARENCY if not self.transparency.get(k)]

    @property
    def tracks_outcomes(self) -> bool:
        return bool(self.outcome_scores)

    def search_text(self) -> str:
        """What free-text search looks in: the name and every place."""
        parts = [self.name]
        for loc in self.locations:
            parts += [loc.practice, loc.address, loc.town, loc.district]
        return " ".join(p for p in parts if p).lower()


class Hit(BaseModel):
    """A listing in a result list, with its distance when the search gave a district."""

    listing: Listing
    distance_km: float | None = None
    nearest: Location | None = None


class Near(BaseModel):
    district: str
    lat: float
    lon: float
    approximate: bool = False


class ResultPage(BaseModel):
    """GET /api/directory and `synovia directory search --format json`."""

    total: int
    limit: int
    offset: int
    filters: dict[str, str]
    near: Near | None = None
    examples_shown: bool = False
    notice: str | None = None
    results: list[Hit]


class Enquiry(BaseModel):
    """A person's message to a listed clinician, stored with their explicit consent."""

    id: int | None = None
    listing_id: str | None
    listing_name: str
    name: str
    email: str
    phone: str | None = None
    message: str
    consent_text: str
    created_at: datetime
    emailed: bool = False
