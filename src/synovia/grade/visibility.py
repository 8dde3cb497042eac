"""Who may see which record: the product rule in one place. Patients see verified records
only; clinicians also see records checked against a secondary source (labelled as such);
memory-only and unverified records reach nobody until a person reviews them. Answers, grades,
directory listings and evidence pages all ask here."""

from __future__ import annotations

AUDIENCE_TAGS: dict[str, frozenset[str]] = {
    "patient": frozenset({"verified"}),
    "clinician": frozenset({"verified", "secondary"}),
}


def shown_tags(audience: str | None) -> frozenset[str] | None:
    """The verification tags `audience` may see; None means no filter (internal use)."""
    if audience is None:
        return None
    return AUDIENCE_TAGS.get(audience, AUDIENCE_TAGS["patient"])


def visible(record, audience: str | None) -> bool:
    """True when `record` (anything with a `verification` tag) may be shown to `audience`."""
    tags = shown_tags(audience)
    return tags is None or getattr(record, "verification", None) in tags
