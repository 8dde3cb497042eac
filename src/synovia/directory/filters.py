"""What a person may filter the directory by, checked once for the pages, the API and the CLI:
region, specialty, treatment, image guidance, outcome tracking, sector, free text, and a
postcode district to order by distance. Labels and vocabulary words are accepted for ids."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from synovia.directory.postcodes import Districts, Place, parse_district
from synovia.directory.terms import DirectoryTerms
from synovia.vocab import Vocabulary

MAX_QUERY = 100
MAX_LIMIT = 100
DEFAULT_LIMIT = 20
ANY_OUTCOME = "any"


class DirectoryError(ValueError):
    """A request the directory cannot serve as given; the message says what to change."""

    status = 422


@dataclass(frozen=True)
class Filters:
    region: str | None = None
    specialty: str | None = None
    treatment: str | None = None
    guidance: str | None = None
    outcome: str | None = None  # a score id, or "any" for listings that track outcomes
    sector: str | None = None
    q: str | None = None
    near: str | None = None  # a postcode district
    limit: int = DEFAULT_LIMIT
    offset: int = 0

    def terms(self) -> list[tuple[str, str]]:
        """(field, term) pairs every result must have (see ListingTerm)."""
        pairs = [("region", self.region), ("specialty", self.specialty),
                 ("treatment", self.treatment), ("guidance", self.guidance),
                 ("outcome", self.outcome), ("sector", self.sector)]
        return [(k, v) for k, v in pairs if v]

    def words(self) -> list[str]:
        return [w for w in (self.q or "").lower().split() if w][:8]

    def as_dict(self) -> dict[str, str]:
        """The filters in force, for echoing back (limit and offset are reported apart)."""
        return {k: str(v) for k, v in asdict(self).items()
                if v not in (None, "") and k not in ("limit", "offset")}


def check_filters(raw: dict[str, object], terms: DirectoryTerms, vocab: Vocabulary,
                  districts: Districts) -> tuple[Filters, Place | None]:
    """Turn what was typed into Filters, or raise DirectoryError naming the bad filter."""

    def text(key: str) -> str:
        value = raw.get(key)
        return " ".join(str(value).split()) if value not in (None, "") else ""

    def pick(key: str, kind: str, extra: tuple[str, ...] = ()) -> str | None:
        value = text(key)
        if not value:
            return None
        if value.lower() in extra:
            return value.lower()
        found = terms.resolve(kind, value)
        if found is None:
            choices = ", ".join([*extra, *terms.ids(kind)])
            raise DirectoryError(f"{key}: unknown value '{value[:60]}'; use one of: {choices}")
        return found

    treatment = text("treatment") or None
    if treatment:
        resolved = treatment if treatment in vocab.treatment_ids else vocab.resolve(
            "treatment", treatment)
        if resolved is None:
            raise DirectoryError(f"treatment: unknown treatment '{treatment[:60]}'")
        treatment = resolved
    q = text("q")
    if len(q) > MAX_QUERY:
        raise DirectoryError(f"q: longer than {MAX_QUERY} characters")
    place = None
    near = text("near") or None
    if near:
        district = parse_district(near)
        if district is None:
            raise DirectoryError(f"near: '{near[:20]}' is not a UK postcode or postcode "
                                 "district (like LS6 or LS6 2AB)")
        place = districts.get(district)
        if place is None:
            raise DirectoryError(f"near: we have no location for postcode district "
                                 f"'{district}'")
        near = district
    limit = _number(raw.get("limit"), "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
    offset = _number(raw.get("offset"), "offset", 0, 0, 10_000_000)
    filters = Filters(
        region=pick("region", "regions"), specialty=pick("specialty", "specialties"),
        treatment=treatment, guidance=pick("guidance", "image_guidance"),
        outcome=pick("outcome", "outcome_scores", (ANY_OUTCOME,)),
        sector=pick("sector", "sectors"), q=q or None, near=near, limit=limit, offset=offset)
    return filters, place


def _number(value: object, name: str, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    try:
        n = int(str(value))
    except ValueError:
        raise DirectoryError(f"{name}: must be a whole number") from None
    if not low <= n <= high:
        raise DirectoryError(f"{name}: must be between {low} and {high}")
    return n
