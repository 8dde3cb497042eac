"""Export the evidence for other systems: a FHIR R5 Bundle of Citation resources (and Evidence
resources for findings that carry an effect), validated with the `fhir.resources` models, and
CSL-JSON or RIS for reference managers."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable

from synovia.evidence import EvidenceBase, Finding, Source
from synovia.vocab import Vocabulary

DOI_SYSTEM = "https://doi.org"
PMID_SYSTEM = "https://pubmed.ncbi.nlm.nih.gov"
VARIABLE_ROLE = "http://hl7.org/fhir/variable-role"
CERTAINTY = "http://terminology.hl7.org/CodeSystem/certainty-rating"
ESTIMATE_TYPE = "http://terminology.hl7.org/CodeSystem/attribute-estimate-type"
_NAMESPACE = uuid.UUID("6f1c1e2a-2f9b-4c1e-9a53-5b3f0d6f7a10")


class ExportError(ValueError):
    """The export would not be valid (a bug: the data passed our own validation)."""


def authors_of(source: Source, bib: dict | None) -> list[str]:
    if bib and bib.get("authors"):
        return list(bib["authors"])
    return [source.author] if source.author else []


def split_author(name: str) -> dict[str, str]:
    """{'family': 'McAlindon', 'given': 'TE'} from PubMed's 'McAlindon TE'."""
    parts = name.rsplit(" ", 1)
    if len(parts) == 2 and re.fullmatch(r"[A-Z]{1,4}", parts[1]):
        return {"family": parts[0], "given": parts[1]}
    return {"family": name}


def fhir_id(record_id: str) -> str:
    """FHIR ids are at most 64 characters of [A-Za-z0-9.-]."""
    if len(record_id) <= 64:
        return record_id
    return record_id[:55] + "-" + uuid.uuid5(_NAMESPACE, record_id).hex[:8]


def full_url(kind: str, record_id: str) -> str:
    return f"urn:uuid:{uuid.uuid5(_NAMESPACE, f'{kind}/{record_id}')}"


def _code(system: str, code: str, display: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def citation_resource(source: Source, bib: dict | None) -> dict:
    bib = bib or {}
    identifiers = []
    if source.doi:
        identifiers.append({"system": DOI_SYSTEM, "value": source.doi})
    if source.pmid:
        identifiers.append({"system": PMID_SYSTEM, "value": source.pmid})
    form: dict = {"publicationDateText": str(source.year), "articleDate": str(source.year)}
    if source.journal:
        form["publishedIn"] = {"title": source.journal}
    for key, fhir_key in (("volume", "volume"), ("issue", "issue"), ("pages", "pageString")):
        if bib.get(key):
            form[fhir_key] = str(bib[key])
    artifact: dict = {"title": [{"text": source.title}], "publicationForm": [form],
                      "classification": [{"type": {"text": "study design"},
                                          "classifier": [{"text": source.kind}]}]}
    if identifiers:
        artifact["identifier"] = identifiers
    if source.abstract:
        artifact["abstract"] = [{"text": source.abstract}]
    if source.link:
        artifact["webLocation"] = [{"url": source.link}]
    names = authors_of(source, bib)
    if source.organisation:
        names = [source.organisation, *names]
    if names:
        artifact["contributorship"] = {
            "entry": [{"contributor": {"display": n}} for n in names],
            "summary": [{"value": ", ".join(names)}]}
    return {
        "resourceType": "Citation", "id": fhir_id(source.id), "status": "active",
        "title": source.title, "citedArtifact": artifact,
        "note": [{"text": f"Synovia source {source.id}: verification {source.verification}, "
                          f"review status {source.review_status}."}],
    }


def evidence_resource(finding: Finding, vocab: Vocabulary | None) -> dict:
    def label(kind: str, tid: str) -> str:
        return vocab.label(kind, tid, "clinician") if vocab else tid

    effect = finding.effect
    exposure = ", ".join(label("treatment", t) for t in finding.treatments) or "intervention"
    variables = [{"description": exposure,
                  "variableRole": _code(VARIABLE_ROLE, "exposure", "Exposure")}]
    if finding.comparator:
        variables.append({"description": finding.comparator, "variableRole": _code(
            VARIABLE_ROLE, "referenceExposure", "Reference Exposure")})
    outcome = finding.outcome + (f" ({effect.unit})" if effect and effect.unit else "")
    variables.append({"description": outcome, "variableRole": _code(
        VARIABLE_ROLE, "measuredVariable", "Measured Variable")})
    statistic: dict = {"description": effect.describe() if effect else finding.clinician}
    if effect and effect.value is not None:
        statistic["quantity"] = {"value": effect.value}
        if effect.unit:
            statistic["quantity"]["unit"] = effect.unit
        if effect.ci_low is not None and effect.ci_high is not None:
            statistic["attributeEstimate"] = [{
                "type": _code(ESTIMATE_TYPE, "C53324", "Confidence interval"), "level": 0.95,
                "range": {"low": {"value": effect.ci_low}, "high": {"value": effect.ci_high}}}]
    resource: dict = {
        "resourceType": "Evidence", "id": fhir_id(finding.id), "status": "active",
        "description": finding.clinician, "assertion": finding.plain,
        "citeAsReference": {"reference": full_url("Citation", finding.source)},
        "variableDefinition": variables, "statistic": [statistic],
        "note": [{"text": f"Synovia finding {finding.id}: verification "
                          f"{finding.verification}; direction {finding.direction}."}],
    }
    if finding.certainty:
        resource["certainty"] = [{"rating": _code(CERTAINTY, finding.certainty)}]
    return resource


def fhir_bundle(sources: Iterable[Source], base: EvidenceBase, bibs: dict[str, dict],
                vocab: Vocabulary | None = None) -> dict:
    """A collection Bundle, checked against the fhir.resources R5 models before it leaves."""
    from fhir.resources.bundle import Bundle
    from fhir.resources.citation import Citation
    from fhir.resources.evidence import Evidence
    from pydantic import ValidationError

    sources = list(sources)
    exported = {s.id for s in sources}
    entries = []
    for source in sources:
        entries.append(("Citation", source.id, citation_resource(source, bibs.get(source.id))))
    for finding in base.findings.values():
        if finding.source in exported and finding.effect and finding.effect.value is not None:
            entries.append(("Evidence", finding.id, evidence_resource(finding, vocab)))
    bundle = {
        "resourceType": "Bundle", "type": "collection",
        "timestamp": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
        "entry": [{"fullUrl": full_url(kind, rid), "resource": res} for kind, rid, res in entries],
    }
    models = {"Citation": Citation, "Evidence": Evidence}
    try:
        for kind, _rid, res in entries:
            models[kind].model_validate(res)
        Bundle.model_validate(bundle)
    except ValidationError as exc:
        raise ExportError(f"FHIR validation failed: {exc.errors()[0]}") from None
    return bundle


def csl_item(source: Source, bib: dict | None) -> dict:
    bib = bib or {}
    item: dict = {"id": source.id, "type": "article-journal" if source.journal else (
        "report" if source.kind in ("guideline", "regulatory") else "webpage"),
        "title": source.title, "issued": {"date-parts": [[source.year]]}}
    authors = [split_author(a) for a in authors_of(source, bib)]
    if source.organisation:
        authors.insert(0, {"literal": source.organisation})
    if authors:
        item["author"] = authors
    for key, value in (("container-title", source.journal), ("DOI", source.doi),
                       ("PMID", source.pmid), ("URL", source.url or source.link),
                       ("abstract", source.abstract), ("volume", bib.get("volume")),
                       ("issue", bib.get("issue")), ("page", bib.get("pages")),
                       ("language", bib.get("language"))):
        if value:
            item[key] = value
    if bib.get("keywords"):
        item["keyword"] = ", ".join(bib["keywords"])
    return item


def export_csl_json(sources: Iterable[Source], bibs: dict[str, dict]) -> str:
    return json.dumps([csl_item(s, bibs.get(s.id)) for s in sources], indent=2,
                      ensure_ascii=False) + "\n"


def export_ris(sources: Iterable[Source], bibs: dict[str, dict]) -> str:
    out: list[str] = []
    for s in sources:
        bib = bibs.get(s.id) or {}
        lines = [("TY", "JOUR" if s.journal else "GEN"), ("TI", s.title)]
        if s.organisation:
            lines.append(("AU", s.organisation))
        for name in authors_of(s, bib):
            parts = split_author(name)
            lines.append(("AU", ", ".join(p for p in (parts["family"], parts.get("given")) if p)))
        lines += [("PY", str(s.year)), ("T2", s.journal), ("VL", bib.get("volume")),
                  ("IS", bib.get("issue"))]
        pages = bib.get("pages") or ""
        if pages:
            start, _, end = pages.partition("-")
            lines += [("SP", start), ("EP", end)]
        lines += [("DO", s.doi), ("AB", s.abstract), ("LA", bib.get("language"))]
        lines += [("KW", k) for k in bib.get("keywords", [])]
        if s.pmid:
            lines += [("AN", s.pmid), ("DB", "PubMed")]
        lines += [("UR", s.url or s.link), ("ID", s.id), ("ER", "")]
        out += [f"{tag}  - {value}".rstrip() if tag == "ER" else f"{tag}  - {value}"
                for tag, value in lines if value or tag == "ER"]
        out.append("")
    return "\n".join(out)
