"""The shipped evidence base: big enough, holds the brief's key identifiers (found the way a
user would, with `synovia evidence list --format json`), keeps the brief's verification tags and
writes for patients without overclaiming."""

from __future__ import annotations

import json
import re

import pytest

from tests.conftest import DATA, run_cli

KEY_DOIS = {
    "ACR/AF 2019": "10.1002/art.41142",
    "OARSI 2019": "10.1016/j.joca.2019.06.011",
    "Cochrane 2025 stem cells": "10.1002/14651858.cd013342.pub2",
    "Bensa 2025 PRP vs placebo": "10.1177/03635465241246524",
    "Filardo 2020 PRP": "10.1177/1947603520931170",
    "Berrigan 2025 PRP dose": "10.1016/j.arthro.2024.03.018",
    "Belk 2023 PRP/BMAC": "10.1016/j.arthro.2023.03.001",
    "BMAC vs ADSC 2023": "10.1186/s13018-023-03841-2",
    "RESTORE": "10.1001/jama.2021.19415",
    "McAlindon 2017": "10.1001/jama.2017.5283",
    "BMJ 2022 hyaluronic acid": "10.1136/bmj-2022-069722",
    "Arthrosamid 12 months": "10.1186/s13018-024-04756-2",
    "Arthrosamid 5 years": "10.1186/s13018-025-06526-0",
    "exosome rat meta-analysis": "10.3389/fphar.2025.1588841",
    "exosome first human study": "10.1186/s12967-025-06623-y",
    "PRP regulatory (Beitzel 2015)": "10.1055/s-0034-1390030",
    "EULAR hand 2018": "10.1136/annrheumdis-2018-213826",
}
KEY_URLS = {
    "NICE NG226": "nice.org.uk/guidance/ng226",
    "NICE IPG637": "nice.org.uk/guidance/ipg637",
    "FDA exosome notice 2019": "fda.gov/vaccines-blood-biologics/safety-availability-biologics/"
                               "public-safety-notification-exosome-products",
    "FDA consumer page 2021": "fda.gov/vaccines-blood-biologics/consumers-biologics/",
    "AAOS hip 2023": "orthoguidelines.org/guideline-detail?id=1818",
}
FORBIDDEN = re.compile(r"\b(cures?|cured|regrow\w*|revers\w*|proven)\b", re.I)
NEGATION = re.compile(r"\b(no|not|never|cannot|can't|doesn't|does not|unproven|nothing)\b", re.I)


@pytest.fixture(scope="module")
def listing(loaded_db) -> dict:
    result = run_cli("evidence", "list", "--format", "json",
                     env={"SYNOVIA_DATABASE_URL": loaded_db})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_listing_shape_and_size(listing):
    assert len(listing["sources"]) >= 60 and len(listing["findings"]) >= 150
    for src in listing["sources"]:
        assert {"id", "kind", "title", "year", "doi", "url", "verification"} <= set(src)
        assert src["doi"] or src["url"] or src["pmid"], src["id"]
        if src["doi"]:
            assert src["doi"] == src["doi"].lower() and not src["doi"].startswith("http")


def test_key_identifiers_are_records(listing):
    dois = {s["doi"] for s in listing["sources"]}
    urls = " ".join(s["url"] or "" for s in listing["sources"])
    assert {k: v for k, v in KEY_DOIS.items() if v not in dois} == {}
    assert {k: v for k, v in KEY_URLS.items() if v not in urls} == {}
    ids = {s["id"] for s in listing["sources"]}
    assert {"acr-2019", "oarsi-2019", "nice-ng226", "nice-ipg637", "aaos-knee-2021",
            "aaos-hip-2023", "aaos-shoulder-2020", "vadod-2020"} <= ids


def test_list_filters_by_treatment_and_kind(loaded_db):
    env = {"SYNOVIA_DATABASE_URL": loaded_db}
    prp = json.loads(run_cli("evidence", "list", "--treatment", "prp", "--format", "json",
                             env=env).stdout)
    assert any(s["id"] == "bennell-2021-restore" for s in prp["sources"])
    assert all("prp" in f["treatments"] for f in prp["findings"])
    guidelines = json.loads(run_cli("evidence", "list", "--kind", "guideline", "--format",
                                    "json", env=env).stdout)
    assert guidelines["sources"] and all(s["kind"] == "guideline"
                                         for s in guidelines["sources"])


def test_unverified_facts_keep_their_tags():
    """Rows the brief marks unverified or memory stay so (never upgraded)."""
    from synovia.evidence import KnownTerms, read_evidence

    base, problems = read_evidence(DATA / "evidence", KnownTerms())
    assert problems == []
    tags = {f.id: f.verification for f in base.findings.values()}
    # Cochrane 2025: placebo-trial n is inconsistent and structure/SAE details are [U]
    assert tags["cochrane-2025-placebo-n"] in ("unverified", "secondary")
    assert tags["cochrane-2025-structure"] == "unverified"
    # McAlindon 2017 cartilage millimetres are memory only
    assert tags["mcalindon-2017-cartilage-mm"] == "memory"
    assert {r.verification for r in base.regulatory.values()} >= {"verified", "unverified"}
    assert sum(1 for t in tags.values() if t == "verified") >= 150


def test_patient_sentences_do_not_overclaim():
    from synovia.evidence import KnownTerms, read_evidence

    base, _ = read_evidence(DATA / "evidence", KnownTerms())
    records = [*base.findings.values(), *base.recommendations.values(),
               *base.regulatory.values(), *base.pathway.values()]
    for record in records:
        for sentence in re.split(r"(?<=[.!?])\s+", record.plain):
            if FORBIDDEN.search(sentence):
                assert NEGATION.search(sentence), f"{record.id}: {sentence}"


BACK_REFERENCE = re.compile(r"^(Same|In the same|The same|These|This trial|That trial|It also|"
                            r"Also)\b|^[^.]*\balso strongly\b|\bthe reason is the same\b", re.I)


def test_every_record_stands_on_its_own():
    """Records are shown one at a time, in any order: none leans on a record before it
    ("Same preprint: ...", "also advises against ...; the reason is the same")."""
    from synovia.evidence import KnownTerms, read_evidence

    base, _ = read_evidence(DATA / "evidence", KnownTerms())
    records = [*base.findings.values(), *base.recommendations.values(),
               *base.regulatory.values()]
    leaning = [f"{r.id}: {text[:60]}" for r in records for text in (r.plain, r.clinician)
               if BACK_REFERENCE.search(text)]
    assert not leaning, leaning


CURATOR_NOTE = re.compile(r"brief \[|\[V\]|\[U\]|Tag: |via search|check the primary|"
                          r"cite the primary|orthoguidelines id|Reclassified|see [a-z-]+\.yaml",
                          re.I)


def test_readers_never_see_curator_notes():
    """How a record was checked belongs in its `notes`: the clinician text is read by
    clinicians, and no record id or verification process appears in it."""
    from synovia.evidence import KnownTerms, read_evidence

    base, _ = read_evidence(DATA / "evidence", KnownTerms())
    records = [*base.findings.values(), *base.recommendations.values(),
               *base.regulatory.values(), *base.pathway.values()]
    ids = {r.id for r in records} | set(base.sources)
    leaks = [f"{r.id}: {text[:70]}" for r in records for text in (r.plain, r.clinician)
             if CURATOR_NOTE.search(text)
             or any(tok in ids for tok in re.findall(r"\b[a-z0-9]+(?:-[a-z0-9]+){2,}\b", text))]
    assert not leaks, leaks[:10]
